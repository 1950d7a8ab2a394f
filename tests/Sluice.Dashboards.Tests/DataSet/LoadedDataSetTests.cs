using System.Globalization;
using Sluice.Testing.DataSet;
using Xunit.Abstractions;

namespace Sluice.Dashboards.Tests.DataSet;

/// <summary>
/// The data model on the data set loaded through the real receiver (1M product events by default):
/// every rollup agrees with the same aggregate over the raw rows, every query of transforms/queries
/// agrees with the answer computed in C# from the generated events, and the storage and load figures
/// are printed (not asserted: they are measurements).
/// </summary>
[Collection(DashboardDataSetDefinition.Name)]
public sealed class LoadedDataSetTests(DashboardDataSet data, ITestOutputHelper output)
{
    private string Db => data.Database;

    private static string Product => DashboardDataSet.Product;

    private string FromDay => data.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private string ToDay => data.From.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Rollup_EventsPerMinute_AgreesWithRawRows() => await AssertSameAsync(
        $"SELECT EventName, ServiceVersion, OsType, ReleaseChannel, toStartOfMinute(Timestamp) AS m, count(), round(sum(1 / SampleRate), 3) FROM {Db}.otel_logs WHERE Product = '{Product}' GROUP BY EventName, ServiceVersion, OsType, ReleaseChannel, m ORDER BY EventName, ServiceVersion, OsType, ReleaseChannel, m",
        $"SELECT EventName, ServiceVersion, OsType, ReleaseChannel, Minute, sum(Events), round(sum(WeightedEvents), 3) FROM {Db}.rollup_events_per_minute WHERE Product = '{Product}' GROUP BY EventName, ServiceVersion, OsType, ReleaseChannel, Minute ORDER BY EventName, ServiceVersion, OsType, ReleaseChannel, Minute");

    [Fact]
    public async Task Rollup_ActiveDaily_AgreesWithRawRows()
    {
        await AssertSameAsync(
            $"SELECT toDate(Timestamp) AS d, uniqExactIf(UserId, UserId != ''), uniqExactIf(DeviceId, DeviceId != ''), count() FROM {Db}.otel_logs WHERE Product = '{Product}' GROUP BY d ORDER BY d",
            $"SELECT Day, uniqExactIfMerge(Users), uniqExactIfMerge(Devices), countMerge(Events) FROM {Db}.rollup_active_daily WHERE Product = '{Product}' GROUP BY Day ORDER BY Day");

        // Distinct users over the whole period from merged daily states.
        await AssertSameAsync(
            $"SELECT uniqExactIf(UserId, UserId != '') FROM {Db}.otel_logs WHERE Product = '{Product}'",
            $"SELECT uniqExactIfMerge(Users) FROM {Db}.rollup_active_daily WHERE Product = '{Product}'");
    }

    [Fact]
    public async Task Rollup_Sessions_AgreesWithRawRows() => await AssertSameAsync(
        $"SELECT count(), sum(len), sum(n) FROM (SELECT SessionId, max(TimestampNanos) - min(TimestampNanos) AS len, count() AS n FROM {Db}.otel_logs WHERE Product = '{Product}' AND SessionId != '' GROUP BY SessionId)",
        $"SELECT count(), sum(len), sum(n) FROM (SELECT SessionId, maxMerge(End) - minMerge(Start) AS len, countMerge(Events) AS n FROM {Db}.rollup_sessions WHERE Product = '{Product}' GROUP BY SessionId)");

    [Fact]
    public async Task Rollup_ErrorsDaily_AgreesWithRawRows() => await AssertSameAsync(
        $"SELECT toDate(Timestamp) AS d, ServiceVersion, countIf(EventKind = 'error'), countIf(EventKind = 'error' AND ErrorHandled = 0), uniqExactIf(UserId, UserId != ''), uniqExactIf(UserId, UserId != '' AND EventKind = 'error' AND ErrorHandled = 0), uniqExactIf(SessionId, SessionId != '' AND EventKind = 'error' AND ErrorHandled = 0) FROM {Db}.otel_logs WHERE Product = '{Product}' GROUP BY d, ServiceVersion ORDER BY d, ServiceVersion",
        $"SELECT Day, ServiceVersion, sumMerge(Errors), sumMerge(Crashes), uniqExactIfMerge(Users), uniqExactIfMerge(CrashUsers), uniqExactIfMerge(CrashSessions) FROM {Db}.rollup_errors_daily WHERE Product = '{Product}' GROUP BY Day, ServiceVersion ORDER BY Day, ServiceVersion");

    [Fact]
    public async Task Rollup_IngestionDelay_AgreesWithRawRows() => await AssertSameAsync(
        $"SELECT toStartOfMinute(ReceivedTimestamp) AS m, count(), quantilesTiming(0.5, 0.9, 0.99)(toUInt64(IngestionDelayNanos / 1000000)), max(IngestionDelayNanos) FROM {Db}.otel_logs WHERE Product = '{Product}' GROUP BY m ORDER BY m",
        $"SELECT Minute, countMerge(Events), quantilesTimingMerge(0.5, 0.9, 0.99)(DelayMs), maxMerge(MaxDelayNanos) FROM {Db}.rollup_ingestion_delay WHERE Product = '{Product}' GROUP BY Minute ORDER BY Minute");

    // ingestion_delay.sql is checked against raw rows below: its receive times are the receiver's clock here.
    public static TheoryData<string> LibraryFiles() => [.. QueryLibrary.Files.Where(f => f != "ingestion_delay.sql")];

    [Theory]
    [MemberData(nameof(LibraryFiles))]
    public async Task QueryLibrary_AgreesWithCSharp(string file)
    {
        var library = new QueryLibrary(data.ClickHouse, Db, Product, FromDay, ToDay);
        var expected = new QueryAnswers(data.Generated, FromDay, ToDay).For(file);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var actual = await library.RunAsync(file);
        output.WriteLine($"{file}: {actual.Count} rows in {clock.ElapsedMilliseconds} ms on {data.Events + data.HealthEvents:N0} log records");
        QueryLibrary.AssertTable(expected, actual);
    }

    // Receive times are the receiver's own clock, which C# does not know: the query is checked against raw rows.
    [Fact]
    public async Task QueryLibrary_IngestionDelay_AgreesWithRawRows()
    {
        var library = new QueryLibrary(data.ClickHouse, Db, Product, FromDay, ToDay);
        var actual = await library.RunAsync("ingestion_delay.sql");
        string raw = await data.ClickHouse.QueryAsync(
            $"SELECT toStartOfHour(ReceivedTimestamp) AS h, count() FROM {Db}.otel_logs " +
            $"WHERE Product = '{Product}' AND ReceivedTimestamp >= toDateTime('{FromDay} 00:00:00') AND ReceivedTimestamp < toDateTime('{ToDay} 00:00:00') + 86400 GROUP BY h ORDER BY h");
        Assert.NotEmpty(actual);
        Assert.Equal(
            raw.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[1]).Sum(long.Parse),
            actual.Sum(r => long.Parse(r[1], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Storage_BytesPerEvent_Printed()
    {
        string parts = await data.ClickHouse.QueryAsync(
            $"SELECT table, sum(rows), sum(data_compressed_bytes), sum(data_uncompressed_bytes) FROM system.parts WHERE database = '{Db}' AND active GROUP BY table ORDER BY table");
        long logs = 0;
        foreach (string line in parts.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] cells = line.Split('\t');
            long rows = long.Parse(cells[1], CultureInfo.InvariantCulture);
            long compressed = long.Parse(cells[2], CultureInfo.InvariantCulture);
            long raw = long.Parse(cells[3], CultureInfo.InvariantCulture);
            output.WriteLine($"{cells[0]}: {rows:N0} rows, {compressed:N0} bytes compressed ({(rows == 0 ? 0 : (double)compressed / rows):F1} per row), {raw:N0} uncompressed");
            if (cells[0] == "otel_logs")
            {
                logs = rows;
            }
        }

        output.WriteLine($"load: {data.Events + data.HealthEvents:N0} log records through the receiver (OTLP/JSON, gzip, 3 connections) until queryable in {data.LoadTime.TotalSeconds:F1} s, {(data.Events + data.HealthEvents) / data.LoadTime.TotalSeconds:N0} records/s (generation and encoding included)");
        Assert.True(logs >= data.Events + data.HealthEvents, $"otel_logs has {logs} rows in its parts, fewer than the {data.Events + data.HealthEvents} sent");
    }

    private async Task AssertSameAsync(string rawSql, string rollupSql)
    {
        string raw = await data.ClickHouse.QueryAsync(rawSql);
        string rollup = await data.ClickHouse.QueryAsync(rollupSql);
        Assert.False(string.IsNullOrWhiteSpace(raw), "the raw rows give nothing: the comparison would prove nothing");
        Assert.Equal(raw, rollup);
    }
}
