namespace Sluice.Transforms.Model;

/// <summary>The OTLP metric data kinds; each is stored in its own table, as the Collector's ClickHouse exporter does.</summary>
public enum MetricKind : byte
{
    /// <summary>A gauge data point.</summary>
    Gauge = 1,

    /// <summary>A sum (counter or up-down counter) data point.</summary>
    Sum = 2,

    /// <summary>An explicit-bucket histogram data point.</summary>
    Histogram = 3,

    /// <summary>An exponential histogram data point.</summary>
    ExponentialHistogram = 4,

    /// <summary>A summary data point (legacy, from Prometheus-style sources).</summary>
    Summary = 5,
}

/// <summary>
/// One metric data point of any kind: one row of the table for its <see cref="Kind"/>.
/// Fields that do not apply to a kind keep their defaults.
/// </summary>
public sealed class MetricPoint
{
    /// <summary>The 16-byte id storage deduplicates on.</summary>
    public UInt128 EventId { get; set; }

    /// <summary>The data kind, which picks the table.</summary>
    public MetricKind Kind { get; set; }

    /// <summary>The metric's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The metric's description.</summary>
    public string Description { get; set; } = string.Empty;

    /// <summary>The metric's unit.</summary>
    public string Unit { get; set; } = string.Empty;

    /// <summary>The data point's attributes.</summary>
    public AttributeList Attributes { get; } = new();

    /// <summary>Start of the aggregation window, Unix nanoseconds; 0 when unset.</summary>
    public ulong StartTimeUnixNano { get; set; }

    /// <summary>The data point's time, Unix nanoseconds.</summary>
    public ulong TimeUnixNano { get; set; }

    /// <summary>OTLP data point flags.</summary>
    public uint Flags { get; set; }

    /// <summary>Gauge and sum: the value (integer values converted to double).</summary>
    public double Value { get; set; }

    /// <summary>Sum, histograms: OTLP aggregation temporality (1 delta, 2 cumulative).</summary>
    public int AggregationTemporality { get; set; }

    /// <summary>Sum: whether it is monotonic.</summary>
    public bool IsMonotonic { get; set; }

    /// <summary>Histograms and summary: number of observations.</summary>
    public ulong Count { get; set; }

    /// <summary>Histograms and summary: sum of observations.</summary>
    public double Sum { get; set; }

    /// <summary>Histograms: minimum, or 0 when not sent.</summary>
    public double Min { get; set; }

    /// <summary>Histograms: maximum, or 0 when not sent.</summary>
    public double Max { get; set; }

    /// <summary>Histogram: bucket counts.</summary>
    public List<ulong> BucketCounts { get; } = [];

    /// <summary>Histogram: explicit bucket bounds.</summary>
    public List<double> ExplicitBounds { get; } = [];

    /// <summary>Exponential histogram: scale.</summary>
    public int Scale { get; set; }

    /// <summary>Exponential histogram: zero bucket count.</summary>
    public ulong ZeroCount { get; set; }

    /// <summary>Exponential histogram: positive buckets' offset.</summary>
    public int PositiveOffset { get; set; }

    /// <summary>Exponential histogram: positive bucket counts.</summary>
    public List<ulong> PositiveBucketCounts { get; } = [];

    /// <summary>Exponential histogram: negative buckets' offset.</summary>
    public int NegativeOffset { get; set; }

    /// <summary>Exponential histogram: negative bucket counts.</summary>
    public List<ulong> NegativeBucketCounts { get; } = [];

    /// <summary>Summary: quantiles (0..1).</summary>
    public List<double> Quantiles { get; } = [];

    /// <summary>Summary: values at <see cref="Quantiles"/>.</summary>
    public List<double> QuantileValues { get; } = [];

    /// <summary>The resource block the metric came in.</summary>
    public ResourceInfo Resource { get; set; } = null!;

    /// <summary>The scope block the metric came in.</summary>
    public ScopeInfo Scope { get; set; } = null!;
}
