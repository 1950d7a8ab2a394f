using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Receiver.Spool;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Tests.Spool;

public sealed class FileSpoolTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sluice-spool-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private FileSpool Open(long max = 64L << 20, long segment = 1L << 20, int pushback = 90) =>
        FileSpool.Open(_dir, max, segment, pushback, fsync: true, NullLogger.Instance);

    private static SpoolRecord Record(int i, int size = 100) =>
        new(Signal.Logs, PayloadEncoding.Protobuf, "demo", (ulong)i, 7, Encoding.UTF8.GetBytes($"payload-{i}-".PadRight(size, 'x')));

    private static List<string> ReadAll(SpoolReader reader)
    {
        var list = new List<string>();
        while (reader.TryRead(out var r))
        {
            list.Add(Encoding.UTF8.GetString(r.Payload.Span));
        }

        return list;
    }

    [Fact]
    public async Task AppendAsync_ThenRead_ReturnsRecordsInOrderWithAllFields()
    {
        await using var spool = Open();
        await spool.AppendAsync(new SpoolRecord(Signal.Metrics, PayloadEncoding.Json, "prödüct", 123, 456, "{}"u8.ToArray()));
        await spool.AppendAsync(Record(2));

        using var reader = spool.OpenReader();
        Assert.True(reader.TryRead(out var first));
        Assert.Equal(Signal.Metrics, first.Signal);
        Assert.Equal(PayloadEncoding.Json, first.Encoding);
        Assert.Equal("prödüct", first.Product);
        Assert.Equal(123UL, first.ReceivedUnixNano);
        Assert.Equal(456UL, first.ClientSentUnixNano);
        Assert.Equal("{}", Encoding.UTF8.GetString(first.Payload.Span));
        Assert.True(reader.TryRead(out var second));
        Assert.StartsWith("payload-2-", Encoding.UTF8.GetString(second.Payload.Span), StringComparison.Ordinal);
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public async Task AppendAsync_ManyConcurrent_ShareFsyncs()
    {
        await using var spool = Open();
        await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => Task.Run(() => spool.AppendAsync(Record(i)))));

        using var reader = spool.OpenReader();
        Assert.Equal(2000, ReadAll(reader).Count);
        Assert.True(spool.GroupCommits < 2000, $"2000 appends took {spool.GroupCommits} fsyncs: group commit is not grouping");
    }

    [Fact]
    public async Task Reopen_AfterCommit_ResumesAfterTheCommittedRecord()
    {
        await using (var spool = Open())
        {
            for (int i = 0; i < 10; i++)
            {
                await spool.AppendAsync(Record(i));
            }

            using var reader = spool.OpenReader();
            for (int i = 0; i < 4; i++)
            {
                Assert.True(reader.TryRead(out _));
            }

            spool.Commit(reader.Position);
        }

        await using var reopened = Open();
        using var again = reopened.OpenReader();
        var rest = ReadAll(again);
        Assert.Equal(6, rest.Count);
        Assert.StartsWith("payload-4-", rest[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopen_WithoutCommit_ReplaysEverything()
    {
        await using (var spool = Open())
        {
            for (int i = 0; i < 5; i++)
            {
                await spool.AppendAsync(Record(i));
            }
        }

        await using var reopened = Open();
        using var reader = reopened.OpenReader();
        Assert.Equal(5, ReadAll(reader).Count);
    }

    [Fact]
    public async Task Read_TornTailInOldSegment_SkipsItAndCountsIt()
    {
        await using (var spool = Open())
        {
            for (int i = 0; i < 3; i++)
            {
                await spool.AppendAsync(Record(i));
            }
        }

        // A crash mid-write: the last record loses its end.
        string segment = Directory.GetFiles(_dir, "segment-*.spool").Order(StringComparer.Ordinal).First();
        using (var stream = new FileStream(segment, FileMode.Open))
        {
            stream.SetLength(stream.Length - 10);
        }

        await using var reopened = Open();
        await reopened.AppendAsync(Record(99));
        using var reader = reopened.OpenReader();
        var all = ReadAll(reader);
        Assert.Equal(3, all.Count);
        Assert.StartsWith("payload-99-", all[2], StringComparison.Ordinal);
        Assert.Equal(1, reader.CorruptRecords);
    }

    [Fact]
    public async Task Read_FlippedByte_SkipsDamagedRecord()
    {
        await using (var spool = Open())
        {
            await spool.AppendAsync(Record(0));
        }

        string segment = Directory.GetFiles(_dir, "segment-*.spool").Order(StringComparer.Ordinal).First();
        byte[] bytes = File.ReadAllBytes(segment);
        bytes[^5] ^= 0xFF;
        File.WriteAllBytes(segment, bytes);

        await using var reopened = Open();
        using var reader = reopened.OpenReader();
        Assert.Empty(ReadAll(reader));
        Assert.Equal(1, reader.CorruptRecords);
    }

    [Fact]
    public async Task AppendAsync_AbovePushback_ThrowsSpoolFullAndKeepsData()
    {
        await using var spool = Open(max: 64 * 1024, segment: 16 * 1024, pushback: 50);
        int accepted = 0;
        var full = await Assert.ThrowsAsync<SpoolFullException>(async () =>
        {
            for (int i = 0; i < 1000; i++)
            {
                await spool.AppendAsync(Record(i, 1000));
                accepted++;
            }
        });

        Assert.Contains("max_size_mib", full.Message, StringComparison.Ordinal);
        Assert.True(spool.IsAbovePushback || spool.SizeBytes > 30 * 1024);
        using var reader = spool.OpenReader();
        Assert.Equal(accepted, ReadAll(reader).Count);
    }

    [Fact]
    public async Task Commit_PastWholeSegments_DeletesThemAndFreesSpace()
    {
        await using var spool = Open(max: 1L << 30, segment: 8 * 1024);
        for (int i = 0; i < 100; i++)
        {
            await spool.AppendAsync(Record(i, 1000));
        }

        int before = Directory.GetFiles(_dir, "segment-*.spool").Length;
        long sizeBefore = spool.SizeBytes;
        using var reader = spool.OpenReader();
        Assert.Equal(100, ReadAll(reader).Count);
        spool.Commit(reader.Position);

        Assert.True(before > 5, $"expected rolling segments, got {before}");
        Assert.Single(Directory.GetFiles(_dir, "segment-*.spool"));
        Assert.True(spool.SizeBytes < sizeBefore / 5);
    }

    [Fact]
    public async Task Reader_WaitForData_CompletesWhenAnAppendIsDurable()
    {
        await using var spool = Open();
        using var reader = spool.OpenReader();
        Assert.False(reader.TryRead(out _));
        var wait = spool.WaitForDataAsync(reader.Position, CancellationToken.None);
        Assert.False(wait.IsCompleted);
        await spool.AppendAsync(Record(1));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(reader.TryRead(out _));
    }

    [Fact]
    public async Task Attachment_ReachesTheReaderWithItsRecord_AcrossSegments()
    {
        // Segments of 1 KiB: each 600-byte record rolls to a new one.
        await using var spool = Open(segment: 1024);
        var first = new Held();
        var third = new Held();
        await spool.AppendAsync(Record(1, 600), first);
        await spool.AppendAsync(Record(2, 600));
        await spool.AppendAsync(Record(3, 600), third);

        using var reader = spool.OpenReader();
        Assert.True(reader.TryRead(out var r1, out var a1));
        Assert.StartsWith("payload-1-", Encoding.UTF8.GetString(r1.Payload.Span), StringComparison.Ordinal);
        Assert.Same(first, a1);
        Assert.True(reader.TryRead(out _, out var a2));
        Assert.Null(a2);
        Assert.True(reader.TryRead(out _, out var a3));
        Assert.Same(third, a3);
        Assert.False(reader.TryRead(out _, out _));

        // The reader's caller owns what it took.
        Assert.False(first.Disposed);
        Assert.False(third.Disposed);
    }

    [Fact]
    public async Task Attachment_NotTaken_IsDisposed()
    {
        await using var spool = Open();
        var passed = new Held();
        var skipped = new Held();
        var left = new Held();
        await spool.AppendAsync(Record(1), passed);
        await spool.AppendAsync(Record(2), skipped);
        await spool.AppendAsync(Record(3), left);

        using var reader = spool.OpenReader();

        // Read without asking for attachments.
        Assert.True(reader.TryRead(out _));
        Assert.True(passed.Disposed);

        // Taken for a later position: the one before it was passed by.
        Assert.Null(spool.TakeAttachment(new SpoolPosition(spool.DurablePosition.Segment, spool.DurablePosition.Offset - 1)));
        Assert.True(skipped.Disposed);
        Assert.True(left.Disposed);
    }

    [Fact]
    public async Task Attachment_IsDisposedWithTheSpool_AndNotThereAfterAReopen()
    {
        var held = new Held();
        await using (var spool = Open())
        {
            await spool.AppendAsync(Record(1), held);
        }

        Assert.True(held.Disposed);
        await using var reopened = Open();
        using var reader = reopened.OpenReader();
        Assert.True(reader.TryRead(out var record, out var attachment));
        Assert.StartsWith("payload-1-", Encoding.UTF8.GetString(record.Payload.Span), StringComparison.Ordinal);
        Assert.Null(attachment);
    }

    [Fact]
    public async Task Attachment_OfARefusedAppend_IsDisposed()
    {
        await using var spool = Open(max: 4096, segment: 1024, pushback: 50);
        var held = new Held();
        await Assert.ThrowsAsync<SpoolFullException>(() => spool.AppendAsync(Record(1, 3000), held));
        Assert.True(held.Disposed);
    }

    [Fact]
    public async Task CompressedRecord_KeepsItsCompression()
    {
        await using var spool = Open();
        await spool.AppendAsync(Record(1) with { Encoding = PayloadEncoding.Json, Compression = PayloadCompression.Zlib });
        await spool.AppendAsync(Record(2) with { Compression = PayloadCompression.Gzip });
        await spool.AppendAsync(Record(3));

        using var reader = spool.OpenReader();
        Assert.True(reader.TryRead(out var first));
        Assert.Equal((PayloadEncoding.Json, PayloadCompression.Zlib), (first.Encoding, first.Compression));
        Assert.True(reader.TryRead(out var second));
        Assert.Equal((PayloadEncoding.Protobuf, PayloadCompression.Gzip), (second.Encoding, second.Compression));
        Assert.True(reader.TryRead(out var third));
        Assert.Equal(PayloadCompression.None, third.Compression);
    }

    [Fact]
    public async Task Version1Segment_IsStillRead_AsUncompressed()
    {
        // A segment as a receiver before format version 2 wrote it: the same bytes but the version,
        // and an encoding byte that is the encoding alone.
        Directory.CreateDirectory(_dir);
        var record = Record(1) with { Encoding = PayloadEncoding.Json };
        byte[] segment = new byte[SpoolFormat.SegmentHeaderSize + SpoolFormat.RecordSize(record)];
        SpoolFormat.WriteSegmentHeader(segment);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(segment.AsSpan(4), 1);
        SpoolFormat.WriteRecord(record, segment.AsSpan(SpoolFormat.SegmentHeaderSize));
        Assert.Equal((byte)PayloadEncoding.Json, segment[SpoolFormat.SegmentHeaderSize + SpoolFormat.RecordPrefixSize + 1]);
        await File.WriteAllBytesAsync(Path.Combine(_dir, SpoolFormat.SegmentFileName(1)), segment);

        await using var spool = Open();
        using var reader = spool.OpenReader();
        Assert.True(reader.TryRead(out var read));
        Assert.Equal((PayloadEncoding.Json, PayloadCompression.None, "demo"), (read.Encoding, read.Compression, read.Product));
        Assert.StartsWith("payload-1-", Encoding.UTF8.GetString(read.Payload.Span), StringComparison.Ordinal);
        Assert.Equal(0, reader.CorruptRecords);
    }

    private sealed class Held : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
