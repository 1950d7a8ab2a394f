namespace Sluice.Receiver.Ingest;

/// <summary>
/// How one export request ended, with the status each transport answers: gRPC code and the
/// HTTP status OTLP/HTTP uses for the same case (the OTLP spec's mapping).
/// </summary>
internal readonly record struct IngestOutcome(
    GrpcCode Code,
    int HttpStatus,
    int Accepted,
    int Rejected,
    string? Message,
    TimeSpan? RetryAfter)
{
    public bool IsSuccess => Code == GrpcCode.Ok;

    public static IngestOutcome Ok(int accepted, int rejected, string? message) => new(GrpcCode.Ok, 200, accepted, rejected, message, null);

    public static IngestOutcome Invalid(string message) => new(GrpcCode.InvalidArgument, 400, 0, 0, message, null);

    public static IngestOutcome Unauthenticated(string message) => new(GrpcCode.Unauthenticated, 401, 0, 0, message, null);

    public static IngestOutcome NotFound(string message) => new(GrpcCode.Unimplemented, 404, 0, 0, message, null);

    public static IngestOutcome UnsupportedMediaType(string message) => new(GrpcCode.InvalidArgument, 415, 0, 0, message, null);

    /// <summary>Over a size or count cap: retrying the same request cannot succeed.</summary>
    public static IngestOutcome TooLarge(string message) => new(GrpcCode.ResourceExhausted, 413, 0, 0, message, null);

    /// <summary>Too many requests at once: retry after a pause.</summary>
    public static IngestOutcome Throttled(string message, TimeSpan retryAfter) => new(GrpcCode.ResourceExhausted, 429, 0, 0, message, retryAfter);

    /// <summary>The receiver cannot take data now (spool near its cap, disk error, shutting down).</summary>
    public static IngestOutcome Unavailable(string message, TimeSpan retryAfter) => new(GrpcCode.Unavailable, 503, 0, 0, message, retryAfter);
}

/// <summary>The gRPC status codes the receiver answers with.</summary>
internal enum GrpcCode
{
    Ok = 0,
    InvalidArgument = 3,
    ResourceExhausted = 8,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    Unauthenticated = 16,
}
