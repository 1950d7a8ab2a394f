using Microsoft.Extensions.Time.Testing;
using Sluice.Sdk.Offline;
using Sluice.Sdk.Tests.Testing;

namespace Sluice.Sdk.Tests.Offline;

public sealed class OfflineStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void TryReadOldest_SeveralFiles_ReturnsThemOldestFirstPerChannel()
    {
        var store = Open("main", "ops");
        store.TryWrite("main", [1], 1);
        store.TryWrite("ops", [2], 2);
        store.TryWrite("main", [3], 3);

        var first = store.TryReadOldest("main")!;
        Assert.Equal([1], first.Gzip);
        store.Remove(first.Sequence);
        Assert.Equal([3], store.TryReadOldest("main")!.Gzip);
        Assert.Equal(2, store.TryReadOldest("ops")!.Events);
    }

    [Fact]
    public void TryWrite_OverTheByteBudget_EvictsOldestOfAnyChannelAndCounts()
    {
        var store = Open(new OfflineStoreOptions { MaxBytes = 64 * 1024 }, "main", "ops");
        var chunk = new byte[20 * 1024];
        store.TryWrite("ops", chunk, 10);
        store.TryWrite("main", chunk, 20);
        store.TryWrite("main", chunk, 30);

        store.TryWrite("main", chunk, 40);

        Assert.Equal(10, store.Counters.Evicted);
        Assert.Null(store.TryReadOldest("ops"));
        Assert.True(store.TotalBytes <= 64 * 1024);
        Assert.Equal(3, Directory.GetFiles(_folder.Path, "*.slob", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void TryWrite_OverTheFileBudget_EvictsOldest()
    {
        var store = Open(new OfflineStoreOptions { MaxFiles = 2 }, "main");
        store.TryWrite("main", [1], 1);
        store.TryWrite("main", [2], 1);

        store.TryWrite("main", [3], 1);

        Assert.Equal(2, store.FileCount);
        Assert.Equal([2], store.TryReadOldest("main")!.Gzip);
        Assert.Equal(1, store.Counters.Evicted);
    }

    [Fact]
    public void TryReadOldest_FileOlderThanMaxAge_IsEvictedUnsent()
    {
        var store = Open(new OfflineStoreOptions { MaxAge = TimeSpan.FromDays(1) }, "main");
        store.TryWrite("main", [1], 5);

        _time.Advance(TimeSpan.FromDays(2));

        Assert.Null(store.TryReadOldest("main"));
        Assert.Equal(5, store.Counters.Evicted);
    }

    [Fact]
    public void TryReadOldest_ClockSetBack_KeepsOrderAndEvictsNothing()
    {
        var clock = new WallClock { Now = _time.GetUtcNow() };
        var store = new OfflineStore(_folder.Path, new OfflineStoreOptions { MaxAge = TimeSpan.FromDays(1) }, clock);
        store.Open(["main"]);
        store.TryWrite("main", [1], 1);
        clock.Now = clock.Now.AddDays(-30);
        store.TryWrite("main", [2], 1);

        var first = store.TryReadOldest("main")!;

        Assert.Equal([1], first.Gzip);
        Assert.Equal(0, store.Counters.Evicted);
    }

    [Fact]
    public void TryReadOldest_CorruptAndTruncatedFiles_AreSkippedAndCounted()
    {
        var store = Open("main");
        store.TryWrite("main", [1, 2, 3, 4], 1);
        store.TryWrite("main", [5, 6, 7, 8], 1);
        store.TryWrite("main", [9, 9, 9, 9], 1);
        var files = Directory.GetFiles(Path.Combine(_folder.Path, "main")).Order(StringComparer.Ordinal).ToArray();
        var flipped = File.ReadAllBytes(files[0]);
        flipped[^1] ^= 0xFF;
        File.WriteAllBytes(files[0], flipped);
        File.WriteAllBytes(files[1], File.ReadAllBytes(files[1])[..10]);

        var part = store.TryReadOldest("main");

        Assert.Equal([9, 9, 9, 9], part!.Gzip);
        Assert.Equal(2, store.Counters.CorruptFiles);
        Assert.False(File.Exists(files[0]));
    }

    [Fact]
    public void Open_FilesFromAnEarlierRun_AreReadAndNumberingContinues()
    {
        var first = Open("main");
        first.TryWrite("main", [1], 7);
        File.WriteAllBytes(Path.Combine(_folder.Path, "main", "0000000000000099.slob.tmp"), [1, 2]);
        File.WriteAllBytes(Path.Combine(_folder.Path, "main", "0000000000000050.slob"), [1, 2, 3]);

        var second = Open("main");
        second.TryWrite("main", [2], 1);

        Assert.Equal(2, second.FileCount);
        Assert.Equal(1, second.Counters.CorruptFiles);
        Assert.Equal(7, second.TryReadOldest("main")!.Events);
        Assert.Empty(Directory.GetFiles(_folder.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void TryWrite_DiskFull_ReturnsFalseCountsAndLeavesNoFile()
    {
        var store = Open("main");
        store.OpenWrite = path => new FailingStream(path);

        var written = store.TryWrite("main", new byte[100], 12);

        Assert.False(written);
        Assert.Equal(12, store.Counters.WriteFailures);
        Assert.Equal(0, store.FileCount);
        Assert.Empty(Directory.GetFiles(_folder.Path, "*", SearchOption.AllDirectories));
    }

    private OfflineStore Open(params string[] channels) => Open(new OfflineStoreOptions(), channels);

    private OfflineStore Open(OfflineStoreOptions options, params string[] channels)
    {
        var store = new OfflineStore(_folder.Path, options, _time);
        store.Open(channels);
        return store;
    }

    /// <summary>A wall clock that can be set anywhere, back included (FakeTimeProvider only moves forward).</summary>
    private sealed class WallClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>A file whose writes fail as on a full disk (ENOSPC), after creating it.</summary>
    private sealed class FailingStream(string path) : FileStream(path, FileMode.CreateNew)
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("No space left on device", unchecked((int)0x80070070));
    }
}
