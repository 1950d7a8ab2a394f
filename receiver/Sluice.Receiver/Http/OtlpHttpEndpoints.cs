using System.Globalization;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Sluice.Receiver.Ingest;
using Sluice.Receiver.Otlp;
using Sluice.Receiver.Rules;
using Sluice.Receiver.Spool;
using Sluice.Receiver.Telemetry;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Http;

/// <summary>
/// OTLP/HTTP: <c>POST /v1/logs</c>, <c>/v1/traces</c>, <c>/v1/metrics</c>, bodies in protobuf or
/// JSON, plain or gzip/deflate, with or without a Content-Length (chunked). Size caps are enforced
/// while reading, so neither a huge body nor a gzip bomb is ever held whole in memory.
/// </summary>
internal static class OtlpHttpEndpoints
{
    /// <summary>The request header carrying the client's clock at send time, Unix milliseconds (see sdk-extensions/README.md).</summary>
    public const string SentAtHeader = "Sluice-Sent-At";

    public static IEndpointConventionBuilder MapOtlpHttp(this IEndpointRouteBuilder endpoints, int port)
    {
        var group = endpoints.MapGroup("/v1").RequireHost($"*:{port}");
        group.MapPost("/logs", context => HandleAsync(context, Signal.Logs));
        group.MapPost("/traces", context => HandleAsync(context, Signal.Traces));
        group.MapPost("/metrics", context => HandleAsync(context, Signal.Metrics));
        return group;
    }

    private static async Task HandleAsync(HttpContext context, Signal signal)
    {
        var pipeline = context.RequestServices.GetRequiredService<IngestPipeline>();
        var metrics = context.RequestServices.GetRequiredService<ReceiverMetrics>();
        var (outcome, product) = await ProcessAsync(context, pipeline, signal).ConfigureAwait(false);
        metrics.Request("http", signal, outcome.HttpStatus);

        // Errors too: a client being throttled learns of a new kill switch as early as one that is not.
        string? rulesVersion = context.RequestServices.GetRequiredService<RulesAnnouncer>().VersionFor(product, context.Request.Headers.Authorization);
        if (rulesVersion is not null)
        {
            context.Response.Headers[RulesAnnouncer.HeaderName] = rulesVersion;
        }

        await WriteAsync(context, signal, EncodingOf(context.Request.ContentType) ?? PayloadEncoding.Json, outcome).ConfigureAwait(false);
    }

    /// <summary>The outcome, and the key's product when admission got as far as looking it up (else empty).</summary>
    private static async Task<(IngestOutcome Outcome, string Product)> ProcessAsync(HttpContext context, IngestPipeline pipeline, Signal signal)
    {
        var request = context.Request;
        var encoding = EncodingOf(request.ContentType);
        if (encoding is null)
        {
            return (IngestOutcome.UnsupportedMediaType(
                $"Content-Type '{request.ContentType}' is not supported; send 'application/x-protobuf' or 'application/json' (OTLP/HTTP)"), string.Empty);
        }

        var admission = pipeline.Admit(signal, request.Headers.Authorization, out string product);
        if (admission is { } refused)
        {
            return (refused, string.Empty);
        }

        PooledBuffer? compressed = null;
        try
        {
            using var body = new PooledBuffer((int)Math.Min(request.ContentLength ?? 16 * 1024, pipeline.MaxRequestBodyBytes + 1));
            (var error, compressed, var compression) = await ReadBodyAsync(request, pipeline, body, context.RequestAborted).ConfigureAwait(false);
            if (error is not null)
            {
                return (error.Value, product);
            }

            // The spool keeps the body as it came (a tenth of the bytes when compressed); the check reads it decompressed.
            var outcome = await pipeline.IngestAsync(
                signal, encoding.Value, body.Memory, product, SentAt(request.Headers[SentAtHeader]), compressed?.Memory ?? default, compression).ConfigureAwait(false);
            return (outcome, product);
        }
        catch (OutOfMemoryException)
        {
            return (IngestPipeline.ShortOfMemory(), product);
        }
        finally
        {
            compressed?.Dispose();
            pipeline.Gate.Exit();
        }
    }

    /// <summary>
    /// Reads the body into <paramref name="body"/>, decompressed. Returns the outcome to answer with
    /// when it cannot; otherwise, for a compressed body, the body as it came (the caller disposes it).
    /// </summary>
    private static async Task<(IngestOutcome? Error, PooledBuffer? Compressed, PayloadCompression Compression)> ReadBodyAsync(
        HttpRequest request, IngestPipeline pipeline, PooledBuffer body, CancellationToken cancellationToken)
    {
        long maxBody = pipeline.MaxRequestBodyBytes;
        if (request.ContentLength > maxBody)
        {
            return (TooLargeBody(request.ContentLength, maxBody), null, default);
        }

        string? contentEncoding = request.Headers.ContentEncoding;
        bool identity = string.IsNullOrEmpty(contentEncoding) || contentEncoding.Equals("identity", StringComparison.OrdinalIgnoreCase);
        bool gzip = string.Equals(contentEncoding, "gzip", StringComparison.OrdinalIgnoreCase);
        bool deflate = string.Equals(contentEncoding, "deflate", StringComparison.OrdinalIgnoreCase);
        if (!identity && !gzip && !deflate)
        {
            return (IngestOutcome.UnsupportedMediaType($"Content-Encoding '{contentEncoding}' is not supported; send gzip, deflate or no encoding"), null, default);
        }

        PooledBuffer? compressed = null;
        bool handedOver = false;
        try
        {
            if (identity)
            {
                return await body.ReadFromAsync(request.Body, maxBody, cancellationToken).ConfigureAwait(false)
                    ? (null, null, PayloadCompression.None)
                    : (TooLargeBody(null, maxBody), null, default);
            }

            compressed = new PooledBuffer((int)Math.Min(request.ContentLength ?? 16 * 1024, maxBody + 1));
            if (!await compressed.ReadFromAsync(request.Body, maxBody, cancellationToken).ConfigureAwait(false))
            {
                return (TooLargeBody(null, maxBody), null, default);
            }

            var compression = gzip ? PayloadCompression.Gzip : PayloadCompression.Zlib;
            using Stream decompressor = ReadOnlyMemoryStream.Decompressing(compressed.Memory, compression);
            long maxDecompressed = pipeline.MaxDecompressedBytes;
            if (!await body.ReadFromAsync(decompressor, maxDecompressed, cancellationToken).ConfigureAwait(false))
            {
                return (IngestOutcome.TooLarge(
                    $"the body decompresses to more than {maxDecompressed} bytes (receivers.otlp.limits.max_decompressed_size); send smaller batches"), null, default);
            }

            handedOver = true;
            return (null, compressed, compression);
        }
        catch (InvalidDataException ex)
        {
            return (IngestOutcome.Invalid($"the body is not valid {contentEncoding} data ({ex.Message}); check the exporter's compression setting"), null, default);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (TooLargeBody(null, maxBody), null, default);
        }
        finally
        {
            if (!handedOver)
            {
                compressed?.Dispose();
            }
        }
    }

    // size: the body's size when the Content-Length told it; null when it was only counted up to the cap.
    private static IngestOutcome TooLargeBody(long? size, long max) => IngestOutcome.TooLarge(
        $"the request body is {(size is { } known ? $"{known} bytes" : $"more than {max} bytes")}, over the {max}-byte cap (receivers.otlp.limits.max_request_body_size); send smaller batches");

    private static async Task WriteAsync(HttpContext context, Signal signal, PayloadEncoding encoding, IngestOutcome outcome)
    {
        var response = context.Response;
        response.StatusCode = outcome.HttpStatus;
        response.ContentType = encoding == PayloadEncoding.Json ? "application/json" : "application/x-protobuf";
        if (outcome.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        byte[] payload = outcome.IsSuccess
            ? OtlpResponse.Success(signal, encoding, outcome.Rejected, outcome.Message)
            : OtlpResponse.Status((int)outcome.Code, outcome.Message ?? string.Empty, outcome.RetryAfter, encoding);
        response.ContentLength = payload.Length;
        await response.Body.WriteAsync(payload, context.RequestAborted).ConfigureAwait(false);
    }

    internal static PayloadEncoding? EncodingOf(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return null;
        }

        var type = media.MediaType;
        if (type.Equals("application/x-protobuf", StringComparison.OrdinalIgnoreCase) || type.Equals("application/protobuf", StringComparison.OrdinalIgnoreCase))
        {
            return PayloadEncoding.Protobuf;
        }

        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase) ? PayloadEncoding.Json : null;
    }

    /// <summary>The client's send time from <see cref="SentAtHeader"/> (Unix ms) in Unix ns, or 0.</summary>
    internal static ulong SentAt(StringValues header) =>
        long.TryParse(header.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out long ms) && ms is > 0 and < 100_000_000_000_000
            ? (ulong)ms * 1_000_000
            : 0;
}
