using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Sluice.Receiver.ClickHouse;
using Sluice.Testing;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Tests.ClickHouse;

[Collection(ClickHouseCollection.Name)]
public sealed class RetentionJobTests(ClickHouseServer server)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private static ulong Nanos(DateTimeOffset t) => (ulong)t.ToUnixTimeMilliseconds() * 1_000_000UL;

    [Fact]
    public async Task RunOnceAsync_OldAndRecentPartitions_DropsOnlyTheOld()
    {
        using var client = await TestBatches.MigratedClientAsync(server, "retention");
        await InsertAsync(client, Now.AddDays(-100), Now.AddDays(-1));
        var config = TestBatches.Config(server, client.Database) with
        {
            RetentionDays = new Dictionary<string, int> { ["default"] = 30, ["otel_metrics_gauge"] = 365 },
        };
        var job = new RetentionJob(client, config, new FakeTimeProvider(Now), NullLogger.Instance);

        int dropped = await job.RunOnceAsync(CancellationToken.None);

        // The 100-day-old partitions of logs and spans go, and those of the four rollups keyed by
        // event time (the ingestion-delay rollup is keyed by receive time: nothing old there);
        // the gauge's 365 days keep its old one.
        Assert.Equal(6, dropped);
        Assert.Equal(Nanos(Now.AddDays(-1)).ToString(), (await client.QueryAsync($"SELECT TimestampNanos FROM {client.Database}.otel_logs", CancellationToken.None)).Trim());
        Assert.Equal("1", (await client.QueryAsync($"SELECT count() FROM {client.Database}.otel_traces", CancellationToken.None)).Trim());
        Assert.Equal("2", (await client.QueryAsync($"SELECT count() FROM {client.Database}.otel_metrics_gauge", CancellationToken.None)).Trim());
        Assert.Equal("0", (await client.QueryAsync($"SELECT count() FROM {client.Database}.rollup_active_daily WHERE Day < '2026-05-16'", CancellationToken.None)).Trim());
        Assert.NotEqual("0", (await client.QueryAsync($"SELECT count() FROM {client.Database}.schema_migrations", CancellationToken.None)).Trim());
        Assert.Equal(0, await job.RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RunOnceAsync_RetentionZero_KeepsEverything()
    {
        using var client = await TestBatches.MigratedClientAsync(server, "keep");
        await InsertAsync(client, Now.AddDays(-3000), Now.AddDays(-1));
        var config = TestBatches.Config(server, client.Database) with { RetentionDays = new Dictionary<string, int> { ["default"] = 0 } };
        var job = new RetentionJob(client, config, new FakeTimeProvider(Now), NullLogger.Instance);

        Assert.Equal(0, await job.RunOnceAsync(CancellationToken.None));
        Assert.Equal("2", (await client.QueryAsync($"SELECT count() FROM {client.Database}.otel_logs", CancellationToken.None)).Trim());
    }

    private static async Task InsertAsync(ClickHouseClient client, DateTimeOffset old, DateTimeOffset recent)
    {
        var batch = TestBatches.Batch();
        var resource = TestBatches.Resource();
        var scope = TestBatches.Scope();
        batch.Logs.Add(TestBatches.Log(1, Nanos(old), resource, scope));
        batch.Logs.Add(TestBatches.Log(2, Nanos(recent), resource, scope));
        batch.Spans.Add(TestBatches.Span(1, Nanos(old), resource, scope));
        batch.Spans.Add(TestBatches.Span(2, Nanos(recent), resource, scope));
        batch.Metrics.Add(TestBatches.Metric(MetricKind.Gauge, 1, Nanos(old), resource, scope));
        batch.Metrics.Add(TestBatches.Metric(MetricKind.Gauge, 2, Nanos(recent), resource, scope));
        await TableWriterSetTests.InsertAllAsync(client, batch, expectedRows: 6);
    }
}
