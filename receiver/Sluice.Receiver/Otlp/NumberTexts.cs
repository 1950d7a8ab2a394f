using System.Globalization;

namespace Sluice.Receiver.Otlp;

/// <summary>
/// The model's text of integer and double attribute values (invariant culture; doubles round-trip),
/// remembered per thread by value: counts, sizes, flags, rates and offsets repeat from event to
/// event, and formatting a number costs more than finding it again.
/// </summary>
/// <remarks>Direct-mapped and bounded like <see cref="Utf8Interner"/>; a collision replaces the older entry.</remarks>
internal sealed class NumberTexts
{
    private const int Bits = 10;

    [ThreadStatic]
    private static NumberTexts? _current;

    private readonly long[] _intKeys = new long[1 << Bits];
    private readonly string?[] _ints = new string?[1 << Bits];
    private readonly ulong[] _doubleKeys = new ulong[1 << Bits];
    private readonly string?[] _doubles = new string?[1 << Bits];

    /// <summary>The calling thread's table.</summary>
    public static NumberTexts Current => _current ??= new NumberTexts();

    public static string FormatInt(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string FormatDouble(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary><see cref="FormatInt"/> of <paramref name="value"/>.</summary>
    public string Int(long value)
    {
        int slot = Slot((ulong)value);
        string? text = _ints[slot];
        if (text is null || _intKeys[slot] != value)
        {
            text = FormatInt(value);
            _ints[slot] = text;
            _intKeys[slot] = value;
        }

        return text;
    }

    /// <summary><see cref="FormatDouble"/> of <paramref name="value"/> (keyed by its bits, so 0 and -0 stay apart).</summary>
    public string Double(double value)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        int slot = Slot(bits);
        string? text = _doubles[slot];
        if (text is null || _doubleKeys[slot] != bits)
        {
            text = FormatDouble(value);
            _doubles[slot] = text;
            _doubleKeys[slot] = bits;
        }

        return text;
    }

    // Fibonacci hashing: neighbouring values spread over the table.
    private static int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - Bits));
}
