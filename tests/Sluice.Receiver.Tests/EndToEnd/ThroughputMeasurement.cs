using System.Diagnostics;
using System.Globalization;
using Sluice.Receiver.ClickHouse;
using Sluice.Receiver.Configuration;
using Sluice.Receiver.Otlp;
using Sluice.Receiver.Spool;
using Sluice.Receiver.Tests.ClickHouse;
using Sluice.Testing;
using Sluice.Transforms.Model;
using Xunit.Abstractions;

namespace Sluice.Receiver.Tests.EndToEnd;

/// <summary>
/// Not a timed test: it measures, in one run, events/s through the real receiver into ClickHouse
/// and the ClickHouse-alone ceiling for the same rows (pre-encoded RowBinary straight into the same
/// table), and prints both. It fails only if events are lost.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ThroughputMeasurement(ClickHouseServer clickHouse, ITestOutputHelper output)
{
    private const int Requests = 200;
    private const int EventsPerRequest = 1000;

    [Fact]
    public async Task ReceiverIntoClickHouse_AndClickHouseAlone_SameRowsSameRun()
    {
        await using var receiver = await ReceiverProcess.StartAsync(clickHouse);
        string run = Guid.NewGuid().ToString("N");

        // Warm-up: the receiver's code starts unoptimized (tiered JIT); a long-running receiver's does not.
        await new OtlpLoad(receiver.HttpEndpoint, run + "-warmup", Requests / 2, EventsPerRequest).Prepare().RunAsync(concurrency: 8, TimeSpan.FromMinutes(3));
        await Eventually.UntilAsync(
            async () => long.Parse((await clickHouse.QueryAsync($"SELECT count() FROM {receiver.Database}.otel_logs WHERE has(LogAttributesValues, '{run}-warmup')")).Trim(), CultureInfo.InvariantCulture) >= Requests / 2 * EventsPerRequest,
            TimeSpan.FromMinutes(3),
            "the warm-up load in ClickHouse");

        var load = new OtlpLoad(receiver.HttpEndpoint, run, Requests, EventsPerRequest).Prepare();
        var cpuBefore = receiver.CpuTime;
        var clock = Stopwatch.StartNew();
        await load.RunAsync(concurrency: 8, TimeSpan.FromMinutes(3));
        double acked = clock.Elapsed.TotalSeconds;
        string filter = $"has(LogAttributesValues, '{run}')";
        await Eventually.UntilAsync(
            async () => long.Parse((await clickHouse.QueryAsync($"SELECT count() FROM {receiver.Database}.otel_logs WHERE {filter}")).Trim(), CultureInfo.InvariantCulture) >= Requests * EventsPerRequest,
            TimeSpan.FromMinutes(3),
            "every event in ClickHouse");
        double landed = clock.Elapsed.TotalSeconds;
        double cpu = (receiver.CpuTime - cpuBefore).TotalSeconds;

        // The ceiling: the same requests decoded and encoded up front, then only the inserts timed.
        string ceilingDb = await clickHouse.CreateDatabaseAsync("ceiling");
        using var client = new ClickHouseClient(new ClickHouseExporterConfig { Endpoint = clickHouse.Url, Database = ceilingDb });
        await SchemaMigrator.MigrateAsync(client, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        using var writers = new TableWriterSet();
        var batch = new TelemetryBatch();
        var limits = new DecodeLimits();
        for (int r = 0; r < Requests; r++)
        {
            batch.Clear();
            batch.Product = ReceiverProcess.Product;
            batch.ReceivedUnixNano = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
            OtlpDecoder.Decode(Signal.Logs, PayloadEncoding.Protobuf, OtlpLoad.LogsRequest(run, r, EventsPerRequest), batch, limits);
            writers.Append(batch);
        }

        var tables = writers.NonEmpty.ToList();
        var ceilingClock = Stopwatch.StartNew();
        foreach (var table in tables)
        {
            await client.InsertAsync(table, CancellationToken.None);
        }

        double ceiling = ceilingClock.Elapsed.TotalSeconds;
        long rows = Requests * EventsPerRequest;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, {Environment.MachineName}; receiver build: {new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name}; load generator in the test process on the same cores"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"after a warm-up of {Requests / 2 * EventsPerRequest} events; through the receiver: {rows} events acknowledged in {acked:F2} s ({rows / acked:F0} events/s), landed in ClickHouse after {landed:F2} s ({rows / landed:F0} events/s)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"receiver CPU: {cpu:F2} s for {rows} events = {cpu * 1_000_000 / rows:F2} CPU-seconds per million events (decode twice, transforms, spool, encode, gzip, send)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ClickHouse alone (one RowBinary insert of the same {rows} rows, gzip): {ceiling:F2} s ({rows / ceiling:F0} rows/s); receiver/ceiling = {(rows / landed) / (rows / ceiling):F2}"));
        Assert.Equal(Requests, load.Acked);
    }
}
