namespace Sluice.Receiver.Ingest;

/// <summary>
/// Counts requests in flight and refuses those past the cap, so a burst is answered with
/// 429 + Retry-After (which OTLP clients honour) instead of queueing until memory runs out.
/// </summary>
internal sealed class RequestGate(int maxConcurrent)
{
    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _inFlight) <= maxConcurrent)
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);
}
