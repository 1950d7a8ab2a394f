using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Sluice.Sdk.Schema;

namespace Sluice.Sdk.Delivery;

/// <summary>
/// Sends one compressed part to a receiver over OTLP/HTTP or OTLP/gRPC and classifies the answer:
/// success, transient (try again later, maybe after Retry-After) or permanent (never retry).
/// Adds what the OTLP exporter lacks: the bearer key on every attempt, the client's send time
/// (<c>Sluice-Sent-At</c>), and reading the receiver's rule-set version from each response.
/// </summary>
internal sealed class ChannelSender
{
    private const string GrpcPath = "opentelemetry.proto.collector.logs.v1.LogsService/Export";
    private static readonly MediaTypeHeaderValue ProtobufType = new("application/x-protobuf");
    private static readonly MediaTypeHeaderValue GrpcType = new("application/grpc");

    private readonly HttpMessageInvoker _http;
    private readonly Uri _uri;
    private readonly DeliveryProtocol _protocol;
    private readonly string _apiKey;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly Action<string>? _onRulesVersion;

    public ChannelSender(HttpMessageInvoker http, ChannelOptions options, TimeProvider time, Action<string>? onRulesVersion)
    {
        _http = http;
        _protocol = options.Protocol;
        _apiKey = options.ApiKey;
        _timeout = options.RequestTimeout;
        _time = time;
        _onRulesVersion = onRulesVersion;
        var endpoint = options.Endpoint!.AbsoluteUri.EndsWith('/') ? options.Endpoint : new Uri(options.Endpoint.AbsoluteUri + "/");
        _uri = new Uri(endpoint, _protocol == DeliveryProtocol.Grpc ? GrpcPath : "v1/logs");
    }

    public async Task<SendOutcome> SendAsync(byte[] gzip, CancellationToken cancellationToken)
    {
        using var request = BuildRequest(gzip);
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
            if (_onRulesVersion is not null && response.Headers.TryGetValues(SluiceAttributes.RulesVersionHeader, out var versions))
            {
                foreach (var version in versions)
                {
                    _onRulesVersion(version);
                }
            }

            return _protocol == DeliveryProtocol.Grpc
                ? await ClassifyGrpcAsync(response, linked.Token).ConfigureAwait(false)
                : ClassifyHttp(response);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return SendOutcome.Transient("timeout", null);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return SendOutcome.Transient(ex.GetType().Name + ": " + ex.Message, null);
        }
    }

    private HttpRequestMessage BuildRequest(byte[] gzip)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        request.Headers.TryAddWithoutValidation(SluiceAttributes.SentAtHeader, _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        if (_protocol == DeliveryProtocol.Grpc)
        {
            // gRPC message framing: compressed flag, big-endian length, message.
            var framed = new byte[5 + gzip.Length];
            framed[0] = 1;
            BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)gzip.Length);
            gzip.CopyTo(framed, 5);
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            request.Headers.TryAddWithoutValidation("te", "trailers");
            request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
            request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity,gzip");
            request.Content = new ByteArrayContent(framed);
            request.Content.Headers.ContentType = GrpcType;
        }
        else
        {
            request.Content = new ByteArrayContent(gzip);
            request.Content.Headers.ContentType = ProtobufType;
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        return request;
    }

    private SendOutcome ClassifyHttp(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            return SendOutcome.Success;
        }

        var reason = "HTTP " + status.ToString(CultureInfo.InvariantCulture);
        return status is 408 or 429 or >= 500
            ? SendOutcome.Transient(reason, RetryAfter(response))
            : SendOutcome.Permanent(reason);
    }

    private async Task<SendOutcome> ClassifyGrpcAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return ClassifyHttp(response);
        }

        // Trailers arrive after the body: read it to the end first.
        await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var status = GrpcStatus(response.TrailingHeaders) ?? GrpcStatus(response.Headers);
        if (status is null)
        {
            return SendOutcome.Transient("gRPC response without grpc-status", null);
        }

        var reason = "gRPC status " + status.Value.ToString(CultureInfo.InvariantCulture);
        return status.Value switch
        {
            0 => SendOutcome.Success,

            // Retryable per the OTLP specification: CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED,
            // ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS.
            1 or 4 or 8 or 10 or 11 or 14 or 15 => SendOutcome.Transient(reason, RetryAfter(response)),
            _ => SendOutcome.Permanent(reason),
        };
    }

    private static int? GrpcStatus(HttpHeaders headers) =>
        headers.TryGetValues("grpc-status", out var values)
        && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var status)
            ? status
            : null;

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}

/// <summary>How a send ended.</summary>
internal readonly record struct SendOutcome(SendResult Result, string Reason, TimeSpan? RetryAfter)
{
    public static SendOutcome Success => new(SendResult.Success, string.Empty, null);

    public static SendOutcome Transient(string reason, TimeSpan? retryAfter) => new(SendResult.Transient, reason, retryAfter);

    public static SendOutcome Permanent(string reason) => new(SendResult.Permanent, reason, null);
}

/// <summary>The three ways a send can end.</summary>
internal enum SendResult
{
    Success,
    Transient,
    Permanent,
}
