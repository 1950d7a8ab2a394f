using System.Runtime.InteropServices;
using OpenTelemetry;
using OpenTelemetry.Logs;
using Sluice.Sdk.Delivery;
using Sluice.Sdk.Privacy;
using Sluice.Sdk.Rules;
using Sluice.Sdk.Schema;

namespace Sluice.Sdk;

/// <summary>
/// The SDK's processor, first and only in the log pipeline: on the app's thread it applies the
/// rules (so a disabled event costs one lookup and nothing more), stamps the common schema,
/// applies the privacy policy, then hands the record to each channel's processor. It is a
/// <see cref="CompositeProcessor{T}"/> so shutdown flushes every channel (to disk) in order.
/// </summary>
internal sealed class SluiceProcessor : CompositeProcessor<LogRecord>
{
    private static readonly object SchemaV2 = 2L;
    private static readonly object SchemaV1 = 1L;
    private static readonly object RateOne = 1.0;

    private readonly SluiceRuntime _runtime;
    private readonly object _epoch;
    private readonly bool _v1;
    private readonly bool _systemClock;
    private readonly long _sessionTimeoutTicks;
    private readonly KeyValuePair<string, object?>[] _v1Constants;
    private CachedOffset _offset = new(long.MinValue, 0L);

    // One attribute list per thread, reused by every event instead of a new array each time.
    // OpenTelemetry only lets a processor rely on a record's attributes during OnEnd (an ILogger
    // call's state is just as short-lived), and the batch processor copies them into the record's
    // own pooled storage (LogRecord.Buffer) before queueing, so the list is free again once the
    // channels have seen the record. It is taken out of the slot while in use, so a log call made
    // from inside a downstream processor gets a list of its own.
    [ThreadStatic]
    private static List<KeyValuePair<string, object?>>? _threadAttributes;

    public SluiceProcessor(SluiceRuntime runtime)
        : this(runtime, CreateChannelProcessors(runtime))
    {
    }

    /// <summary>Benchmark seam: records go to <paramref name="next"/> instead of the runtime's channels.</summary>
    internal SluiceProcessor(SluiceRuntime runtime, IEnumerable<BaseProcessor<LogRecord>> next)
        : base(next)
    {
        _runtime = runtime;
        _epoch = runtime.Identity.Epoch;
        _v1 = runtime.Options.SchemaVersion == 1;
        _systemClock = ReferenceEquals(runtime.Time, TimeProvider.System);
        _sessionTimeoutTicks = runtime.Options.SessionTimeout.Ticks;
        var platform = PlatformInfo.Current;
        _v1Constants =
        [
            new(SchemaV1Attributes.MachineId, runtime.Identity.InstallationId),
            new(SchemaV1Attributes.OsName, platform.OsName),
            new(SchemaV1Attributes.OsVersion, platform.OsVersion),
            new(SchemaV1Attributes.OsArch, platform.Arch),
            new(SchemaV1Attributes.ProductName, runtime.Options.ProductName),
            new(SchemaV1Attributes.ProductVersion, runtime.Options.ProductVersion),
            new(SchemaV1Attributes.SdkName, PlatformInfo.SdkName),
            new(SchemaV1Attributes.SdkVersion, platform.SdkVersion),
            new(SchemaV1Attributes.Locale, platform.Locale),
        ];
    }

    /// <summary>The name rules and channel filters match on: the OTLP event name (<c>EventId.Name</c>), else the logger category.</summary>
    public static string EventNameOf(LogRecord record) => record.EventId.Name ?? record.CategoryName ?? string.Empty;

    public override void OnEnd(LogRecord data)
    {
        var verdict = _runtime.Rules.Evaluate(EventNameOf(data), out var sampleRate);
        if (verdict != RuleVerdict.Keep)
        {
            _runtime.RuleCounters.Add(verdict);
            return;
        }

        var attributes = _threadAttributes;
        _threadAttributes = null;

        // A record that already carries this thread's list (a second SluiceProcessor in the same
        // pipeline) must not be rebuilt in place.
        if (attributes is null || ReferenceEquals(attributes, data.Attributes))
        {
            attributes = new List<KeyValuePair<string, object?>>(32);
        }

        BuildAttributes(data, sampleRate, attributes);
        data.Attributes = attributes;
        base.OnEnd(data);

        // The record may still point at the list (no channel took it); it stays intact until the
        // next event on this thread, which is as long as OpenTelemetry keeps attribute state valid.
        _threadAttributes = attributes;
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        // Flushes each channel's queue through its exporter into the offline store.
        var flushed = base.OnShutdown(timeoutMilliseconds);
        _runtime.StopAsync().AsTask().GetAwaiter().GetResult();
        return flushed;
    }

    /// <summary>Rules' sample rate, common schema and privacy: the record's attributes as they leave the process, into <paramref name="buffer"/>.</summary>
    private void BuildAttributes(LogRecord record, double sampleRate, List<KeyValuePair<string, object?>> buffer)
    {
        var privacy = _runtime.Privacy;
        var existing = record.Attributes;
        var user = _runtime.Session.User;
        var envelopeCount = (_v1 ? 8 + _v1Constants.Length : 7) + (user is null ? 0 : 2);
        CollectionsMarshal.SetCount(buffer, envelopeCount + (existing?.Count ?? 0));
        var result = CollectionsMarshal.AsSpan(buffer);
        var i = 0;
        var sequence = _runtime.Session.Next(NowTicks(record), _sessionTimeoutTicks, out var sessionId);
        var offset = OffsetMinutes(record.Timestamp);
        var rate = sampleRate == 1 ? RateOne : sampleRate;

        result[i++] = new(SluiceAttributes.EventId, RandomEventId.Create());
        result[i++] = new(SluiceAttributes.SchemaVersion, _v1 ? SchemaV1 : SchemaV2);
        result[i++] = new(SluiceAttributes.SessionEpoch, _epoch);
        result[i++] = new(SluiceAttributes.SampleRate, rate);
        if (_v1)
        {
            result[i++] = new(SchemaV1Attributes.SessionId, sessionId);
            result[i++] = new(SchemaV1Attributes.Sequence, sequence);
            result[i++] = new(SchemaV1Attributes.TimeZoneOffsetMinutes, offset);
            result[i++] = new(SchemaV1Attributes.EventTime, new DateTimeOffset(record.Timestamp, TimeSpan.Zero).ToUnixTimeMilliseconds());
            _v1Constants.CopyTo(result[i..]);
            i += _v1Constants.Length;
            if (user is not null)
            {
                result[i++] = new(SchemaV1Attributes.UserId, privacy.ProtectUserId(user));
                result[i++] = new(SluiceAttributes.UserKind, KindName(user.Kind));
            }
        }
        else
        {
            result[i++] = new(SluiceAttributes.SessionId, sessionId);
            result[i++] = new(SluiceAttributes.SessionSequence, sequence);
            result[i++] = new(SluiceAttributes.TimeZoneOffsetMinutes, offset);
            if (user is not null)
            {
                result[i++] = new(SluiceAttributes.UserId, privacy.ProtectUserId(user));
                result[i++] = new(SluiceAttributes.UserKind, KindName(user.Kind));
            }
        }

        var redacted = false;
        if (existing is not null)
        {
            var filter = privacy.HasAttributeRules;
            for (var j = 0; j < existing.Count; j++)
            {
                var attribute = existing[j];
                if (filter)
                {
                    switch (privacy.ActionFor(attribute.Key))
                    {
                        case PrivacyAction.Hash:
                            attribute = new(attribute.Key, new HashedValue(privacy, attribute.Value));
                            redacted = true;
                            break;
                        case PrivacyAction.Drop:
                            redacted = true;
                            continue;
                    }
                }

                result[i++] = attribute;
            }
        }

        if (redacted)
        {
            // A formatted message would carry the clear values; the template does not.
            record.FormattedMessage = null;
        }

        // Dropped attributes leave the tail unused.
        CollectionsMarshal.SetCount(buffer, i);
    }

    /// <summary>
    /// Now, for the session's idle timeout. With the system clock that is the record's timestamp:
    /// OpenTelemetry read the same clock for it a moment ago, and a second read costs ~30 ns (a
    /// quarter of the SDK's per-event work when measured). Any other clock (a fake one) is asked.
    /// </summary>
    private long NowTicks(LogRecord record) =>
        _systemClock && record.Timestamp.Kind == DateTimeKind.Utc ? record.Timestamp.Ticks : _runtime.Time.GetUtcNow().UtcTicks;

    private object OffsetMinutes(DateTime timestampUtc)
    {
        // The offset changes at most on the hour (DST); compute it once per hour, not per event.
        var hour = timestampUtc.Ticks / TimeSpan.TicksPerHour;
        var cached = Volatile.Read(ref _offset);
        if (cached.Hour == hour)
        {
            return cached.Minutes;
        }

        var minutes = (long)_runtime.Time.LocalTimeZone.GetUtcOffset(timestampUtc).TotalMinutes;
        var fresh = new CachedOffset(hour, minutes);
        Volatile.Write(ref _offset, fresh);
        return fresh.Minutes;
    }

    private static string KindName(UserKind kind) => kind switch
    {
        UserKind.Internal => "internal",
        UserKind.Test => "test",
        _ => "external",
    };

    private static List<BaseProcessor<LogRecord>> CreateChannelProcessors(SluiceRuntime runtime)
    {
        var processors = new List<BaseProcessor<LogRecord>>();
        foreach (var channel in runtime.Channels)
        {
            processors.Add(new ChannelProcessor(channel));
        }

        return processors;
    }

    private sealed record CachedOffset(long Hour, object Minutes);
}
