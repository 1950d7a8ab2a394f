using System.Diagnostics;
using System.Net.Http.Headers;
using Sluice.Receiver.ClickHouse;
using Sluice.Receiver.Export;
using Sluice.Testing;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Benchmarks;

/// <summary>The ClickHouse-alone figure: rows/s of RowBinary inserts with no receiver.</summary>
public sealed record CeilingResult
{
    public long Rows { get; init; }

    public int Inserts { get; init; }

    /// <summary>Rows per insert, on average.</summary>
    public int RowsPerInsert { get; init; }

    public double RowBinaryMiB { get; init; }

    /// <summary>How the inserts were compressed: as the receiver under test compresses its own (gzip or none).</summary>
    public string Compression { get; init; } = string.Empty;

    public double CompressedMiB { get; init; }

    /// <summary>One insert at a time (as the receiver does).</summary>
    public double SequentialSeconds { get; init; }

    public double SequentialRowsPerSecond { get; init; }

    /// <summary>Two inserts at a time.</summary>
    public double ParallelSeconds { get; init; }

    public double ParallelRowsPerSecond { get; init; }

    /// <summary>ClickHouse's CPU-seconds per million rows over the one-at-a-time inserts (0 when its process was not found).</summary>
    public double SequentialClickHouseCpuPerMillion { get; init; }

    /// <summary>ClickHouse's CPU-seconds per million rows over the two-at-a-time inserts (0 when its process was not found).</summary>
    public double ParallelClickHouseCpuPerMillion { get; init; }

    /// <summary>The higher of the two: the ceiling the receiver is compared with.</summary>
    public double RowsPerSecond => Math.Max(SequentialRowsPerSecond, ParallelRowsPerSecond);
}

/// <summary>
/// The same rows the receiver wrote (the load generator's requests, decoded and transformed by the
/// receiver's own code, encoded by its own <see cref="TableWriterSet"/>) inserted straight into a fresh
/// database with the same schema (the receiver's migrations), as RowBinary compressed up front the way
/// the receiver compresses its inserts (the shipped config's <c>compress</c>), in batches ended where
/// the receiver's exporter ends them (<c>send_batch_size</c> rows or its byte bound). Only the inserts are timed: this is what
/// ClickHouse alone takes on this machine, the ceiling the end-to-end figure is measured against.
/// </summary>
internal static class Ceiling
{
    // asExporter: batches end where the exporter ends them (rowsPerInsert rows or its byte bound),
    // otherwise at exactly rowsPerInsert rows (the ceiling verb, to compare insert sizes).
    public static async Task<CeilingResult> MeasureAsync(ClickHouseServer clickHouse, string run, int runNumber, int requests, int eventsPerRequest, EventShape shape, int rowsPerInsert, bool asExporter)
    {
        var pipeline = RowPipeline.Create();
        string compression = RowPipeline.ShippedCompression();
        bool gzip = compression == "gzip";
        var bodies = new List<byte[]>();
        long rowBinary = 0;
        string columns = string.Empty;

        // Writers as the exporter makes them: with gzip they compress the rows as they fill.
        using (var writers = new TableWriterSet(gzip))
        {
            var batch = new TelemetryBatch();
            ulong received = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
            for (int r = 0; r < requests; r++)
            {
                pipeline.Decode(Workload.Request(run, runNumber, r, eventsPerRequest, shape), batch, received);
                pipeline.Transform(batch);
                writers.Append(batch);
                bool full = asExporter ? ClickHouseExporter.IsFull(writers, rowsPerInsert) : writers.PendingRows >= rowsPerInsert;
                if (full || r == requests - 1)
                {
                    foreach (var table in writers.NonEmpty)
                    {
                        if (table.Table != TableWriterSet.LogsTable)
                        {
                            throw new InvalidOperationException($"unexpected rows for {table.Table}");
                        }

                        columns = table.Columns;
                        rowBinary += table.TotalBytes;
                        bodies.Add(table.Body().ToArray());
                    }

                    writers.Clear();
                }
            }
        }

        long rows = (long)requests * eventsPerRequest;
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };

        // Every body into a fresh database, `atOnce` inserts in flight: seconds and ClickHouse CPU-seconds.
        async Task<(string Db, double Seconds, double Cpu)> InsertAllAsync(string prefix, int atOnce)
        {
            string db = await MigratedDatabaseAsync(clickHouse, prefix);
            int next = -1;
            double cpu = ProcCpu.ClickHouseSeconds(clickHouse);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, atOnce).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < bodies.Count)
                {
                    await InsertAsync(http, clickHouse.Url, db, columns, bodies[i], gzip);
                }
            }));
            return (db, clock.Elapsed.TotalSeconds, ProcCpu.ClickHouseSeconds(clickHouse) - cpu);
        }

        var (sequentialDb, sequential, sequentialCpu) = await InsertAllAsync("ceiling_seq", 1);
        var (parallelDb, parallel, parallelCpu) = await InsertAllAsync("ceiling_par", 2);

        foreach (string db in new[] { sequentialDb, parallelDb })
        {
            string count = (await clickHouse.QueryAsync($"SELECT count() FROM {db}.otel_logs")).Trim();
            if (long.Parse(count, System.Globalization.CultureInfo.InvariantCulture) != rows)
            {
                throw new InvalidOperationException($"the ceiling inserted {count} rows into {db}, expected {rows}");
            }

            await clickHouse.ExecuteAsync($"DROP DATABASE {db}");
        }

        return new CeilingResult
        {
            Rows = rows,
            Inserts = bodies.Count,
            RowsPerInsert = (int)Math.Round((double)rows / bodies.Count),
            RowBinaryMiB = rowBinary / 1048576.0,
            Compression = compression,
            CompressedMiB = bodies.Sum(b => (long)b.Length) / 1048576.0,
            SequentialSeconds = sequential,
            SequentialRowsPerSecond = rows / sequential,
            ParallelSeconds = parallel,
            ParallelRowsPerSecond = rows / parallel,
            SequentialClickHouseCpuPerMillion = sequentialCpu / rows * 1e6,
            ParallelClickHouseCpuPerMillion = parallelCpu / rows * 1e6,
        };
    }

    /// <summary>
    /// The <c>ceiling</c> verb: the ceiling alone, against a private ClickHouse, for each insert size
    /// given (default 100 000 rows and 50 000), to see what the size of an insert is worth to
    /// ClickHouse on this machine; of typical events, or of the shape named by <c>--shape</c>.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var shape = EventShape.Typical;
        if (Array.IndexOf(args, "--shape") is int at and >= 0)
        {
            if (at + 1 >= args.Length || !Enum.TryParse(args[at + 1], ignoreCase: true, out shape))
            {
                await Console.Error.WriteLineAsync($"ceiling: --shape takes one of {string.Join(", ", Enum.GetNames<EventShape>())}");
                return 2;
            }

            args = [.. args[..at], .. args[(at + 2)..]];
        }

        int requests = args.Length > 0 ? int.Parse(args[0], c) : 1000;
        int[] sizes = args.Length > 1 ? args[1..].Select(a => int.Parse(a, c)).ToArray() : [100_000, 50_000];
        using var clickHouse = new ClickHouseServer();
        await clickHouse.StartAsync();
        Console.WriteLine($"ceiling: {requests} {shape.ToString().ToLowerInvariant()} requests of 1000 events, ClickHouse {(await clickHouse.QueryAsync("SELECT version()")).Trim()}, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("rows/insert  MiB/insert  inserts  one at a time rows/s  CH CPU-s/M  two at a time rows/s  CH CPU-s/M");
        foreach (int size in sizes)
        {
            var r = await MeasureAsync(clickHouse, "ceiling", 1, requests, 1000, shape, size, asExporter: false);
            Console.WriteLine(string.Create(c, $"{size,11} {r.RowBinaryMiB / r.Inserts,11:F1} {r.Inserts,8} {r.SequentialRowsPerSecond,21:F0} {r.SequentialClickHouseCpuPerMillion,11:F1} {r.ParallelRowsPerSecond,20:F0} {r.ParallelClickHouseCpuPerMillion,11:F1}"));
        }

        return 0;
    }

    private static async Task<string> MigratedDatabaseAsync(ClickHouseServer clickHouse, string prefix)
    {
        string db = await clickHouse.CreateDatabaseAsync(prefix);
        using var client = new ClickHouseClient(new Configuration.ClickHouseExporterConfig { Endpoint = clickHouse.Url, Database = db });
        await SchemaMigrator.MigrateAsync(client, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        return db;
    }

    private static async Task InsertAsync(HttpClient http, string url, string db, string columns, byte[] body, bool gzip)
    {
        string sql = $"INSERT INTO {db}.{TableWriterSet.LogsTable} ({columns}) FORMAT RowBinary";
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (gzip)
        {
            content.Headers.ContentEncoding.Add("gzip");
        }

        using var response = await http.PostAsync(new Uri(url + "/?query=" + Uri.EscapeDataString(sql)), content);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"ClickHouse refused the ceiling insert ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync()}");
        }
    }
}
