using System.Globalization;
using System.Runtime.InteropServices;

namespace Sluice.Sdk.Schema;

/// <summary>
/// The value of <c>event.id</c>: 128 random bits, written as 32 lowercase hex characters only
/// when the exporter serializes the record. OpenTelemetry writes a value that is not a primitive
/// as its string (<see cref="ToString"/>), so the wire carries the same string attribute as a
/// formatted id would, while the app's thread allocates 32 bytes instead of an 88-byte string
/// and leaves the formatting to the export thread.
/// </summary>
internal sealed class RandomEventId
{
    private readonly ulong _high;
    private readonly ulong _low;

    private RandomEventId(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>
    /// A new id. It only has to be unique, not secret, so the fast per-thread generator is used
    /// instead of Guid.NewGuid (a system call on Linux).
    /// </summary>
    public static RandomEventId Create()
    {
        Span<ulong> bits = stackalloc ulong[2];
        Random.Shared.NextBytes(MemoryMarshal.AsBytes(bits));
        return new RandomEventId(bits[0], bits[1]);
    }

    /// <summary>32 lowercase hex characters.</summary>
    public override string ToString() => string.Create(32, this, static (chars, id) =>
    {
        id._high.TryFormat(chars, out _, "x16", CultureInfo.InvariantCulture);
        id._low.TryFormat(chars[16..], out _, "x16", CultureInfo.InvariantCulture);
    });
}
