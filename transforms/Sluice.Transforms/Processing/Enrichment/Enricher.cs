using System.Globalization;
using Sluice.Transforms.Model;
using Sluice.Transforms.Processing.Schema;

namespace Sluice.Transforms.Processing.Enrichment;

/// <summary>
/// <c>sluice_enrich</c>: stamps each log record with what only the server knows: when it was
/// received, how late it arrived, how wrong the client's clock was, the product bound to the API
/// key (as <c>service.name</c> when the client sent none) and the sample rate it was kept at.
/// <para>
/// Clock skew: the client stamps its send time (<c>Sluice-Sent-At</c>) on each request. Its
/// difference from the receive time is the client's clock error plus the transit time; beyond
/// <c>skew_tolerance</c> it is taken as clock error, and event times are shifted by it, so an
/// event from a machine whose clock is a day off lands on the right day and its ingestion delay
/// is <c>sent - event</c> in the client's own clock, which is right whatever that clock says.
/// </para>
/// </summary>
internal sealed class Enricher : TelemetryProcessor
{
    public const string TypeName = "sluice_enrich";

    private readonly TimeProvider _time;
    private readonly long _toleranceNanos;
    private readonly bool _correctTime;

    public Enricher(TimeProvider time, TimeSpan skewTolerance, bool correctEventTime)
    {
        _time = time;
        _toleranceNanos = skewTolerance.Ticks * 100;
        _correctTime = correctEventTime;
    }

    /// <summary>Settings: <c>skew_tolerance</c> (default 5s) and <c>correct_event_time</c> (default true).</summary>
    public static Enricher Create(SettingsReader settings, ProcessorContext context)
    {
        TimeSpan tolerance = settings.Duration("skew_tolerance", TimeSpan.FromSeconds(5), TimeSpan.Zero, TimeSpan.FromDays(1));
        bool correct = settings.Bool("correct_event_time", true);
        settings.ReportUnknownKeys();
        return new Enricher(context.Time, tolerance, correct);
    }

    public override void Process(TelemetryBatch batch)
    {
        ulong received = batch.ReceivedUnixNano != 0
            ? batch.ReceivedUnixNano
            : (ulong)(_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;

        long skew = 0;
        if (batch.ClientSentUnixNano != 0)
        {
            long difference = (long)(batch.ClientSentUnixNano - received);
            if (difference != long.MinValue && Math.Abs(difference) > _toleranceNanos)
            {
                skew = difference;
            }
        }

        ResourceInfo? lastResource = null;
        foreach (LogEvent log in batch.Logs)
        {
            if (!ReferenceEquals(log.Resource, lastResource) && log.Resource is { } resource)
            {
                lastResource = resource;
                if (batch.Product.Length > 0 && resource.Attributes.Get(WireNames.ServiceName) is null or "")
                {
                    resource.Attributes.Set(WireNames.ServiceName, batch.Product);
                }
            }

            log.ReceivedUnixNano = received;
            log.ClockSkewNanos = skew;

            ulong eventTime = log.TimeUnixNano != 0 ? log.TimeUnixNano
                : log.ObservedTimeUnixNano != 0 ? log.ObservedTimeUnixNano
                : received;
            ulong corrected = Shift(eventTime, skew);
            if (_correctTime && skew != 0)
            {
                log.TimeUnixNano = corrected;
            }
            else if (log.TimeUnixNano == 0)
            {
                log.TimeUnixNano = eventTime;
            }

            log.IngestionDelayNanos = received > corrected ? received - corrected : 0;

            if (log.Attributes.Get(WireNames.SampleRate) is { } text
                && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double rate)
                && rate > 0 && rate <= 1)
            {
                log.SampleRate = Math.Min(log.SampleRate, rate);
            }
        }
    }

    private static ulong Shift(ulong time, long skew)
    {
        if (skew >= 0)
        {
            return time > (ulong)skew ? time - (ulong)skew : 0;
        }

        ulong add = (ulong)(-skew);
        return ulong.MaxValue - time > add ? time + add : ulong.MaxValue;
    }
}
