namespace Sluice.Testing;

/// <summary>Waits for a condition by polling it, instead of sleeping for a guessed time.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it returns true; throws <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        int delayMs = 10;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }

                last = null;
            }
#pragma warning disable CA1031 // A condition that throws is simply not met yet; the last error is reported on timeout.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                last = ex;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}.", last);
            }

            await Task.Delay(delayMs);
            delayMs = Math.Min(delayMs * 2, 200);
        }
    }
}
