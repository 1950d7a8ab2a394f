namespace Sluice.Sdk.Privacy;

/// <summary>
/// A sensitive attribute value on its way out of the process. The app's thread puts it in place of
/// the clear value; the keyed hash is computed when the exporter writes the attribute, on the export
/// thread (OpenTelemetry writes a value that is not a primitive as its <see cref="ToString"/>, as it
/// does for <c>event.id</c>). A hash costs a cache lookup, and an HMAC of a value not seen before
/// costs microseconds: neither is the app's thread to pay.
/// </summary>
/// <remarks>
/// The clear value stays in the process's memory until the batch is exported (the flush interval,
/// 1 s by default), as the app's own copy of it does; the offline store and the wire only ever get
/// the hash, because both are written from what the exporter serialized.
/// </remarks>
internal sealed class HashedValue(PrivacyFilter filter, object? clear)
{
    private string? _hash;

    /// <summary>The keyed hash, as <see cref="PrivacyFilter.Hash"/> gives it; computed once.</summary>
    public override string ToString() => _hash ??= filter.Hash(clear);
}
