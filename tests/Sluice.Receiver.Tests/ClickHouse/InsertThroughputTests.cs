using System.Diagnostics;
using System.Globalization;
using Sluice.Receiver.ClickHouse;
using Sluice.Testing;
using Sluice.Transforms.Model;
using Xunit.Abstractions;

namespace Sluice.Receiver.Tests.ClickHouse;

/// <summary>Measures (prints, does not assert) log rows per second through TableWriterSet and InsertAsync.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class InsertThroughputTests(ClickHouseServer server, ITestOutputHelper output)
{
    private const int TotalRows = 1_000_000;
    private const int RowsPerInsert = 100_000; // the batch processor's default send_batch_size
    private const int RowsPerBatch = 1_000;

    [Theory]
    [Trait("Category", "Measurement")]
    [InlineData("gzip")]
    [InlineData("none")]
    public async Task InsertAsync_OneMillionLogRows_PrintsRowsPerSecond(string compress)
    {
        using var client = await TestBatches.MigratedClientAsync(server, "throughput", compress);
        var resource = TestBatches.Resource();
        var scope = TestBatches.Scope();
        var batch = TestBatches.Batch("demo");
        for (int i = 0; i < RowsPerBatch; i++)
        {
            var log = new LogEvent
            {
                SeverityText = "Info",
                SeverityNumber = 9,
                EventName = "screen.view",
                Body = "User opened the checkout screen",
                TraceId = "0af7651916cd43dd8448eb211c80319c",
                SpanId = "b7ad6b7169203331",
                Resource = resource,
                Scope = scope,
            };
            for (int a = 0; a < 8; a++)
            {
                log.Attributes.Add("attr.key" + a.ToString(CultureInfo.InvariantCulture), "value-" + (a * 7919).ToString(CultureInfo.InvariantCulture));
            }

            batch.Logs.Add(log);
        }

        using var writers = new TableWriterSet(client.Gzip);
        ulong time = 1_763_900_000_000_000_000UL;
        UInt128 id = 1;
        var encode = new Stopwatch();
        var insert = new Stopwatch();
        long bytes = 0;
        var total = Stopwatch.StartNew();
        for (int sent = 0; sent < TotalRows; sent += RowsPerInsert)
        {
            encode.Start();
            for (int b = 0; b < RowsPerInsert / RowsPerBatch; b++)
            {
                foreach (var log in batch.Logs)
                {
                    log.EventId = id++;
                    log.TimeUnixNano = time;
                    time += 1_000_000;
                }

                writers.Append(batch);
            }

            encode.Stop();
            var table = writers.NonEmpty.Single();
            bytes += table.TotalBytes;
            insert.Start();
            await client.InsertAsync(table, CancellationToken.None);
            insert.Stop();
            writers.Clear();
        }

        total.Stop();
        Assert.Equal(TotalRows.ToString(CultureInfo.InvariantCulture), (await client.QueryAsync($"SELECT count() FROM {client.Database}.otel_logs", CancellationToken.None)).Trim());
        output.WriteLine(
            $"{compress}: {TotalRows:N0} log rows in {total.Elapsed.TotalSeconds:0.00} s = {TotalRows / total.Elapsed.TotalSeconds:N0} rows/s " +
            $"(encode {encode.Elapsed.TotalSeconds:0.00} s = {TotalRows / encode.Elapsed.TotalSeconds:N0} rows/s, insert {insert.Elapsed.TotalSeconds:0.00} s; " +
            $"{bytes / TotalRows} RowBinary bytes/row, {RowsPerInsert:N0} rows per insert)");
    }
}
