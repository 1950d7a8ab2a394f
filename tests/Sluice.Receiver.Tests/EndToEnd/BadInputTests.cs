using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Sluice.Receiver.Tests.ClickHouse;
using Sluice.Testing;

namespace Sluice.Receiver.Tests.EndToEnd;

/// <summary>Hostile and broken requests: each gets the right status and a message that says what to fix; the receiver stays up and stored data is untouched.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class BadInputTests(ClickHouseServer clickHouse) : IAsyncLifetime
{
    private ReceiverProcess _receiver = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _receiver = await ReceiverProcess.StartAsync(clickHouse);
        _http = ReceiverProcess.NewHttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task EveryKindOfBadRequest_GetsItsStatusAndMessage_AndChangesNothingStored()
    {
        string run = Guid.NewGuid().ToString("N");
        byte[] good = OtlpLoad.LogsRequest(run, 0, 10);
        var (status, _) = await PostAsync(good, "application/x-protobuf");
        Assert.Equal(HttpStatusCode.OK, status);
        await Eventually.UntilAsync(async () => await CountAsync() == 10, TimeSpan.FromSeconds(30), "the good request's 10 rows");

        await ExpectAsync(good[..(good.Length / 2)], "application/x-protobuf", HttpStatusCode.BadRequest, "truncated");
        await ExpectAsync("{\"resourceLogs\":[{"u8.ToArray(), "application/json", HttpStatusCode.BadRequest, "JSON");
        await ExpectAsync(good, "text/plain", HttpStatusCode.UnsupportedMediaType, "application/x-protobuf");
        await ExpectAsync(good, "application/x-protobuf", HttpStatusCode.UnsupportedMediaType, "Content-Encoding", encoding: "br");
        await ExpectAsync(new byte[300 * 1024], "application/x-protobuf", HttpStatusCode.RequestEntityTooLarge, "max_request_body_size");
        await ExpectAsync(OtlpLoad.Gzip(new byte[100 * 1024 * 1024], System.IO.Compression.CompressionLevel.SmallestSize), "application/x-protobuf", HttpStatusCode.RequestEntityTooLarge, "max_decompressed_size", encoding: "gzip");
        await ExpectAsync("not gzip at all"u8.ToArray(), "application/x-protobuf", HttpStatusCode.BadRequest, "gzip", encoding: "gzip");
        await ExpectAsync(good, "application/x-protobuf", HttpStatusCode.Unauthorized, "API key", key: "wrong-key");
        await ExpectAsync(good, "application/x-protobuf", HttpStatusCode.Unauthorized, "Authorization", key: null);
        await ExpectAsync(OtlpLoad.Gzip(OtlpLoad.LogsRequest(run, 1, 10_001)), "application/x-protobuf", HttpStatusCode.RequestEntityTooLarge, "max_items_per_request", encoding: "gzip");

        // Absurd values inside an otherwise valid request: those items are refused, the rest kept, and the answer says so.
        ulong future = (ulong)DateTimeOffset.UtcNow.AddYears(5).ToUnixTimeMilliseconds() * 1_000_000;
        string huge = new('x', 1024 * 1024);
        string json =
            "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"bad\"}}]},\"scopeLogs\":[{\"logRecords\":[" +
            $"{{\"timeUnixNano\":\"{future}\",\"body\":{{\"stringValue\":\"from the future\"}}}}," +
            $"{{\"body\":{{\"stringValue\":\"huge\"}},\"attributes\":[{{\"key\":\"blob\",\"value\":{{\"stringValue\":\"{huge}\"}}}}]}}," +
            $"{{\"body\":{{\"stringValue\":\"deep\"}},\"attributes\":[{{\"key\":\"deep\",\"value\":{Nested(20)}}}]}}," +
            $"{{\"body\":{{\"stringValue\":\"fine\"}},\"attributes\":[{{\"key\":\"run.id\",\"value\":{{\"stringValue\":\"{run}\"}}}}]}}" +
            "]}]}]}";
        // Nesting far past any sane depth stops the JSON reader itself: the whole request is refused.
        string abyss = "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"attributes\":[{\"key\":\"deep\",\"value\":" + Nested(100_000) + "}]}]}]}]}";
        await ExpectAsync(OtlpLoad.Gzip(Encoding.UTF8.GetBytes(abyss)), "application/json", HttpStatusCode.BadRequest, "depth", encoding: "gzip");

        var (partialStatus, partialBody) = await PostAsync(OtlpLoad.Gzip(Encoding.UTF8.GetBytes(json)), "application/json", encoding: "gzip");
        Assert.True(partialStatus == HttpStatusCode.OK, $"{partialStatus}: {partialBody}");
        Assert.Contains("\"rejectedLogRecords\":\"3\"", partialBody, StringComparison.Ordinal);
        Assert.Contains("max_attribute_value_size", partialBody, StringComparison.Ordinal);

        // Still up, and what was stored is exactly the good request plus the one fine record.
        using var health = await _http.GetAsync(new Uri(_receiver.HealthEndpoint, "healthz"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await Eventually.UntilAsync(async () => await CountAsync() == 11, TimeSpan.FromSeconds(30), "the fine record next to the good request's rows");
        string bad = await clickHouse.QueryAsync($"SELECT count() FROM {_receiver.Database}.otel_logs WHERE ServiceName = 'bad' AND Body != 'fine'");
        Assert.Equal("0", bad.Trim());

        async Task<long> CountAsync() => long.Parse(
            (await clickHouse.QueryAsync($"SELECT count() FROM {_receiver.Database}.otel_logs FINAL WHERE has(LogAttributesValues, '{run}')")).Trim(),
            CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Grpc_BadRequests_GetTheirStatusCodesAndMessages()
    {
        using var channel = GrpcChannel.ForAddress(_receiver.GrpcEndpoint);
        var invoker = channel.CreateCallInvoker();
        var export = new Method<byte[], byte[]>(MethodType.Unary, "opentelemetry.proto.collector.logs.v1.LogsService", "Export", Bytes, Bytes);
        byte[] good = OtlpLoad.LogsRequest(Guid.NewGuid().ToString("N"), 0, 3);

        var ok = await invoker.AsyncUnaryCall(export, null, Options(ReceiverProcess.ApiKey), good);
        Assert.Empty(ok);

        var unauthenticated = await Assert.ThrowsAsync<RpcException>(async () => await invoker.AsyncUnaryCall(export, null, Options(null), good));
        Assert.Equal(StatusCode.Unauthenticated, unauthenticated.StatusCode);
        Assert.Contains("Authorization", unauthenticated.Status.Detail, StringComparison.Ordinal);

        var truncated = await Assert.ThrowsAsync<RpcException>(async () => await invoker.AsyncUnaryCall(export, null, Options(ReceiverProcess.ApiKey), good[..(good.Length - 7)]));
        Assert.Equal(StatusCode.InvalidArgument, truncated.StatusCode);

        var tooMany = await Assert.ThrowsAsync<RpcException>(async () => await invoker.AsyncUnaryCall(export, null, Options(ReceiverProcess.ApiKey), OtlpLoad.LogsRequest("x", 1, 10_001)));
        Assert.Equal(StatusCode.ResourceExhausted, tooMany.StatusCode);
        Assert.Contains("max_items_per_request", tooMany.Status.Detail, StringComparison.Ordinal);

        using var health = await _http.GetAsync(new Uri(_receiver.HealthEndpoint, "healthz"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        static CallOptions Options(string? key) => new(key is null ? [] : new Metadata { { "authorization", "Bearer " + key } });
    }

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(static b => b, static b => b);

    private static string Nested(int depth)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < depth; i++)
        {
            builder.Append("{\"arrayValue\":{\"values\":[");
        }

        builder.Append("{\"stringValue\":\"bottom\"}");
        for (int i = 0; i < depth; i++)
        {
            builder.Append("]}}");
        }

        return builder.ToString();
    }

    private async Task ExpectAsync(byte[] body, string contentType, HttpStatusCode expected, string messagePart, string? encoding = null, string? key = ReceiverProcess.ApiKey)
    {
        var (status, text) = await PostAsync(body, contentType, encoding, key);
        Assert.True(expected == status, $"expected {(int)expected} for a request whose answer should mention '{messagePart}', got {(int)status}: {text}");
        Assert.Contains(messagePart, text, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(byte[] body, string contentType, string? encoding = null, string? key = ReceiverProcess.ApiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_receiver.HttpEndpoint, "v1/logs"));
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (encoding is not null)
        {
            request.Content.Headers.ContentEncoding.Add(encoding);
        }

        request.Headers.Authorization = key is null ? null : new AuthenticationHeaderValue("Bearer", key);
        using var client = new HttpClient();
        using var response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();

        // Protobuf error bodies are google.rpc.Status: its message is readable as text inside them.
        return (response.StatusCode, text);
    }
}
