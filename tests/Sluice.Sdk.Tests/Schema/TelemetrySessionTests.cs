using Sluice.Sdk.Schema;

namespace Sluice.Sdk.Tests.Schema;

public sealed class TelemetrySessionTests
{
    private static readonly long Minute = TimeSpan.FromMinutes(1).Ticks;

    [Fact]
    public void Next_WithinTimeout_SameSessionAndConsecutiveSequence()
    {
        var session = new TelemetrySession();

        var first = session.Next(100 * Minute, 30 * Minute, out var a);
        var second = session.Next(120 * Minute, 30 * Minute, out var b);

        Assert.Equal(a, b);
        Assert.Equal([1L, 2L], [first, second]);
    }

    [Fact]
    public void Next_AfterIdleTimeout_NewSessionFromOne()
    {
        var session = new TelemetrySession();
        session.Next(100 * Minute, 30 * Minute, out var before);
        session.Next(101 * Minute, 30 * Minute, out _);

        var sequence = session.Next(140 * Minute, 30 * Minute, out var after);

        Assert.NotEqual(before, after);
        Assert.Equal(1, sequence);
        Assert.Equal(after, session.SessionId);
    }

    [Fact]
    public void Next_ClockSetBack_KeepsTheSession()
    {
        var session = new TelemetrySession();
        session.Next(100 * Minute, 30 * Minute, out var before);

        session.Next(10 * Minute, 30 * Minute, out var after);

        Assert.Equal(before, after);
    }

    [Fact]
    public void Restart_StartsNewSessionFromOne()
    {
        var session = new TelemetrySession();
        session.Next(out var before);

        session.Restart();

        Assert.Equal(1, session.Next(out var after));
        Assert.NotEqual(before, after);
    }
}
