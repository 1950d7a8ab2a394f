namespace Sluice.Receiver.Health;

/// <summary>What <c>/readyz</c> reports: whether ClickHouse answers and the schema is in place. Thread-safe.</summary>
internal sealed class ReceiverState(TimeProvider time)
{
    private readonly Lock _lock = new();
    private bool _schemaReady;
    private DateTimeOffset _lastSuccess;
    private DateTimeOffset _lastFailure;
    private string? _lastError;
    private long _oldestPendingUnixNano;

    /// <summary>
    /// Records the receive time of the oldest spooled item not yet in ClickHouse (the first record
    /// after the checkpoint), or 0 when the exporter has caught up.
    /// </summary>
    public void SetOldestPending(ulong receivedUnixNano) => Interlocked.Exchange(ref _oldestPendingUnixNano, (long)receivedUnixNano);

    /// <summary>How long the oldest item not yet in ClickHouse has waited; zero when none waits.</summary>
    public TimeSpan OldestPendingAge(DateTimeOffset now)
    {
        long oldest = Interlocked.Read(ref _oldestPendingUnixNano);
        if (oldest == 0)
        {
            return TimeSpan.Zero;
        }

        var age = now - DateTimeOffset.UnixEpoch.AddTicks(oldest / 100);
        return age > TimeSpan.Zero ? age : TimeSpan.Zero;
    }

    public void SchemaReady()
    {
        lock (_lock)
        {
            _schemaReady = true;
            _lastSuccess = time.GetUtcNow();
        }
    }

    public void ClickHouseSucceeded()
    {
        lock (_lock)
        {
            _lastSuccess = time.GetUtcNow();
        }
    }

    public void ClickHouseFailed(string? error)
    {
        lock (_lock)
        {
            _lastFailure = time.GetUtcNow();
            _lastError = error;
        }
    }

    /// <summary>The reasons the receiver is not ready; empty when it is.</summary>
    public List<string> NotReadyReasons()
    {
        var reasons = new List<string>();
        lock (_lock)
        {
            if (!_schemaReady)
            {
                reasons.Add("the ClickHouse schema is not in place yet" + (_lastError is null ? string.Empty : $" (last error: {_lastError})"));
            }
            else if (_lastFailure > _lastSuccess)
            {
                reasons.Add($"ClickHouse is failing since {_lastFailure:O}: {_lastError}");
            }
        }

        return reasons;
    }
}
