namespace Sluice.Sdk.Health;

/// <summary>What happened to events in one channel, counted in events (not requests) unless said otherwise.</summary>
internal sealed class ChannelCounters
{
    private long _queued;
    private long _droppedQueueFull;
    private long _persisted;
    private long _sent;
    private long _retried;
    private long _permanentFailures;
    private long _requests;

    /// <summary>Events accepted into the channel's in-memory queue.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Events dropped because the in-memory queue was full.</summary>
    public long DroppedQueueFull => Interlocked.Read(ref _droppedQueueFull);

    /// <summary>Events written to the offline store.</summary>
    public long Persisted => Interlocked.Read(ref _persisted);

    /// <summary>Events the receiver acknowledged.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Requests that failed transiently and will be tried again.</summary>
    public long Retried => Interlocked.Read(ref _retried);

    /// <summary>Events refused for good (400, 401, 403, 413, ...).</summary>
    public long PermanentFailures => Interlocked.Read(ref _permanentFailures);

    /// <summary>Requests sent, successful or not.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    public void AddQueued() => Interlocked.Increment(ref _queued);

    public void AddDroppedQueueFull() => Interlocked.Increment(ref _droppedQueueFull);

    public void AddPersisted(int events) => Interlocked.Add(ref _persisted, events);

    public void AddSent(int events) => Interlocked.Add(ref _sent, events);

    public void AddRetried() => Interlocked.Increment(ref _retried);

    public void AddPermanentFailure(int events) => Interlocked.Add(ref _permanentFailures, events);

    public void AddRequest() => Interlocked.Increment(ref _requests);
}

/// <summary>What the offline store did.</summary>
internal sealed class StoreCounters
{
    private long _evicted;
    private long _corrupt;
    private long _writeFailures;

    /// <summary>Events evicted unsent to stay within the budget.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Files found corrupt or truncated and skipped.</summary>
    public long CorruptFiles => Interlocked.Read(ref _corrupt);

    /// <summary>Events the disk refused to store (full disk, no permission).</summary>
    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    public void AddEvicted(int events) => Interlocked.Add(ref _evicted, events);

    public void AddCorrupt() => Interlocked.Increment(ref _corrupt);

    public void AddWriteFailure(int events) => Interlocked.Add(ref _writeFailures, events);
}

/// <summary>What the rules did, for all channels.</summary>
internal sealed class RuleCounters
{
    private long _droppedByRule;
    private long _droppedBySampling;
    private long _droppedByCap;

    public long DroppedByRule => Interlocked.Read(ref _droppedByRule);

    public long DroppedBySampling => Interlocked.Read(ref _droppedBySampling);

    public long DroppedByCap => Interlocked.Read(ref _droppedByCap);

    public void Add(Rules.RuleVerdict verdict)
    {
        switch (verdict)
        {
            case Rules.RuleVerdict.DroppedByRule:
                Interlocked.Increment(ref _droppedByRule);
                break;
            case Rules.RuleVerdict.DroppedBySampling:
                Interlocked.Increment(ref _droppedBySampling);
                break;
            case Rules.RuleVerdict.DroppedByCap:
                Interlocked.Increment(ref _droppedByCap);
                break;
        }
    }
}
