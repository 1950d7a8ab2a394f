using Sluice.Transforms.Model;

namespace Sluice.Receiver.Spool;

/// <summary>How the payload of a spool record is encoded: OTLP protobuf or OTLP JSON, exactly as the client sent it.</summary>
internal enum PayloadEncoding : byte
{
    Protobuf = 1,
    Json = 2,
}

/// <summary>
/// How the payload of a spool record is compressed: as the client's HTTP body came (its
/// Content-Encoding), so that the spool writes and holds about a tenth of the decompressed bytes.
/// </summary>
internal enum PayloadCompression : byte
{
    None = 0,
    Gzip = 1,

    /// <summary>zlib, what HTTP calls <c>deflate</c>.</summary>
    Zlib = 2,
}

/// <summary>
/// One accepted OTLP request as it is kept in the spool: what the reader needs to turn it into rows
/// again after a restart, and nothing that could change between the two decodes.
/// </summary>
internal readonly record struct SpoolRecord(
    Signal Signal,
    PayloadEncoding Encoding,
    string Product,
    ulong ReceivedUnixNano,
    ulong ClientSentUnixNano,
    ReadOnlyMemory<byte> Payload,
    PayloadCompression Compression = PayloadCompression.None);

/// <summary>A position in the spool: a segment and a byte offset in it.</summary>
internal readonly record struct SpoolPosition(long Segment, long Offset) : IComparable<SpoolPosition>
{
    public int CompareTo(SpoolPosition other)
    {
        int c = Segment.CompareTo(other.Segment);
        return c != 0 ? c : Offset.CompareTo(other.Offset);
    }

    public static bool operator <(SpoolPosition left, SpoolPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(SpoolPosition left, SpoolPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(SpoolPosition left, SpoolPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(SpoolPosition left, SpoolPosition right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Segment}:{Offset}";
}
