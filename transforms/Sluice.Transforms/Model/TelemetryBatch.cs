namespace Sluice.Transforms.Model;

/// <summary>
/// The items of one or more OTLP requests of one product, decoded, on their way to ClickHouse.
/// Transforms read and change it in place; the writer encodes it.
/// </summary>
public sealed class TelemetryBatch
{
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

    /// <summary>Empties the batch for reuse.</summary>
    public void Clear()
    {
        Logs.Clear();
        Spans.Clear();
        Metrics.Clear();
        Product = string.Empty;
        ReceivedUnixNano = 0;
        ClientSentUnixNano = 0;
    }
}
