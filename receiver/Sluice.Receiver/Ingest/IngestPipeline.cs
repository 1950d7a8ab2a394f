using System.Collections.Frozen;
using Sluice.Receiver.Auth;
using Sluice.Receiver.Configuration;
using Sluice.Receiver.Otlp;
using Sluice.Receiver.Spool;
using Sluice.Receiver.Telemetry;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Ingest;

/// <summary>
/// What every export request goes through after its transport has read it, whichever transport:
/// admission (pipeline, API key, concurrency cap), a decode that checks the request and counts the
/// items it will keep, and the spool append that makes it durable. The request is acknowledged
/// only when this returns success, i.e. after the spool's fsync. While <see cref="DecodedRequests"/>
/// has room, the decode is the full one and its result rides with the spool record to the exporter,
/// which then does not decode the request again; otherwise it only checks.
/// </summary>
internal sealed class IngestPipeline
{
    private static readonly TimeSpan ThrottleRetryAfter = TimeSpan.FromSeconds(1);

    private readonly FileSpool _spool;
    private readonly ApiKeyAuthenticator _auth;
    private readonly ReceiverMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IReadOnlySet<string> _pipelines;
    private readonly DecodedRequests _decoded;
    private readonly FrozenDictionary<Signal, MemoryLimiter[]> _limiters;

    public IngestPipeline(ReceiverConfig config, FileSpool spool, ApiKeyAuthenticator auth, ReceiverMetrics metrics, TimeProvider time, ILogger<IngestPipeline> logger, IEnumerable<MemoryLimiter> limiters, DecodedRequests decoded)
    {
        // Per signal, the memory limiters its pipeline lists.
        _limiters = Enum.GetValues<Signal>().ToFrozenDictionary(
            signal => signal,
            signal => limiters.Where(l => l.Signals.Contains(ReceiverMetrics.SignalName(signal))).ToArray());

        _spool = spool;
        _decoded = decoded;
        _auth = auth;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _pipelines = config.Service.Pipelines;
        Gate = new RequestGate(config.Otlp.MaxConcurrentRequests);
        Limits = DecodeLimitsFrom(config.Otlp);
        MaxRequestBodyBytes = config.Otlp.MaxRequestBodyBytes;
        MaxDecompressedBytes = config.Otlp.MaxDecompressedBytes;
    }

    public RequestGate Gate { get; }

    public DecodeLimits Limits { get; }

    public long MaxRequestBodyBytes { get; }

    public long MaxDecompressedBytes { get; }

    /// <summary>Set while the receiver shuts down: new requests get 503 so clients go to another receiver or retry.</summary>
    public bool Stopping { get; set; }

    public static DecodeLimits DecodeLimitsFrom(OtlpReceiverConfig otlp) => new()
    {
        MaxItems = otlp.MaxItemsPerRequest,
        MaxAttributeValueBytes = otlp.MaxAttributeValueBytes,
        MaxNestingDepth = otlp.MaxNestingDepth,
        MaxFutureSkew = otlp.MaxFutureSkew,
    };

    /// <summary>
    /// Decides whether a request may go on before its body is read: returns null and the product when
    /// it may (the caller must then call <see cref="RequestGate.Exit"/>), or the outcome to answer with.
    /// </summary>
    public IngestOutcome? Admit(Signal signal, string? authorization, out string product)
    {
        product = string.Empty;
        if (!_pipelines.Contains(ReceiverMetrics.SignalName(signal)))
        {
            return IngestOutcome.NotFound($"this receiver has no '{ReceiverMetrics.SignalName(signal)}' pipeline (service.pipelines); it accepts: {string.Join(", ", _pipelines)}");
        }

        string? found = _auth.Authenticate(authorization, out string? failure);
        if (found is null)
        {
            return IngestOutcome.Unauthenticated(failure!);
        }

        if (Stopping)
        {
            return IngestOutcome.Unavailable("the receiver is shutting down; retry, or send to another receiver", ThrottleRetryAfter);
        }

        foreach (MemoryLimiter limiter in _limiters[signal])
        {
            if (limiter.Refusing)
            {
                return IngestOutcome.Unavailable(limiter.RefusalMessage, ThrottleRetryAfter);
            }
        }

        if (!Gate.TryEnter())
        {
            return IngestOutcome.Throttled(
                $"more than {Gate.InFlight - 1} requests in flight (receivers.otlp.limits.max_concurrent_requests); retry after {ThrottleRetryAfter.TotalSeconds:0} s",
                ThrottleRetryAfter);
        }

        product = found;
        return null;
    }

    /// <summary>
    /// The answer to a request whose buffers could not be allocated: nothing of it was spooled, so
    /// the client keeps it and retries. Answering beats dying: an OutOfMemoryException left to
    /// the server's logger can fail again while its stack trace is formatted, and end the process.
    /// </summary>
    public static IngestOutcome ShortOfMemory()
    {
        // Its items were never counted, so only the request's 503 shows (sluice.receiver.requests).
        return IngestOutcome.Unavailable(
            $"the receiver is short of memory for this request; retry after {ThrottleRetryAfter.TotalSeconds:0} s (lower receivers.otlp.limits.max_concurrent_requests if this persists)",
            ThrottleRetryAfter);
    }

    /// <summary>
    /// Decodes, checks and spools one request whose body is <paramref name="payload"/> (after gzip).
    /// When the body came compressed, <paramref name="compressed"/> is it as it came: the spool keeps
    /// that rather than the decompressed payload.
    /// </summary>
    public async Task<IngestOutcome> IngestAsync(
        Signal signal,
        PayloadEncoding encoding,
        ReadOnlyMemory<byte> payload,
        string product,
        ulong clientSentUnixNano,
        ReadOnlyMemory<byte> compressed = default,
        PayloadCompression compression = PayloadCompression.None)
    {
        ulong received = UnixNanos(_time.GetUtcNow());
        DecodeResult result;
        bool keep = _decoded.TryReserve(payload.Length);
        var batch = _decoded.Rent();
        try
        {
            batch.Product = product;
            batch.ReceivedUnixNano = received;
            batch.ClientSentUnixNano = clientSentUnixNano;

            // Without room to hand the items over, they are only counted (the exporter decodes the
            // spooled request again), so values are not materialized.
            result = OtlpDecoder.Decode(signal, encoding, payload.Span, batch, Limits, checkOnly: !keep);
        }
        catch (Exception ex) when (ex is OtlpFormatException or OtlpLimitException)
        {
            Drop(batch, keep, payload.Length);
            return ex is OtlpFormatException ? IngestOutcome.Invalid(ex.Message) : IngestOutcome.TooLarge(ex.Message);
        }
        catch
        {
            Drop(batch, keep, payload.Length);
            throw;
        }

        if (result.Rejected > 0)
        {
            _metrics.Refused(signal, "invalid_item", result.Rejected);
        }

        if (result.Accepted == 0)
        {
            Drop(batch, keep, payload.Length);
            return IngestOutcome.Ok(0, result.Rejected, result.RejectionMessage);
        }

        IDisposable? handed = null;
        if (keep)
        {
            handed = _decoded.Hand(batch, payload.Length);
        }
        else
        {
            _decoded.Return(batch);
        }

        try
        {
            // The spool owns `handed` from here, whatever happens.
            var record = compression == PayloadCompression.None
                ? new SpoolRecord(signal, encoding, product, received, clientSentUnixNano, payload)
                : new SpoolRecord(signal, encoding, product, received, clientSentUnixNano, compressed, compression);
            await _spool.AppendAsync(record, handed).ConfigureAwait(false);
        }
        catch (SpoolFullException ex)
        {
            _metrics.Refused(signal, "spool_full", result.Accepted);
            return IngestOutcome.Unavailable(ex.Message, ex.RetryAfter);
        }
        catch (IOException ex)
        {
            _metrics.Refused(signal, "spool_error", result.Accepted);
            return IngestOutcome.Unavailable(ex.Message, TimeSpan.FromSeconds(5));
        }
        catch (ObjectDisposedException)
        {
            _metrics.Refused(signal, "shutting_down", result.Accepted);
            return IngestOutcome.Unavailable("the receiver is shutting down; retry, or send to another receiver", ThrottleRetryAfter);
        }

        _metrics.Accepted(signal, result.Accepted);
        return IngestOutcome.Ok(result.Accepted, result.Rejected, result.RejectionMessage);
    }

    internal static ulong UnixNanos(DateTimeOffset time) => (ulong)(time.ToUnixTimeMilliseconds() * 1_000_000) + (ulong)(time.Ticks % TimeSpan.TicksPerMillisecond * 100);

    private void Drop(TelemetryBatch batch, bool reserved, int payloadBytes)
    {
        _decoded.Return(batch);
        if (reserved)
        {
            _decoded.Unreserve(payloadBytes);
        }
    }
}
