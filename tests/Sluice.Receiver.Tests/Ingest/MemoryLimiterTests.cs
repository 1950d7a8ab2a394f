using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sluice.Receiver.Configuration;
using Sluice.Receiver.Ingest;

namespace Sluice.Receiver.Tests.Ingest;

public class MemoryLimiterTests
{
    private const long MiB = 1024 * 1024;

    private static readonly MemoryLimiterConfig Config = new() { CheckInterval = TimeSpan.FromSeconds(1), LimitMib = 100, SpikeLimitMib = 20 };

    [Fact]
    public void Check_UseCrossesTheSoftLimit_RefusesUntilItIsBelowAgain()
    {
        var time = new FakeTimeProvider();
        long used = 50 * MiB;
        using var limiter = new MemoryLimiter(Config, new HashSet<string> { "logs" }, 0, () => used, time, NullLogger.Instance);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(limiter.Refusing);

        used = 81 * MiB;
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(limiter.Refusing); // measured on the interval only
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limiter.Refusing);
        Assert.Equal("the receiver's memory use (81 MiB) is above the soft limit of processors.memory_limiter (80 MiB); retry after 1 s", limiter.RefusalMessage);
        Assert.Equal(0, limiter.ForcedCollections);

        used = 80 * MiB;
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(limiter.Refusing);
    }

    [Fact]
    public void Check_UseAboveTheHardLimit_ForcesACollectionAndJudgesByWhatIsLeft()
    {
        var time = new FakeTimeProvider();
        var readings = new Queue<long>([150 * MiB, 70 * MiB, 150 * MiB, 95 * MiB]);
        using var limiter = new MemoryLimiter(Config, new HashSet<string> { "logs" }, 0, () => readings.Dequeue(), time, NullLogger.Instance);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, limiter.ForcedCollections);
        Assert.False(limiter.Refusing);
        Assert.Equal(70 * MiB, limiter.LastUsageBytes);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, limiter.ForcedCollections);
        Assert.True(limiter.Refusing);
    }

    [Fact]
    public void ResidentBytes_ThisProcess_IsPlausible()
    {
        long resident = MemoryLimiter.ResidentBytes();

        Assert.InRange(resident, 10 * MiB, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
    }
}
