namespace Sluice.Receiver.Health;

/// <summary>What <c>/readyz</c> reports: whether ClickHouse answers and the schema is in place. Thread-safe.</summary>
internal sealed class ReceiverState(TimeProvider time)
{
    private readonly Lock _lock = new();
    private bool _schemaReady;
    private DateTimeOffset _lastSuccess;
    private DateTimeOffset _lastFailure;
    private string? _lastError;

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
