using System.IO.Compression;
using System.Text;

namespace Sluice.Sdk.Tests.Testing;

/// <summary>A decoded log record: enough of OTLP to assert on.</summary>
public sealed record DecodedRecord(string EventName, string Body, Dictionary<string, object?> Attributes, Dictionary<string, object?> Resource);

/// <summary>Test-only OTLP logs decoder (written from the .proto field numbers).</summary>
public static class OtlpTestDecoder
{
    public static byte[] Gunzip(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    public static List<DecodedRecord> Decode(ReadOnlySpan<byte> request)
    {
        var records = new List<DecodedRecord>();
        foreach (var (field, value) in Fields(request.ToArray()))
        {
            if (field != 1)
            {
                continue;
            }

            var resource = new Dictionary<string, object?>();
            var scopes = new List<byte[]>();
            foreach (var (rf, rv) in Fields((byte[])value!))
            {
                if (rf == 1)
                {
                    foreach (var (af, av) in Fields((byte[])rv!))
                    {
                        if (af == 1)
                        {
                            var (k, v) = KeyValue((byte[])av!);
                            resource[k] = v;
                        }
                    }
                }
                else if (rf == 2)
                {
                    scopes.Add((byte[])rv!);
                }
            }

            foreach (var scope in scopes)
            {
                foreach (var (sf, sv) in Fields(scope))
                {
                    if (sf == 2)
                    {
                        records.Add(Record((byte[])sv!, resource));
                    }
                }
            }
        }

        return records;
    }

    private static DecodedRecord Record(byte[] data, Dictionary<string, object?> resource)
    {
        var attributes = new Dictionary<string, object?>();
        var eventName = string.Empty;
        var body = string.Empty;
        foreach (var (f, v) in Fields(data))
        {
            switch (f)
            {
                case 5:
                    body = AnyValue((byte[])v!)?.ToString() ?? string.Empty;
                    break;
                case 6:
                    var (k, val) = KeyValue((byte[])v!);
                    attributes[k] = val;
                    break;
                case 12:
                    eventName = Encoding.UTF8.GetString((byte[])v!);
                    break;
            }
        }

        return new DecodedRecord(eventName, body, attributes, resource);
    }

    private static (string, object?) KeyValue(byte[] data)
    {
        var key = string.Empty;
        object? value = null;
        foreach (var (f, v) in Fields(data))
        {
            if (f == 1)
            {
                key = Encoding.UTF8.GetString((byte[])v!);
            }
            else if (f == 2)
            {
                value = AnyValue((byte[])v!);
            }
        }

        return (key, value);
    }

    private static object? AnyValue(byte[] data)
    {
        foreach (var (f, v) in Fields(data))
        {
            return f switch
            {
                1 => Encoding.UTF8.GetString((byte[])v!),
                2 => (ulong)v! != 0,
                3 => (long)(ulong)v!,
                4 => BitConverter.Int64BitsToDouble((long)(ulong)v!),
                _ => v,
            };
        }

        return null;
    }

    private static IEnumerable<(int Field, object? Value)> Fields(byte[] data)
    {
        var position = 0;
        while (position < data.Length)
        {
            var tag = Varint(data, ref position);
            var field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0:
                    yield return (field, Varint(data, ref position));
                    break;
                case 1:
                    yield return (field, BitConverter.ToUInt64(data, position));
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(data, ref position);
                    yield return (field, data.AsSpan(position, length).ToArray());
                    position += length;
                    break;
                case 5:
                    yield return (field, BitConverter.ToUInt32(data, position));
                    position += 4;
                    break;
                default:
                    throw new FormatException("wire type");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
