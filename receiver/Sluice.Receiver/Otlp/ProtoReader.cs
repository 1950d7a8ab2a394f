using System.Buffers.Binary;
using System.Text;

namespace Sluice.Receiver.Otlp;

/// <summary>Protobuf wire types (groups are refused: OTLP never uses them and skipping them would need recursion).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// <summary>
/// A forward-only reader over one protobuf message. Sub-messages are read by slicing, so skipping
/// an unknown or nested field costs nothing and deep nesting never recurses here.
/// Every error throws <see cref="OtlpFormatException"/> naming the field, the absolute byte offset
/// and the path of the item being read (from <see cref="DecodeContext.Path"/>).
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private readonly int _origin;
    private readonly DecodeContext _context;
    private int _position;
    private int _fieldStart;

    public ProtoReader(ReadOnlySpan<byte> buffer, int origin, DecodeContext context)
    {
        _buffer = buffer;
        _origin = origin;
        _context = context;
        _position = 0;
        _fieldStart = 0;
    }

    /// <summary>The field number of the last tag read.</summary>
    public int Field { get; private set; }

    /// <summary>The wire type of the last tag read.</summary>
    public WireType Wire { get; private set; }

    /// <summary>Reads the next tag; false at the end of the message.</summary>
    public bool Next()
    {
        if (_position >= _buffer.Length)
        {
            return false;
        }

        int start = _position;
        _fieldStart = start;
        ulong tag = _buffer[start];
        if (tag < 0x80)
        {
            // Fields 1 to 15, all of OTLP's but a few: one byte.
            _position = start + 1;
        }
        else
        {
            tag = ReadRawVarint();
        }

        if (tag >> 3 is 0 or > int.MaxValue)
        {
            throw Error($"invalid field number {tag >> 3} at byte {_origin + start}");
        }

        Field = (int)(tag >> 3);
        int wire = (int)(tag & 7);
        if (wire is not (0 or 1 or 2 or 5))
        {
            throw Error($"unsupported wire type {wire} of field {Field} at byte {_origin + start}");
        }

        Wire = (WireType)wire;
        return true;
    }

    /// <summary>Skips the value of the current field.</summary>
    public void Skip()
    {
        switch (Wire)
        {
            case WireType.Varint:
                ReadRawVarint();
                break;
            case WireType.Fixed64:
                Advance(8);
                break;
            case WireType.Fixed32:
                Advance(4);
                break;
            default:
                ReadBytes();
                break;
        }
    }

    public ulong ReadVarint()
    {
        Expect(WireType.Varint);
        return ReadRawVarint();
    }

    public long ReadSInt64()
    {
        ulong n = ReadVarint();
        return (long)(n >> 1) ^ -(long)(n & 1);
    }

    public ulong ReadFixed64()
    {
        Expect(WireType.Fixed64);
        return BinaryPrimitives.ReadUInt64LittleEndian(Advance(8));
    }

    public uint ReadFixed32()
    {
        Expect(WireType.Fixed32);
        return BinaryPrimitives.ReadUInt32LittleEndian(Advance(4));
    }

    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadFixed64());

    /// <summary>Reads a length-delimited value.</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        Expect(WireType.LengthDelimited);
        ulong length = ReadRawVarint();
        if (length > (ulong)(_buffer.Length - _position))
        {
            throw Error($"truncated length-delimited field {Field} at byte {_origin + _fieldStart}");
        }

        return Advance((int)length);
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    /// <summary>A reader over the current length-delimited field, with absolute offsets kept for errors.</summary>
    public ProtoReader ReadMessage()
    {
        ReadOnlySpan<byte> bytes = ReadBytes();
        return new ProtoReader(bytes, _origin + _position - bytes.Length, _context);
    }

    /// <summary>
    /// Reads the rest of this message at once when it is a KeyValue of the shape nearly every
    /// attribute has: the key, then the value, each shorter than 128 bytes, the value an AnyValue
    /// holding exactly one string, bool, int or double. Gives the key, the AnyValue's field number
    /// (1, 2, 3 or 4) and its bytes (the UTF-8, the varint, or the 8 bytes of the double). Returns
    /// false, having read nothing, for any other shape, which the caller then reads field by field:
    /// this is only a shortcut, and any message it takes reads the same field by field.
    /// </summary>
    public bool TryReadSimpleKeyValue(out ReadOnlySpan<byte> key, out int valueField, out ReadOnlySpan<byte> value)
    {
        key = default;
        value = default;
        valueField = 0;
        ReadOnlySpan<byte> kv = _buffer[_position..];

        // 0x0A = field 1 (key), length-delimited; 0x12 = field 2 (value), length-delimited.
        if (kv.Length < 6 || kv[0] != 0x0A || kv[1] >= 0x80)
        {
            return false;
        }

        int at = 2 + kv[1];
        if (at + 2 > kv.Length || kv[at] != 0x12 || kv[at + 1] >= 0x80 || at + 2 + kv[at + 1] != kv.Length)
        {
            return false;
        }

        ReadOnlySpan<byte> any = kv[(at + 2)..];
        if (any.Length < 2)
        {
            return false;
        }

        switch (any[0])
        {
            case 0x0A: // string_value
                if (any[1] >= 0x80 || 2 + any[1] != any.Length)
                {
                    return false;
                }

                value = any[2..];
                break;
            case 0x10 or 0x18: // bool_value, int_value: one varint filling the rest
                value = any[1..];
                if (value.Length > 10 || value[^1] >= 0x80 || value[..^1].IndexOfAnyInRange((byte)0, (byte)0x7F) >= 0)
                {
                    return false;
                }

                break;
            case 0x21: // double_value
                if (any.Length != 9)
                {
                    return false;
                }

                value = any[1..];
                break;
            default:
                return false;
        }

        valueField = any[0] >> 3;
        key = kv.Slice(2, kv[1]);
        _position = _buffer.Length;
        return true;
    }

    /// <summary>The value of a varint that <see cref="TryReadSimpleKeyValue"/> gave (its bytes are known to be one whole varint).</summary>
    public static ulong VarintValue(ReadOnlySpan<byte> bytes)
    {
        ulong result = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            result |= (ulong)(bytes[i] & 0x7F) << (7 * i);
        }

        return result;
    }

    /// <summary>Reads a repeated fixed64 field given packed or unpacked.</summary>
    public void ReadRepeatedFixed64(List<ulong> into)
    {
        if (Wire != WireType.LengthDelimited)
        {
            into.Add(ReadFixed64());
            return;
        }

        ReadOnlySpan<byte> packed = ReadBytes();
        if (packed.Length % 8 != 0)
        {
            throw Error($"packed fixed64 field {Field} has {packed.Length} bytes, not a multiple of 8");
        }

        for (int i = 0; i < packed.Length; i += 8)
        {
            into.Add(BinaryPrimitives.ReadUInt64LittleEndian(packed.Slice(i, 8)));
        }
    }

    /// <summary>Reads a repeated double field given packed or unpacked.</summary>
    public void ReadRepeatedDouble(List<double> into)
    {
        if (Wire != WireType.LengthDelimited)
        {
            into.Add(ReadDouble());
            return;
        }

        ReadOnlySpan<byte> packed = ReadBytes();
        if (packed.Length % 8 != 0)
        {
            throw Error($"packed double field {Field} has {packed.Length} bytes, not a multiple of 8");
        }

        for (int i = 0; i < packed.Length; i += 8)
        {
            into.Add(BitConverter.UInt64BitsToDouble(BinaryPrimitives.ReadUInt64LittleEndian(packed.Slice(i, 8))));
        }
    }

    /// <summary>Reads a repeated uint64 (varint) field given packed or unpacked.</summary>
    public void ReadRepeatedVarint(List<ulong> into)
    {
        if (Wire != WireType.LengthDelimited)
        {
            into.Add(ReadVarint());
            return;
        }

        ProtoReader packed = ReadMessage();
        while (packed._position < packed._buffer.Length)
        {
            into.Add(packed.ReadRawVarint());
        }
    }

    private void Expect(WireType wire)
    {
        if (Wire != wire)
        {
            throw Error($"field {Field} has wire type {(int)Wire}, expected {(int)wire}, at byte {_origin + _fieldStart}");
        }
    }

    private ReadOnlySpan<byte> Advance(int count)
    {
        if (count > _buffer.Length - _position)
        {
            throw Error($"truncated field {Field} at byte {_origin + _fieldStart}");
        }

        ReadOnlySpan<byte> slice = _buffer.Slice(_position, count);
        _position += count;
        return slice;
    }

    private ulong ReadRawVarint()
    {
        // Lengths under 128 (most strings and small messages) and small numbers: one byte.
        if (_position < _buffer.Length && _buffer[_position] < 0x80)
        {
            return _buffer[_position++];
        }

        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _buffer.Length)
            {
                throw Error($"truncated varint at byte {_origin + _position}");
            }

            byte b = _buffer[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw Error($"varint longer than 10 bytes at byte {_origin + _position}");
    }

    private readonly OtlpFormatException Error(string what) => _context.FormatError(what);
}
