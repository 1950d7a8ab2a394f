namespace Sluice.Receiver.Otlp;

/// <summary>What one export request may hold; items past these are refused or rejected, never stored.</summary>
internal sealed record DecodeLimits
{
    /// <summary>Items (log records, spans, metric data points) per request; more gives <see cref="OtlpLimitException"/>.</summary>
    public int MaxItems { get; init; } = 10_000;

    /// <summary>Bytes of one string or bytes value (attribute, body); longer rejects the item.</summary>
    public int MaxAttributeValueBytes { get; init; } = 64 * 1024;

    /// <summary>Levels of array / key-value-list nesting in one value; deeper rejects the item.</summary>
    public int MaxNestingDepth { get; init; } = 16;

    /// <summary>How far after the receive time an item's timestamp may be; later rejects the item.</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromDays(1);
}

/// <summary>The outcome of decoding one request: items appended, items rejected and why (first reasons).</summary>
internal readonly record struct DecodeResult(int Accepted, int Rejected, string? RejectionMessage);
