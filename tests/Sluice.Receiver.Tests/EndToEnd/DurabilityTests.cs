using System.Globalization;
using Sluice.Receiver.Tests.ClickHouse;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Receiver.Tests.EndToEnd;

/// <summary>What the receiver promises about acknowledged data: a crash or a ClickHouse outage loses none and counts none twice.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class DurabilityTests(ClickHouseServer clickHouse, ITestOutputHelper output)
{
    [Fact]
    public async Task Sigkill_DuringA100kEventLoad_EveryAcknowledgedEventLandsOnce()
    {
        await using var receiver = await ReceiverProcess.StartAsync(clickHouse);
        string run = Guid.NewGuid().ToString("N");
        var load = new OtlpLoad(receiver.HttpEndpoint, run, requests: 100, eventsPerRequest: 1000);
        var sending = load.RunAsync(concurrency: 4, TimeSpan.FromMinutes(4));

        await Eventually.UntilAsync(() => Task.FromResult(load.Acked >= 30 || sending.IsCompleted), TimeSpan.FromSeconds(60), "30 acknowledged requests");
        Assert.False(sending.IsCompleted, $"the load finished before the kill ({load.Acked} acked): nothing was tested");
        await receiver.KillAsync();
        int ackedAtKill = load.Acked;
        output.WriteLine($"killed after {ackedAtKill} acknowledged requests");

        await receiver.StartAsync();
        await sending;
        Assert.Equal(100, load.Acked);

        await AssertLandedOnceAsync(receiver.Database, run, 100_000);
    }

    [Fact]
    public async Task ClickHouseDown30s_DuringALoad_ReceiverKeepsAcknowledgingThenDrains()
    {
        // Its own server: this test stops it, and the shared one serves other tests meanwhile.
        await using var own = new ClickHouseServer();
        await own.InitializeAsync();
        await using var receiver = await ReceiverProcess.StartAsync(own);
        string run = Guid.NewGuid().ToString("N");

        var before = new OtlpLoad(receiver.HttpEndpoint, run + "-a", requests: 20, eventsPerRequest: 500);
        await before.RunAsync(concurrency: 2, TimeSpan.FromSeconds(60));
        await own.StopAsync();
        var outageStarted = DateTime.UtcNow;

        // While ClickHouse is down, the receiver keeps answering 200 from its spool.
        var during = new OtlpLoad(receiver.HttpEndpoint, run + "-b", requests: 60, eventsPerRequest: 500);
        await during.RunAsync(concurrency: 2, TimeSpan.FromSeconds(60));
        Assert.Equal(60, during.Acked);
        Assert.Equal(0, during.Failures);
        var remaining = TimeSpan.FromSeconds(30) - (DateTime.UtcNow - outageStarted);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        using (var http = new HttpClient())
        {
            using var ready = await http.GetAsync(new Uri(receiver.HealthEndpoint, "readyz"));
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        await own.StartAsync();
        await AssertLandedOnceAsync(own, receiver.Database, run + "-a", 10_000);
        await AssertLandedOnceAsync(own, receiver.Database, run + "-b", 30_000);
    }

    [Fact]
    public async Task SpoolNearItsCap_WhileClickHouseIsUnreachable_Answers503WithRetryAfterAndKeepsWhatItAcked()
    {
        await using var receiver = await ReceiverProcess.StartUnreadyAsync($"http://127.0.0.1:{FreePort.Get()}", spoolMaxMib: 1);
        using var http = ReceiverProcess.NewHttpClient();
        int acked = 0;
        HttpResponseMessage? refused = null;
        for (int i = 0; i < 40 && refused is null; i++)
        {
            // gzip without compression: the spool keeps gzip bodies as they came, so these fill it ten times faster.
            using var content = new ByteArrayContent(OtlpLoad.Gzip(OtlpLoad.LogsRequest("full", i, 500), System.IO.Compression.CompressionLevel.NoCompression));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-protobuf");
            content.Headers.ContentEncoding.Add("gzip");
            var response = await http.PostAsync(new Uri(receiver.HttpEndpoint, "v1/logs"), content);
            if (response.IsSuccessStatusCode)
            {
                acked++;
                response.Dispose();
            }
            else
            {
                refused = response;
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            string body = await refused.Content.ReadAsStringAsync();
            output.WriteLine($"{acked} requests acknowledged, then {(int)refused.StatusCode}: {body}");
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("max_size_mib", body, StringComparison.Ordinal);
        }

        Assert.True(acked >= 3, $"only {acked} requests fit before the push-back");
        long spooled = Directory.EnumerateFiles(Path.Combine(receiver.Folder, "spool"), "*.spool").Sum(f => new FileInfo(f).Length);
        Assert.True(spooled > acked * 10_000L, $"the spool holds {spooled} bytes for {acked} acknowledged requests");
    }

    [Fact]
    public async Task CompressedBodies_AreSpooledAsTheyCame()
    {
        // ClickHouse unreachable: what is acknowledged stays in the spool, where its size tells
        // whether gzip and deflate bodies were kept compressed (~10x smaller than decompressed).
        await using var receiver = await ReceiverProcess.StartUnreadyAsync($"http://127.0.0.1:{FreePort.Get()}", spoolMaxMib: 64);
        using var http = ReceiverProcess.NewHttpClient();
        long raw = 0, sent = 0;
        for (int i = 0; i < 6; i++)
        {
            byte[] request = OtlpLoad.LogsRequest("compressed", i, 500);
            bool gzip = i % 2 == 0;
            byte[] body = gzip ? OtlpLoad.Gzip(request) : OtlpLoad.Deflate(request);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-protobuf");
            content.Headers.ContentEncoding.Add(gzip ? "gzip" : "deflate");
            using var response = await http.PostAsync(new Uri(receiver.HttpEndpoint, "v1/logs"), content);
            Assert.True(response.IsSuccessStatusCode, $"request {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            raw += request.Length;
            sent += body.Length;
        }

        long spooled = Directory.EnumerateFiles(Path.Combine(receiver.Folder, "spool"), "*.spool").Sum(f => new FileInfo(f).Length);
        output.WriteLine($"{raw} bytes decompressed, {sent} sent, {spooled} spooled");
        Assert.True(spooled >= sent, $"the spool holds {spooled} bytes for {sent} bytes of bodies");
        Assert.True(spooled < sent + raw / 10, $"the spool holds {spooled} bytes: not the {sent} bytes of compressed bodies but nearer the {raw} decompressed");
    }

    private Task AssertLandedOnceAsync(string database, string run, long expected) => AssertLandedOnceAsync(clickHouse, database, run, expected);

    private async Task AssertLandedOnceAsync(ClickHouseServer server, string database, string run, long expected)
    {
        string filter = $"LogAttributesValues[indexOf(LogAttributesKeys, 'run.id')] = '{run}'";
        long counted = 0;
        await Eventually.UntilAsync(
            async () =>
            {
                counted = long.Parse((await server.QueryAsync($"SELECT count() FROM {database}.otel_logs FINAL WHERE {filter}")).Trim(), CultureInfo.InvariantCulture);
                return counted >= expected;
            },
            TimeSpan.FromSeconds(120),
            $"{expected} events of run {run} in ClickHouse");

        // Give any stragglers (replays) time to land, then the FINAL count and the distinct ids must both be exact.
        await Task.Delay(TimeSpan.FromSeconds(1));
        string row = (await server.QueryAsync(
            $"SELECT count(), uniqExact(EventId) FROM {database}.otel_logs FINAL WHERE {filter}")).Trim();
        string raw = (await server.QueryAsync($"SELECT count() FROM {database}.otel_logs WHERE {filter}")).Trim();
        output.WriteLine($"run {run}: FINAL count and distinct ids = {row}; raw rows (before merges) = {raw}");
        Assert.Equal($"{expected}\t{expected}", row);
    }
}
