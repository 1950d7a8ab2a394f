namespace Sluice.Transforms.Model;

/// <summary>One span: one row of the spans table.</summary>
public sealed class SpanEvent
{
    /// <summary>The 16-byte id storage deduplicates on (derived from trace and span ids).</summary>
    public UInt128 EventId { get; set; }

    /// <summary>Start time, Unix nanoseconds.</summary>
    public ulong StartTimeUnixNano { get; set; }

    /// <summary>End time, Unix nanoseconds.</summary>
    public ulong EndTimeUnixNano { get; set; }

    /// <summary>Trace id as 32 lowercase hex characters.</summary>
    public string TraceId { get; set; } = string.Empty;

    /// <summary>Span id as 16 lowercase hex characters.</summary>
    public string SpanId { get; set; } = string.Empty;

    /// <summary>Parent span id as 16 lowercase hex characters, or empty for a root span.</summary>
    public string ParentSpanId { get; set; } = string.Empty;

    /// <summary>W3C trace state, or empty.</summary>
    public string TraceState { get; set; } = string.Empty;

    /// <summary>The span's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Span kind as named by the Collector's ClickHouse exporter (<c>Internal</c>, <c>Server</c>, <c>Client</c>, <c>Producer</c>, <c>Consumer</c>, <c>Unspecified</c>).</summary>
    public string Kind { get; set; } = "Unspecified";

    /// <summary>Status code as named by the Collector's ClickHouse exporter (<c>Unset</c>, <c>Ok</c>, <c>Error</c>).</summary>
    public string StatusCode { get; set; } = "Unset";

    /// <summary>Status message, or empty.</summary>
    public string StatusMessage { get; set; } = string.Empty;

    /// <summary>The span's attributes.</summary>
    public AttributeList Attributes { get; } = new();

    /// <summary>The span's events (name, time, attributes).</summary>
    public List<SpanEventEntry> Events { get; } = [];

    /// <summary>The span's links.</summary>
    public List<SpanLinkEntry> Links { get; } = [];

    /// <summary>The resource block the span came in.</summary>
    public ResourceInfo Resource { get; set; } = null!;

    /// <summary>The scope block the span came in.</summary>
    public ScopeInfo Scope { get; set; } = null!;
}

/// <summary>An event inside a span.</summary>
public sealed class SpanEventEntry
{
    /// <summary>Event time, Unix nanoseconds.</summary>
    public ulong TimeUnixNano { get; set; }

    /// <summary>The event's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The event's attributes.</summary>
    public AttributeList Attributes { get; } = new(0);
}

/// <summary>A link from a span to another span.</summary>
public sealed class SpanLinkEntry
{
    /// <summary>Linked trace id, hex.</summary>
    public string TraceId { get; set; } = string.Empty;

    /// <summary>Linked span id, hex.</summary>
    public string SpanId { get; set; } = string.Empty;

    /// <summary>Linked span's trace state.</summary>
    public string TraceState { get; set; } = string.Empty;

    /// <summary>The link's attributes.</summary>
    public AttributeList Attributes { get; } = new(0);
}
