using System.Security.Cryptography;
using System.Text;
using Sluice.Sdk.Delivery;
using Sluice.Sdk.Tests.Testing;

namespace Sluice.Sdk.Tests.Delivery;

public sealed class OtlpLogsSplitterTests
{
    [Fact]
    public void Split_MoreRecordsThanTheCount_SplitsInOrderAndKeepsResources()
    {
        var request = Request(("res-a", 3), ("res-b", 4));

        var parts = OtlpLogsSplitter.Split(request, maxEvents: 3, maxCompressedBytes: 1 << 20);

        Assert.Equal([3, 3, 1], parts.Select(p => p.Events));
        var records = parts.SelectMany(p => OtlpTestDecoder.Decode(OtlpTestDecoder.Gunzip(p.Gzip))).ToList();
        Assert.Equal(["a0", "a1", "a2", "b0", "b1", "b2", "b3"], records.Select(r => r.EventName));
        Assert.Equal(["res-a", "res-a", "res-a", "res-b", "res-b", "res-b", "res-b"], records.Select(r => (string)r.Resource["service.name"]!));
    }

    [Fact]
    public void Split_LargerThanTheByteCap_SplitsUntilEachPartFits()
    {
        // Random payloads do not compress, so 40 records of ~2 KB cannot fit in 16 KiB.
        var request = Request(("res", 40), payloadBytes: 2000);

        var parts = OtlpLogsSplitter.Split(request, maxEvents: 1000, maxCompressedBytes: 16 * 1024);

        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.True(p.Gzip.Length <= 16 * 1024, $"{p.Gzip.Length} bytes"));
        Assert.Equal(40, parts.Sum(p => p.Events));
        var names = parts.SelectMany(p => OtlpTestDecoder.Decode(OtlpTestDecoder.Gunzip(p.Gzip))).Select(r => r.EventName);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => "r" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)), names);
    }

    [Fact]
    public void Split_SingleRecordAboveTheCap_GoesAloneRatherThanRefused()
    {
        var request = Request(("res", 1), payloadBytes: 8000);

        var parts = OtlpLogsSplitter.Split(request, maxEvents: 1000, maxCompressedBytes: 1024);

        var part = Assert.Single(parts);
        Assert.Equal(1, part.Events);
        Assert.True(part.Gzip.Length > 1024);
    }

    [Fact]
    public void Split_TruncatedRequest_ThrowsFormatException()
    {
        var request = Request(("res", 2));

        Assert.Throws<FormatException>(() => OtlpLogsSplitter.Split(request.AsSpan(0, request.Length - 3), 10, 1 << 20));
    }

    [Fact]
    public void Build_NonCanonicalLengthPrefixes_AreRewrittenCanonically()
    {
        // The OpenTelemetry exporter reserves four bytes for each length; parts must still decode.
        var request = Request(("res", 2), paddedLengths: true);

        var part = OtlpLogsSplitter.Build(request, 1, 1);

        var record = Assert.Single(OtlpTestDecoder.Decode(part));
        Assert.Equal("r1", record.EventName);
        Assert.True(part.Length < request.Length);
    }

    /// <summary>Builds an ExportLogsServiceRequest by hand: resources named by service.name, records named a0, a1, ...</summary>
    internal static byte[] Request((string Service, int Records) resource, int payloadBytes = 0, bool paddedLengths = false) =>
        Request([resource], payloadBytes, paddedLengths);

    internal static byte[] Request((string Service, int Records) a, (string Service, int Records) b) => Request([a, b], 0, false);

    private static byte[] Request((string Service, int Records)[] resources, int payloadBytes, bool paddedLengths)
    {
        var request = new List<byte>();
        foreach (var (service, count) in resources)
        {
            var prefix = resources.Length > 1 ? service[^1..] : "r";
            var scope = new List<byte>();
            Field(scope, 1, Message(m => Field(m, 1, Encoding.UTF8.GetBytes("scope"), paddedLengths)), paddedLengths);
            for (var i = 0; i < count; i++)
            {
                var record = new List<byte>();
                Field(record, 12, Encoding.UTF8.GetBytes(prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)), paddedLengths);
                if (payloadBytes > 0)
                {
                    var any = Message(m => Field(m, 7, RandomNumberGenerator.GetBytes(payloadBytes), paddedLengths));
                    Field(record, 5, any, paddedLengths);
                }

                Field(scope, 2, [.. record], paddedLengths);
            }

            var resourceLogs = new List<byte>();
            var attribute = Message(kv =>
            {
                Field(kv, 1, Encoding.UTF8.GetBytes("service.name"), paddedLengths);
                Field(kv, 2, Message(v => Field(v, 1, Encoding.UTF8.GetBytes(service), paddedLengths)), paddedLengths);
            });
            Field(resourceLogs, 1, Message(r => Field(r, 1, attribute, paddedLengths)), paddedLengths);
            Field(resourceLogs, 2, [.. scope], paddedLengths);
            Field(request, 1, [.. resourceLogs], paddedLengths);
        }

        return [.. request];
    }

    private static byte[] Message(Action<List<byte>> write)
    {
        var m = new List<byte>();
        write(m);
        return [.. m];
    }

    private static void Field(List<byte> destination, int field, byte[] value, bool padded)
    {
        destination.Add((byte)((field << 3) | 2));
        var length = (uint)value.Length;
        if (padded)
        {
            destination.Add((byte)((length & 0x7F) | 0x80));
            destination.Add((byte)(((length >> 7) & 0x7F) | 0x80));
            destination.Add((byte)(((length >> 14) & 0x7F) | 0x80));
            destination.Add((byte)(length >> 21));
        }
        else
        {
            while (length >= 0x80)
            {
                destination.Add((byte)(length | 0x80));
                length >>= 7;
            }

            destination.Add((byte)length);
        }

        destination.AddRange(value);
    }
}
