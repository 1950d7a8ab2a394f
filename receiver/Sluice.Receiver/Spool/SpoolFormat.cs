using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Spool;

/// <summary>
/// The spool's on-disk format, version 2. A segment file is a 8-byte header (<c>SLSP</c>, format
/// version as UInt16 LE, two reserved bytes) followed by records:
/// <code>
/// UInt32 LE  body length (everything after the CRC)
/// UInt32 LE  CRC-32 of the body
/// body:  UInt8 signal, UInt8 payload encoding (low 4 bits) and compression (high 4 bits),
///        UInt16 LE product length,
///        UInt64 LE received time (Unix ns), UInt64 LE client send time (Unix ns, 0 = unknown),
///        product (UTF-8), payload (the OTLP request, compressed as the compression says)
/// </code>
/// Version 1 is the same but for the encoding byte, which is the encoding alone (its payload is
/// always decompressed); readers still read it. A reader of a newer version must keep reading
/// older segments: change the format only by bumping the version in the header and keeping the
/// old branch.
/// </summary>
internal static class SpoolFormat
{
    public const ushort Version = 2;

    /// <summary>The oldest version this build still reads.</summary>
    public const ushort OldestReadable = 1;
    public const int SegmentHeaderSize = 8;
    public const int RecordPrefixSize = 8;
    public const int BodyFixedSize = 1 + 1 + 2 + 8 + 8;

    /// <summary>Longest body a record may have; longer lengths mean corruption.</summary>
    public const int MaxBodySize = 256 * 1024 * 1024;

    private static ReadOnlySpan<byte> Magic => "SLSP"u8;

    public static string SegmentFileName(long segment) => $"segment-{segment:D12}.spool";

    public static bool TryParseSegmentFileName(string fileName, out long segment)
    {
        segment = 0;
        return fileName.StartsWith("segment-", StringComparison.Ordinal)
            && fileName.EndsWith(".spool", StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(8, fileName.Length - 14), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out segment);
    }

    public static void WriteSegmentHeader(Span<byte> destination)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], Version);
        destination[6] = 0;
        destination[7] = 0;
    }

    /// <summary>Checks a segment header; returns its version, or 0 when it is not a spool segment.</summary>
    public static ushort ReadSegmentHeader(ReadOnlySpan<byte> header)
    {
        if (header.Length < SegmentHeaderSize || !header[..4].SequenceEqual(Magic))
        {
            return 0;
        }

        return BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
    }

    public static int RecordSize(in SpoolRecord record) =>
        RecordPrefixSize + BodyFixedSize + Encoding.UTF8.GetByteCount(record.Product) + record.Payload.Length;

    /// <summary>Writes one whole record (prefix and body) to <paramref name="destination"/>, which must be <see cref="RecordSize"/> long.</summary>
    public static void WriteRecord(in SpoolRecord record, Span<byte> destination)
    {
        Span<byte> body = destination[RecordPrefixSize..];
        body[0] = (byte)record.Signal;
        body[1] = (byte)((byte)record.Encoding | ((byte)record.Compression << 4));
        int productLength = Encoding.UTF8.GetBytes(record.Product, body[BodyFixedSize..]);
        BinaryPrimitives.WriteUInt16LittleEndian(body[2..], checked((ushort)productLength));
        BinaryPrimitives.WriteUInt64LittleEndian(body[4..], record.ReceivedUnixNano);
        BinaryPrimitives.WriteUInt64LittleEndian(body[12..], record.ClientSentUnixNano);
        record.Payload.Span.CopyTo(body[(BodyFixedSize + productLength)..]);

        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Crc32.HashToUInt32(body));
    }

    /// <summary>Parses a record body, of a segment of format <paramref name="version"/>, whose CRC has been checked. Returns false when its fields are inconsistent.</summary>
    public static bool TryReadBody(ReadOnlyMemory<byte> body, ushort version, out SpoolRecord record)
    {
        record = default;
        ReadOnlySpan<byte> span = body.Span;
        if (span.Length < BodyFixedSize)
        {
            return false;
        }

        var signal = (Signal)span[0];
        var encoding = (PayloadEncoding)(version == 1 ? span[1] : span[1] & 0x0F);
        var compression = (PayloadCompression)(version == 1 ? 0 : span[1] >> 4);
        int productLength = BinaryPrimitives.ReadUInt16LittleEndian(span[2..]);
        if (signal is < Signal.Logs or > Signal.Metrics
            || encoding is < PayloadEncoding.Protobuf or > PayloadEncoding.Json
            || compression > PayloadCompression.Zlib
            || BodyFixedSize + productLength > span.Length)
        {
            return false;
        }

        record = new SpoolRecord(
            signal,
            encoding,
            Encoding.UTF8.GetString(span.Slice(BodyFixedSize, productLength)),
            BinaryPrimitives.ReadUInt64LittleEndian(span[4..]),
            BinaryPrimitives.ReadUInt64LittleEndian(span[12..]),
            body[(BodyFixedSize + productLength)..],
            compression);
        return true;
    }
}
