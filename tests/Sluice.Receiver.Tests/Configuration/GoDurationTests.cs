using Sluice.Receiver.Configuration;

namespace Sluice.Receiver.Tests.Configuration;

public sealed class GoDurationTests
{
    public static TheoryData<string, long> Valid => new()
    {
        { "200ms", TimeSpan.FromMilliseconds(200).Ticks },
        { "5s", TimeSpan.FromSeconds(5).Ticks },
        { "1m", TimeSpan.FromMinutes(1).Ticks },
        { "1h30m", TimeSpan.FromMinutes(90).Ticks },
        { "1.5h", TimeSpan.FromMinutes(90).Ticks },
        { "2h45m30.5s", new TimeSpan(0, 2, 45, 30, 500).Ticks },
        { "0", 0 },
        { "0s", 0 },
        { "250us", TimeSpan.FromMicroseconds(250).Ticks },
        { "250µs", TimeSpan.FromMicroseconds(250).Ticks },
        { "300ns", 3 },
        { "-1s", -TimeSpan.TicksPerSecond },
        { "24h", TimeSpan.FromDays(1).Ticks },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void TryParse_GoDuration_ReturnsItsValue(string text, long ticks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(ticks, value.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5x")]
    [InlineData("5 s")]
    [InlineData("ms")]
    [InlineData("1.2.3s")]
    [InlineData("1d")]
    [InlineData(".s")]
    [InlineData("PT5S")]
    [InlineData("99999999999999999999h")]
    public void TryParse_NotAGoDuration_ReturnsFalse(string text) => Assert.False(GoDuration.TryParse(text, out _));

    [Theory]
    [InlineData("200ms")]
    [InlineData("1s")]
    [InlineData("1h30m")]
    [InlineData("1m0.5s")]
    [InlineData("36h")]
    [InlineData("0s")]
    public void Format_ThenTryParse_RoundTrips(string text)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(text, GoDuration.Format(value));
    }
}
