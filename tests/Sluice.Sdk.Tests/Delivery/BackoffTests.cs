using Sluice.Sdk.Delivery;

namespace Sluice.Sdk.Tests.Delivery;

public sealed class BackoffTests
{
    [Fact]
    public void Next_ManyDraws_StayWithinTheDoublingCeilingAndSpreadOut()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), new Random(42));

        var draws = Enumerable.Range(0, 1000).Select(_ => backoff.Next(3, null)).ToList();

        Assert.All(draws, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromSeconds(8)));
        Assert.True(draws.Min() < TimeSpan.FromSeconds(1), "full jitter reaches near zero");
        Assert.True(draws.Max() > TimeSpan.FromSeconds(7), "full jitter reaches near the ceiling");
    }

    [Fact]
    public void Next_ManyFailures_CappedAtMaxDelay()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(1));

        Assert.All(Enumerable.Range(0, 200).Select(_ => backoff.Next(100, null)), d => Assert.True(d <= TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Next_RetryAfterLongerThanJitter_WaitsRetryAfter()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5), new Random(1));

        Assert.Equal(TimeSpan.FromSeconds(20), backoff.Next(0, TimeSpan.FromSeconds(20)));
        Assert.Equal(TimeSpan.FromMinutes(5), backoff.Next(0, TimeSpan.FromDays(3)));
    }
}
