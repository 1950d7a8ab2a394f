using System.Net;
using System.Net.Http.Headers;
using Sluice.Receiver.Tests.ClickHouse;
using Sluice.Testing;

namespace Sluice.Receiver.Tests.EndToEnd;

/// <summary>processors.memory_limiter in the real receiver: over its limit the pipeline that lists it answers 503 with Retry-After; the rest goes on.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class MemoryLimiterTests(ClickHouseServer clickHouse)
{
    [Fact]
    public async Task OverTheLimit_LogsAreRefusedWith503AndRetryAfter_OtherPipelinesAndHealthGoOn()
    {
        // 1 MiB: any process is above it, so the logs pipeline refuses from the first check on.
        await using var receiver = await ReceiverProcess.StartAsync(clickHouse, memoryLimitMib: 1);
        using var http = ReceiverProcess.NewHttpClient();
        byte[] logs = OtlpLoad.LogsRequest(Guid.NewGuid().ToString("N"), 0, 10);

        HttpResponseMessage? refused = null;
        await Eventually.UntilAsync(
            async () =>
            {
                refused?.Dispose();
                refused = await PostAsync(http, new Uri(receiver.HttpEndpoint, "v1/logs"), logs);
                return refused.StatusCode == HttpStatusCode.ServiceUnavailable;
            },
            TimeSpan.FromSeconds(20),
            "a 503 from the memory limiter");

        using (refused)
        {
            string body = await refused!.Content.ReadAsStringAsync();
            Assert.Contains("above the soft limit of processors.memory_limiter", body, StringComparison.Ordinal);
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        using var traces = await PostAsync(http, new Uri(receiver.HttpEndpoint, "v1/traces"), "{\"resourceSpans\":[]}"u8.ToArray(), "application/json");
        Assert.Equal(HttpStatusCode.OK, traces.StatusCode);
        using var health = await http.GetAsync(new Uri(receiver.HealthEndpoint, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await Eventually.UntilAsync(
            () => Task.FromResult(receiver.Output.Contains("refusing new requests with 503", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10),
            "the limiter's warning in the log");
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, Uri url, byte[] body, string contentType = "application/x-protobuf")
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await http.PostAsync(url, content);
    }
}
