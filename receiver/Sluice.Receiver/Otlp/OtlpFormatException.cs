namespace Sluice.Receiver.Otlp;

/// <summary>The request is not a well-formed OTLP export request (HTTP 400, gRPC INVALID_ARGUMENT).</summary>
internal sealed class OtlpFormatException : Exception
{
    public OtlpFormatException()
    {
    }

    public OtlpFormatException(string message)
        : base(message)
    {
    }

    public OtlpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
