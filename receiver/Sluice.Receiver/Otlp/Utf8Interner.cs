using System.IO.Hashing;
using System.Text;

namespace Sluice.Receiver.Otlp;

/// <summary>
/// Turns short UTF-8 into strings, handing out the same string for the same bytes while it stays
/// in the table. Attribute keys and most attribute values of client telemetry repeat from event to
/// event (a device's session, user and settings; schema and kind names; small numbers), so a
/// decode that interns them allocates a string only for what is new, which is where the decoder's
/// allocations, and the GC work that follows them, went.
/// </summary>
/// <remarks>
/// A direct-mapped table, one per thread (decoding is synchronous, so a decode never leaves its
/// thread): bounded memory, no locks, no growth. A collision replaces the older entry, so unique
/// values cycling through cost one hash and one copy each on top of the string they need anyway,
/// and can never make a lookup slower than one comparison. Bytes are compared in full: a hash
/// collision only ever costs a miss.
/// </remarks>
internal sealed class Utf8Interner
{
    /// <summary>Longer strings are decoded without the table: they are mostly unique (bodies, URLs, stacks).</summary>
    public const int MaxLength = 64;

    private const int Size = 2048;

    /// <summary>Positions remembered by <see cref="GetString(ReadOnlySpan{byte}, int)"/>.</summary>
    public const int RecentPositions = 128;

    [ThreadStatic]
    private static Utf8Interner? _current;

    private readonly Entry[] _entries = new Entry[Size];

    // The last string seen at each position (see GetString(utf8, position)).
    private readonly Entry[] _recent = new Entry[RecentPositions];

    /// <summary>The calling thread's table.</summary>
    public static Utf8Interner Current => _current ??= new Utf8Interner();

    /// <summary>The string for <paramref name="utf8"/>, as <see cref="Encoding.UTF8"/> decodes it (invalid bytes become U+FFFD).</summary>
    public string GetString(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        if (utf8.Length > MaxLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        ulong hash = XxHash3.HashToUInt64(utf8);
        ref Entry entry = ref _entries[(int)(hash & (Size - 1))];
        if (entry.Hash == hash && entry.Holds(utf8) is { } text)
        {
            return text;
        }

        entry.Hash = hash;
        return entry.Store(utf8, Encoding.UTF8.GetString(utf8));
    }

    /// <summary>
    /// <see cref="GetString(ReadOnlySpan{byte})"/> for text that tends to repeat at the same
    /// <paramref name="position"/> from one call to the next (the n-th attribute key or value of
    /// consecutive records): checks the last string seen there first, which costs one comparison
    /// and no hash.
    /// </summary>
    public string GetString(ReadOnlySpan<byte> utf8, int position)
    {
        if ((uint)position >= RecentPositions || utf8.Length > MaxLength)
        {
            return GetString(utf8);
        }

        ref Entry recent = ref _recent[position];
        return recent.Holds(utf8) ?? recent.Store(utf8, GetString(utf8));
    }

    private struct Entry
    {
        public ulong Hash;
        public int Length;
        public byte[] Bytes;
        public string? Text;

        /// <summary>The entry's string when it was made from exactly <paramref name="utf8"/>, else null.</summary>
        public readonly string? Holds(ReadOnlySpan<byte> utf8) =>
            Text is { } text && utf8.SequenceEqual(Bytes.AsSpan(0, Length)) ? text : null;

        /// <summary>Remembers <paramref name="text"/> as the string of <paramref name="utf8"/> (at most MaxLength bytes); returns it.</summary>
        public string Store(ReadOnlySpan<byte> utf8, string text)
        {
            Bytes ??= new byte[MaxLength];
            utf8.CopyTo(Bytes);
            Length = utf8.Length;
            Text = text;
            return text;
        }
    }
}
