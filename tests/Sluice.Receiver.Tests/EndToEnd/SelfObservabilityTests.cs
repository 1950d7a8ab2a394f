using System.Net;
using Sluice.Receiver.Tests.ClickHouse;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Receiver.Tests.EndToEnd;

/// <summary>/healthz, /readyz and the Prometheus /metrics an SRE scrapes.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class SelfObservabilityTests(ClickHouseServer clickHouse, ITestOutputHelper output)
{
    [Fact]
    public async Task Metrics_AfterTrafficAndRefusals_CountAcceptedRefusedRequestsSpoolAndInserts()
    {
        await using var receiver = await ReceiverProcess.StartAsync(clickHouse);
        using var http = ReceiverProcess.NewHttpClient();
        string run = Guid.NewGuid().ToString("N");
        var load = new OtlpLoad(receiver.HttpEndpoint, run, requests: 3, eventsPerRequest: 100);
        await load.RunAsync(concurrency: 1, TimeSpan.FromSeconds(30));
        using (var unauthenticated = ReceiverProcess.NewHttpClient("nope"))
        using (var content = new ByteArrayContent(OtlpLoad.LogsRequest(run, 9, 1)))
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-protobuf");
            using var refused = await unauthenticated.PostAsync(new Uri(receiver.HttpEndpoint, "v1/logs"), content);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(receiver.HealthEndpoint, "healthz"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(receiver.HealthEndpoint, "readyz"))).StatusCode);

        string metrics = string.Empty;
        await Eventually.UntilAsync(
            async () =>
            {
                metrics = await http.GetStringAsync(new Uri(receiver.HealthEndpoint, "metrics"));
                return metrics.Contains("sluice_clickhouse_insert_rows_count{", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(30),
            "an insert to show in /metrics");
        output.WriteLine(metrics);
        Assert.Matches(@"sluice_receiver_items_accepted_total\{[^}]*signal=""logs""[^}]*\} 300", metrics);
        Assert.Matches(@"sluice_receiver_requests_total\{[^}]*status=""401""[^}]*\} 1", metrics);
        Assert.Contains("sluice_spool_size_bytes", metrics, StringComparison.Ordinal);
        Assert.Contains("sluice_spool_oldest_age_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("sluice_clickhouse_insert_duration_seconds", metrics, StringComparison.Ordinal);

        // The same metrics reach ClickHouse through the receiver's own pipeline (cumulative points).
        string accepted = $"SELECT max(Value) FROM {receiver.Database}.otel_metrics_sum FINAL WHERE ServiceName = 'sluice-receiver' " +
            "AND MetricName = 'sluice.receiver.items.accepted' AND AttributesValues[indexOf(AttributesKeys, 'signal')] = 'logs'";
        await Eventually.UntilAsync(
            async () => (await clickHouse.QueryAsync(accepted)).Trim() == "300",
            TimeSpan.FromSeconds(30),
            "the receiver's own accepted-items counter in ClickHouse to reach 300");
        Assert.Equal("sluice-receiver", (await clickHouse.QueryAsync(
            $"SELECT DISTINCT Product FROM {receiver.Database}.otel_metrics_sum WHERE ServiceName = 'sluice-receiver'")).Trim());

        // OTLP is not served on the health port, nor health on the OTLP port.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(receiver.HttpEndpoint, "metrics"))).StatusCode);
    }
}
