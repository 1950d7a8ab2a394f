namespace Sluice.Sdk.Delivery;

/// <summary>
/// Exponential backoff with full jitter: the n-th consecutive failure waits a uniformly random
/// time in [0, min(max, base * 2^n)], so a million clients coming back from one outage spread
/// out instead of retrying in step. A server's Retry-After wins when it asks for longer.
/// </summary>
internal sealed class Backoff(TimeSpan baseDelay, TimeSpan maxDelay, Random random)
{
    public TimeSpan Next(int failures, TimeSpan? retryAfter)
    {
        var exponent = Math.Min(failures, 30);
        var ceilingMs = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        var jittered = TimeSpan.FromMilliseconds(random.NextDouble() * ceilingMs);
        if (retryAfter is { } asked)
        {
            // Cap what a server may ask for, so a bad header cannot silence a client for days.
            var bounded = asked > maxDelay ? maxDelay : asked;
            return bounded > jittered ? bounded : jittered;
        }

        return jittered;
    }
}
