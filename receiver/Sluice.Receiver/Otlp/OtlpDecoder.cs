using System.Buffers;
using System.Text.Json;
using Sluice.Receiver.Spool;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Otlp;

/// <summary>
/// Decodes OTLP 1.x export requests (logs, traces, metrics; protobuf or OTLP/JSON) into the model.
/// </summary>
/// <remarks>
/// Event ids: a log record's <c>event.id</c> attribute when present (a UUID or 32 hex characters
/// are taken as those 16 bytes, anything else is hashed; the attribute is removed). Otherwise
/// XxHash128 over the product, a digest of the resource block, a digest of the scope block, the
/// item's decoded fields (timestamps as sent) and its 0-based ordinal in the request (rejected
/// items count). Hashing the decoded fields rather than the wire bytes makes the protobuf and
/// JSON forms of one request give the same ids, and a replay of the same payload always does.
/// Span ids: XxHash128 of product, trace id and span id.
/// </remarks>
internal static class OtlpDecoder
{
    /// <summary>
    /// Decodes one export request and appends the accepted items to <paramref name="batch"/>, whose
    /// <see cref="TelemetryBatch.Product"/> and <see cref="TelemetryBatch.ReceivedUnixNano"/> are inputs.
    /// On an exception the batch is left as it was.
    /// </summary>
    /// <exception cref="OtlpFormatException">The payload is malformed; the message says what and where.</exception>
    /// <exception cref="OtlpLimitException">The request holds more than <see cref="DecodeLimits.MaxItems"/> items.</exception>
    /// <remarks>
    /// <c>checkOnly</c> is the ingest-side check: items are counted and checked exactly as in a full decode, but
    /// (protobuf only) log records are not appended to the batch and values are not materialized; use it only to count and check.
    /// </remarks>
    public static DecodeResult Decode(Signal signal, PayloadEncoding encoding, ReadOnlySpan<byte> payload, TelemetryBatch batch, DecodeLimits limits, bool checkOnly = false)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(limits);
        if (signal is not (Signal.Logs or Signal.Traces or Signal.Metrics))
        {
            throw new ArgumentOutOfRangeException(nameof(signal), signal, "unknown signal");
        }

        if (batch.ReceivedUnixNano == 0)
        {
            // Every timestamp would count as "in the future" and be rejected: a caller bug, not bad input.
            throw new ArgumentException("batch.ReceivedUnixNano must be set before decoding", nameof(batch));
        }

        if (encoding is not (PayloadEncoding.Protobuf or PayloadEncoding.Json))
        {
            throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "unknown payload encoding");
        }

        int logs = batch.Logs.Count;
        int spans = batch.Spans.Count;
        int metrics = batch.Metrics.Count;
        using var context = new DecodeContext(signal, batch, limits) { CheckOnly = checkOnly };
        try
        {
            if (encoding == PayloadEncoding.Protobuf)
            {
                CheckItemCount(ProtobufRequestDecoder.Count(payload, context), limits);
                ProtobufRequestDecoder.Decode(payload, context);
            }
            else
            {
                DecodeJson(payload, context);
            }
        }
        catch (Exception ex) when (ex is OtlpFormatException or OtlpLimitException)
        {
            Truncate(batch, logs, spans, metrics);
            throw;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException or JsonException or ArgumentException)
        {
            // A decoder bug must not turn bad input into a 500 or a crash loop on replay.
            Truncate(batch, logs, spans, metrics);
            throw new OtlpFormatException("malformed request: " + ex.Message, ex);
        }

        return new DecodeResult(context.Accepted, context.Rejected, context.RejectionMessage());
    }

    private static void DecodeJson(ReadOnlySpan<byte> payload, DecodeContext context)
    {
        JsonDocument document = JsonRequestDecoder.Parse(payload, context.Limits, out byte[] rented);
        try
        {
            CheckItemCount(JsonRequestDecoder.Count(document.RootElement, context), context.Limits);
            JsonRequestDecoder.Decode(document.RootElement, context);
        }
        finally
        {
            document.Dispose();
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void CheckItemCount(int count, DecodeLimits limits)
    {
        if (count > limits.MaxItems)
        {
            throw new OtlpLimitException($"the request holds {count} items, over limits.max_items_per_request ({limits.MaxItems})");
        }
    }

    private static void Truncate(TelemetryBatch batch, int logs, int spans, int metrics)
    {
        batch.Logs.RemoveRange(logs, batch.Logs.Count - logs);
        batch.Spans.RemoveRange(spans, batch.Spans.Count - spans);
        batch.Metrics.RemoveRange(metrics, batch.Metrics.Count - metrics);
    }
}
