namespace Sluice.Transforms.Model;

/// <summary>One log record: a product event when <see cref="EventName"/> is set. One row of the events table.</summary>
public sealed class LogEvent
{
    /// <summary>Creates an empty record.</summary>
    public LogEvent()
        : this(8)
    {
    }

    /// <summary>Creates an empty record with room for <paramref name="attributeCapacity"/> attributes (a decoder that knows the usual count saves the list's regrowth).</summary>
    public LogEvent(int attributeCapacity) => Attributes = new AttributeList(attributeCapacity);

    /// <summary>The 16-byte event id storage deduplicates on.</summary>
    public UInt128 EventId { get; set; }

    /// <summary>Event time, Unix nanoseconds (the record's time, or its observed time when that is unset).</summary>
    public ulong TimeUnixNano { get; set; }

    /// <summary>When the producer observed the record, Unix nanoseconds; 0 when unknown.</summary>
    public ulong ObservedTimeUnixNano { get; set; }

    /// <summary>Trace id as 32 lowercase hex characters, or empty.</summary>
    public string TraceId { get; set; } = string.Empty;

    /// <summary>Span id as 16 lowercase hex characters, or empty.</summary>
    public string SpanId { get; set; } = string.Empty;

    /// <summary>W3C trace flags.</summary>
    public uint TraceFlags { get; set; }

    /// <summary>Severity text as sent, or empty.</summary>
    public string SeverityText { get; set; } = string.Empty;

    /// <summary>OTLP severity number, 0 to 24.</summary>
    public byte SeverityNumber { get; set; }

    /// <summary>The body rendered as text (strings as-is, structured bodies as JSON).</summary>
    public string Body { get; set; } = string.Empty;

    /// <summary>The OTLP <c>event_name</c> field (or the <c>event.name</c> attribute), or empty.</summary>
    public string EventName { get; set; } = string.Empty;

    /// <summary>The record's own attributes.</summary>
    public AttributeList Attributes { get; }

    /// <summary>Dropped attribute count as reported by the producer.</summary>
    public uint DroppedAttributesCount { get; set; }

    /// <summary>
    /// The rate in (0, 1] the event was kept at (the client's <c>sluice.sample_rate</c>, lowered by
    /// the server's rules); counts are re-weighted by its inverse. 1 when not sampled.
    /// </summary>
    public double SampleRate { get; set; } = 1;

    /// <summary>When the receiver accepted the event, Unix nanoseconds; set by enrichment, 0 before.</summary>
    public ulong ReceivedUnixNano { get; set; }

    /// <summary>Receive time minus event time with the client's clock error removed, nanoseconds, never negative; set by enrichment.</summary>
    public ulong IngestionDelayNanos { get; set; }

    /// <summary>How far the client's clock was ahead of the receiver's (negative: behind), nanoseconds; 0 when unknown or within tolerance.</summary>
    public long ClockSkewNanos { get; set; }

    /// <summary>The resource block the record came in.</summary>
    public ResourceInfo Resource { get; set; } = null!;

    /// <summary>The scope block the record came in.</summary>
    public ScopeInfo Scope { get; set; } = null!;

    /// <summary>Makes this record as a new one (attributes emptied, capacity kept), so that a batch can hand it out again.</summary>
    public void Reset()
    {
        EventId = default;
        TimeUnixNano = 0;
        ObservedTimeUnixNano = 0;
        TraceId = string.Empty;
        SpanId = string.Empty;
        TraceFlags = 0;
        SeverityText = string.Empty;
        SeverityNumber = 0;
        Body = string.Empty;
        EventName = string.Empty;
        Attributes.Clear();
        DroppedAttributesCount = 0;
        SampleRate = 1;
        ReceivedUnixNano = 0;
        IngestionDelayNanos = 0;
        ClockSkewNanos = 0;
        Resource = null!;
        Scope = null!;
    }
}
