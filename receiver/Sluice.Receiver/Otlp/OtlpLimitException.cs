namespace Sluice.Receiver.Otlp;

/// <summary>The request holds more than a limit allows as a whole (HTTP 413, gRPC RESOURCE_EXHAUSTED).</summary>
internal sealed class OtlpLimitException : Exception
{
    public OtlpLimitException()
    {
    }

    public OtlpLimitException(string message)
        : base(message)
    {
    }

    public OtlpLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
