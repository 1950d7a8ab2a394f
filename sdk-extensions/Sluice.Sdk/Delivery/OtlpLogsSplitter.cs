using System.Buffers;
using System.IO.Compression;

namespace Sluice.Sdk.Delivery;

/// <summary>
/// Splits a serialized OTLP <c>ExportLogsServiceRequest</c> into gzip-compressed parts of at
/// most N log records and M compressed bytes, copying the protobuf bytes as they are (resource
/// and scope blocks are repeated in each part that needs them). Only the three levels of
/// nesting that hold records are parsed; every other field is carried over untouched.
/// A single record larger than the byte cap still goes out alone: split, never refuse.
/// </summary>
internal static class OtlpLogsSplitter
{
    // Field numbers: ExportLogsServiceRequest.resource_logs = 1, ResourceLogs.scope_logs = 2,
    // ScopeLogs.log_records = 2. Length-delimited wire type = 2.
    private const int LengthDelimited = 2;

    /// <summary>Splits and compresses. Throws <see cref="FormatException"/> on malformed protobuf.</summary>
    public static List<CompressedPart> Split(ReadOnlySpan<byte> request, int maxEvents, int maxCompressedBytes)
    {
        var layout = Parse(request);
        var parts = new List<CompressedPart>();
        for (var start = 0; start < layout.Records.Count; start += maxEvents)
        {
            var count = Math.Min(maxEvents, layout.Records.Count - start);
            AddParts(request, layout, start, count, maxCompressedBytes, parts);
        }

        return parts;
    }

    /// <summary>Counts the log records in a request.</summary>
    public static int CountRecords(ReadOnlySpan<byte> request) => Parse(request).Records.Count;

    private static void AddParts(ReadOnlySpan<byte> request, Layout layout, int start, int count, int maxCompressedBytes, List<CompressedPart> parts)
    {
        var compressed = Compress(request, layout, start, count);
        if (compressed.Length <= maxCompressedBytes || count == 1)
        {
            parts.Add(new CompressedPart(compressed, count));
            return;
        }

        // Too big: halve and try again. Halving keeps parts near the cap without a size model.
        var half = count / 2;
        AddParts(request, layout, start, half, maxCompressedBytes, parts);
        AddParts(request, layout, start + half, count - half, maxCompressedBytes, parts);
    }

    private static byte[] Compress(ReadOnlySpan<byte> request, Layout layout, int start, int count)
    {
        var size = MeasureRequest(layout, start, count);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var written = WriteRequest(request, layout, start, count, buffer);
            using var output = new MemoryStream(written / 4 + 64);
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(buffer, 0, written);
            }

            return output.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes the uncompressed sub-request holding records [start, start + count).</summary>
    internal static byte[] Build(ReadOnlySpan<byte> request, int start, int count)
    {
        var layout = Parse(request);
        var buffer = new byte[MeasureRequest(layout, start, count)];
        WriteRequest(request, layout, start, count, buffer);
        return buffer;
    }

    private static int MeasureRequest(Layout layout, int start, int count)
    {
        var total = 0;
        var end = start + count;
        var i = start;
        while (i < end)
        {
            var resource = layout.Records[i].Resource;
            var resourceSize = MeasureResource(layout, ref i, end, resource);
            total += 1 + VarintSize((ulong)resourceSize) + resourceSize;
        }

        return total;
    }

    private static int MeasureResource(Layout layout, ref int i, int end, int resource)
    {
        var size = layout.ResourceHeaders[resource].Sum;
        while (i < end && layout.Records[i].Resource == resource)
        {
            var scope = layout.Records[i].Scope;
            var scopeSize = layout.ScopeHeaders[scope].Sum;
            while (i < end && layout.Records[i].Scope == scope)
            {
                var length = layout.Records[i].Length;
                scopeSize += 1 + VarintSize((ulong)length) + length;
                i++;
            }

            size += 1 + VarintSize((ulong)scopeSize) + scopeSize;
        }

        return size;
    }

    private static int WriteRequest(ReadOnlySpan<byte> request, Layout layout, int start, int count, Span<byte> destination)
    {
        var end = start + count;
        var position = 0;
        var i = start;
        while (i < end)
        {
            var resource = layout.Records[i].Resource;
            var probe = i;
            var resourceSize = MeasureResource(layout, ref probe, end, resource);
            position += WriteTag(destination[position..], 1, resourceSize);
            foreach (var range in layout.ResourceHeaders[resource].Ranges)
            {
                request.Slice(range.Start, range.Length).CopyTo(destination[position..]);
                position += range.Length;
            }

            while (i < end && layout.Records[i].Resource == resource)
            {
                var scope = layout.Records[i].Scope;
                var scopeSize = layout.ScopeHeaders[scope].Sum;
                for (var j = i; j < end && layout.Records[j].Scope == scope; j++)
                {
                    var length = layout.Records[j].Length;
                    scopeSize += 1 + VarintSize((ulong)length) + length;
                }

                position += WriteTag(destination[position..], 2, scopeSize);
                foreach (var range in layout.ScopeHeaders[scope].Ranges)
                {
                    request.Slice(range.Start, range.Length).CopyTo(destination[position..]);
                    position += range.Length;
                }

                while (i < end && layout.Records[i].Scope == scope)
                {
                    var record = layout.Records[i];
                    position += WriteTag(destination[position..], 2, record.Length);
                    request.Slice(record.Start, record.Length).CopyTo(destination[position..]);
                    position += record.Length;
                    i++;
                }
            }
        }

        return position;
    }

    private static int WriteTag(Span<byte> destination, int field, int length)
    {
        destination[0] = (byte)((field << 3) | LengthDelimited);
        return 1 + WriteVarint(destination[1..], (ulong)length);
    }

    private static int WriteVarint(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    private static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    private static Layout Parse(ReadOnlySpan<byte> request)
    {
        var layout = new Layout();
        var position = 0;
        while (position < request.Length)
        {
            var (field, wireType) = ReadTag(request, ref position);
            if (field == 1 && wireType == LengthDelimited)
            {
                var length = ReadLength(request, ref position);
                ParseResource(request.Slice(position, length), position, layout);
                position += length;
            }
            else
            {
                // Unknown top-level fields cannot be placed in a split part; they are dropped.
                Skip(request, ref position, wireType);
            }
        }

        return layout;
    }

    private static void ParseResource(ReadOnlySpan<byte> message, int offset, Layout layout)
    {
        var resource = layout.ResourceHeaders.Count;
        var header = new Header();
        layout.ResourceHeaders.Add(header);
        var position = 0;
        while (position < message.Length)
        {
            var fieldStart = position;
            var (field, wireType) = ReadTag(message, ref position);
            if (field == 2 && wireType == LengthDelimited)
            {
                var length = ReadLength(message, ref position);
                ParseScope(message.Slice(position, length), offset + position, resource, layout);
                position += length;
            }
            else
            {
                Skip(message, ref position, wireType);
                header.Add(offset + fieldStart, position - fieldStart);
            }
        }
    }

    private static void ParseScope(ReadOnlySpan<byte> message, int offset, int resource, Layout layout)
    {
        var scope = layout.ScopeHeaders.Count;
        var header = new Header();
        layout.ScopeHeaders.Add(header);
        var position = 0;
        while (position < message.Length)
        {
            var fieldStart = position;
            var (field, wireType) = ReadTag(message, ref position);
            if (field == 2 && wireType == LengthDelimited)
            {
                var length = ReadLength(message, ref position);
                layout.Records.Add(new RecordRange(resource, scope, offset + position, length));
                position += length;
            }
            else
            {
                Skip(message, ref position, wireType);
                header.Add(offset + fieldStart, position - fieldStart);
            }
        }
    }

    private static (int Field, int WireType) ReadTag(ReadOnlySpan<byte> data, ref int position)
    {
        var tag = ReadVarint(data, ref position);
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    private static int ReadLength(ReadOnlySpan<byte> data, ref int position)
    {
        var length = ReadVarint(data, ref position);
        if (length > (ulong)(data.Length - position))
        {
            throw new FormatException("Truncated OTLP message.");
        }

        return (int)length;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new FormatException("Truncated varint.");
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("Varint too long.");
    }

    private static void Skip(ReadOnlySpan<byte> data, ref int position, int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint(data, ref position);
                break;
            case 1:
                position += 8;
                break;
            case LengthDelimited:
                // Read the length first: "position += ReadLength(..., ref position)" would add to the old position.
                var length = ReadLength(data, ref position);
                position += length;
                break;
            case 5:
                position += 4;
                break;
            default:
                throw new FormatException($"Unsupported wire type {wireType}.");
        }

        if (position > data.Length)
        {
            throw new FormatException("Truncated OTLP message.");
        }
    }

    private sealed class Layout
    {
        public List<RecordRange> Records { get; } = [];

        public List<Header> ResourceHeaders { get; } = [];

        public List<Header> ScopeHeaders { get; } = [];
    }

    /// <summary>The fields of a resource or scope block other than its children, as byte ranges of the request.</summary>
    private sealed class Header
    {
        public List<(int Start, int Length)> Ranges { get; } = [];

        public int Sum { get; private set; }

        public void Add(int start, int length)
        {
            Ranges.Add((start, length));
            Sum += length;
        }
    }

    private readonly record struct RecordRange(int Resource, int Scope, int Start, int Length);
}

/// <summary>One request's worth of log records, gzip-compressed.</summary>
internal sealed record CompressedPart(byte[] Gzip, int Events);
