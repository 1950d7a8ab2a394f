using System.Globalization;
using Sluice.Transforms.Model;
using Sluice.Transforms.Processing.Schema;

namespace Sluice.Transforms.Processing.Rules;

/// <summary>
/// <c>sluice_rules</c>: applies the dynamic-telemetry rules again on the server (off, sample,
/// cap) for clients too old to know them or that never fetched them. Sampling is deterministic
/// per device and event name with the SDK's function, so it keeps exactly what a current SDK kept
/// and the rate it records (<c>sluice.sample_rate</c>, lowered to the rule's when smaller) stays
/// true. Caps count per device, event name and rule in windows of event time aligned on the
/// Unix epoch, so a spool replayed after an outage is capped as it was produced.
/// </summary>
internal sealed class RuleEnforcer : TelemetryProcessor
{
    public const string TypeName = "sluice_rules";

    private readonly IRuleSource _source;
    private readonly TimeProvider _time;
    private readonly int _maxCounters;
    private readonly Dictionary<CapKey, CapCount> _caps = [];
    private readonly Dictionary<string, Version?> _versions = new(StringComparer.Ordinal);

    // The last resource's Part A, reused while consecutive records share it.
    private ResourceInfo? _resource;
    private string _serviceName = string.Empty;
    private Version? _version;
    private string _channel = string.Empty;
    private string _device = string.Empty;

    public RuleEnforcer(IRuleSource source, TimeProvider time, int maxCounters)
    {
        _source = source;
        _time = time;
        _maxCounters = maxCounters;
    }

    /// <summary>Events dropped because a rule turned them off.</summary>
    public long DroppedByRule { get; private set; }

    /// <summary>Events dropped by a rule's sampling.</summary>
    public long DroppedBySampling { get; private set; }

    /// <summary>Events dropped by a rule's cap.</summary>
    public long DroppedByCap { get; private set; }

    /// <summary>Settings: <c>max_cap_counters</c>, the most device/event counters kept for caps (default 100000; beyond it they start afresh).</summary>
    public static RuleEnforcer Create(SettingsReader settings, ProcessorContext context)
    {
        int maxCounters = settings.Int("max_cap_counters", 100_000, 1, 100_000_000);
        settings.ReportUnknownKeys();
        return new RuleEnforcer(context.Rules, context.Time, maxCounters);
    }

    public override void Process(TelemetryBatch batch)
    {
        RuleSnapshot rules = _source.Current;
        if (rules.Rules.Count == 0 || batch.Logs.Count == 0)
        {
            return;
        }

        _resource = null;
        List<LogEvent> logs = batch.Logs;
        int kept = 0;
        for (int i = 0; i < logs.Count; i++)
        {
            LogEvent log = logs[i];
            if (Keep(rules, batch.Product, log))
            {
                logs[kept++] = log;
            }
        }

        logs.RemoveRange(kept, logs.Count - kept);
        _resource = null;
    }

    private bool Keep(RuleSnapshot rules, string product, LogEvent log)
    {
        if (!ReferenceEquals(log.Resource, _resource))
        {
            LoadResource(log.Resource);
        }

        TelemetryRule? rule = rules.Match(_serviceName, product, _version, _channel, log.EventName);
        if (rule is null)
        {
            return true;
        }

        if (!rule.Enabled)
        {
            DroppedByRule++;
            return false;
        }

        string device = DeviceOf(log);
        if (rule.SampleRate < 1)
        {
            if (RuleSnapshot.SampleBucket(device, log.EventName) >= rule.SampleRate)
            {
                DroppedBySampling++;
                return false;
            }

            RecordRate(log, rule.SampleRate);
        }

        if (rule.Cap is { } cap && !TakeFromCap(rule, cap, device, log))
        {
            DroppedByCap++;
            return false;
        }

        return true;
    }

    private void LoadResource(ResourceInfo? resource)
    {
        _resource = resource;
        AttributeList? attributes = resource?.Attributes;
        _serviceName = attributes?.Get(WireNames.ServiceName) ?? string.Empty;
        _channel = attributes?.Get(WireNames.ReleaseChannel) ?? string.Empty;
        _device = attributes?.Get(WireNames.DeviceId) ?? string.Empty;
        string versionText = attributes?.Get(WireNames.ServiceVersion) ?? string.Empty;
        if (!_versions.TryGetValue(versionText, out _version))
        {
            _version = versionText.Length == 0 ? null : RuleSnapshot.ParseVersion(versionText);
            if (_versions.Count < 10_000)
            {
                _versions[versionText] = _version;
            }
        }
    }

    // The device the SDK would hash with; without one (a plain client that sends no device.id),
    // the user, the session, and last the event itself, which samples per event but stays unbiased.
    private string DeviceOf(LogEvent log)
    {
        if (_device.Length > 0)
        {
            return _device;
        }

        return log.Attributes.Get(WireNames.DeviceId) is { Length: > 0 } device ? device
            : log.Attributes.Get(WireNames.UserId) is { Length: > 0 } user ? user
            : log.Attributes.Get(WireNames.SessionId) is { Length: > 0 } session ? session
            : log.EventId.ToString("x32", CultureInfo.InvariantCulture);
    }

    private static void RecordRate(LogEvent log, double ruleRate)
    {
        // The SDK may have sampled at its own rate already; the same bucket kept it at both, so
        // the event stands for 1 / min(rates) events.
        double current = log.SampleRate;
        if (log.Attributes.Get(WireNames.SampleRate) is { } text
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double sent)
            && sent > 0 && sent <= 1)
        {
            current = Math.Min(current, sent);
        }

        if (ruleRate < current)
        {
            log.SampleRate = ruleRate;
            log.Attributes.Set(WireNames.SampleRate, RuleSnapshot.Format(ruleRate));
        }
        else
        {
            log.SampleRate = current;
        }
    }

    private bool TakeFromCap(TelemetryRule rule, RuleCap cap, string device, LogEvent log)
    {
        ulong nanos = log.TimeUnixNano != 0 ? log.TimeUnixNano : (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;
        long window = (long)(nanos / 1_000_000_000) / cap.WindowSeconds;
        var key = new CapKey(rule.Id, device, log.EventName);
        if (!_caps.TryGetValue(key, out CapCount count) && _caps.Count >= _maxCounters)
        {
            // Bounded memory: start every count afresh rather than grow without limit. At worst a
            // device gets one extra window's worth, which the SDK's own cap bounds anyway.
            _caps.Clear();
        }

        if (count.Window != window)
        {
            count = new CapCount(window, 0);
        }

        if (count.Taken >= cap.Count)
        {
            _caps[key] = count;
            return false;
        }

        _caps[key] = new CapCount(window, count.Taken + 1);
        return true;
    }

    private readonly record struct CapKey(string RuleId, string Device, string EventName);

    private readonly record struct CapCount(long Window, long Taken);
}
