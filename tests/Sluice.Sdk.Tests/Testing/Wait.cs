namespace Sluice.Sdk.Tests.Testing;

/// <summary>Waits on a condition with a deadline instead of sleeping.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            await Task.Yield();
            await Task.Delay(5);
        }
    }

    /// <summary>Advances fake time in steps until the condition holds (background loops waiting on timers).</summary>
    public static async Task UntilAdvancingAsync(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, TimeSpan step, Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            time.Advance(step);
            await Task.Delay(5);
        }
    }
}
