namespace Sluice.Transforms.Model;

/// <summary>
/// The items of one or more OTLP requests of one product, decoded, on their way to ClickHouse.
/// Transforms read and change it in place; the writer encodes it.
/// </summary>
public sealed class TelemetryBatch
{
    // Records kept by Clear for NewLog: a decode into a reused batch then allocates almost nothing per
    // record. Bounded, so a one-off huge batch does not pin its records.
    private const int MaxSpareLogs = 4096;
    private readonly Stack<LogEvent> _spareLogs = new();

    /// <summary>The product (tenant) bound to the API key the request came with.</summary>
    public string Product { get; set; } = string.Empty;

    /// <summary>When the receiver accepted the request, Unix nanoseconds.</summary>
    public ulong ReceivedUnixNano { get; set; }

    /// <summary>The client's own send time from the request, Unix nanoseconds; 0 when not sent.</summary>
    public ulong ClientSentUnixNano { get; set; }

    /// <summary>Log records.</summary>
    public List<LogEvent> Logs { get; } = [];

    /// <summary>Spans.</summary>
    public List<SpanEvent> Spans { get; } = [];

    /// <summary>Metric data points.</summary>
    public List<MetricPoint> Metrics { get; } = [];

    /// <summary>The number of items across all signals.</summary>
    public int Count => Logs.Count + Spans.Count + Metrics.Count;

    /// <summary>
    /// A log record to fill and add to <see cref="Logs"/>: one this batch's <see cref="Clear"/> released
    /// (reset as new), or a new one with room for <paramref name="attributeCapacity"/> attributes.
    /// </summary>
    public LogEvent NewLog(int attributeCapacity) => _spareLogs.TryPop(out LogEvent? log) ? log : new LogEvent(attributeCapacity);

    /// <summary>
    /// Empties the batch for reuse. Its log records are reset and handed out again by <see cref="NewLog"/>:
    /// nothing may keep a reference to them past this call.
    /// </summary>
    public void Clear()
    {
        foreach (LogEvent log in Logs)
        {
            if (_spareLogs.Count == MaxSpareLogs)
            {
                break;
            }

            log.Reset();
            _spareLogs.Push(log);
        }

        Logs.Clear();
        Spans.Clear();
        Metrics.Clear();
        Product = string.Empty;
        ReceivedUnixNano = 0;
        ClientSentUnixNano = 0;
    }
}
