namespace Sluice.Receiver.Spool;

/// <summary>The spool is above its push-back mark: the request is refused, to be retried after <see cref="RetryAfter"/>.</summary>
internal sealed class SpoolFullException : Exception
{
    public SpoolFullException(string message, TimeSpan retryAfter)
        : base(message)
    {
        RetryAfter = retryAfter;
    }

    public SpoolFullException()
    {
    }

    public SpoolFullException(string message)
        : base(message)
    {
    }

    public SpoolFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TimeSpan RetryAfter { get; } = TimeSpan.FromSeconds(5);
}
