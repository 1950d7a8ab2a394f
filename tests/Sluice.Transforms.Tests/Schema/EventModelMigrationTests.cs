using System.Globalization;
using Sluice.Testing;
using Sluice.Testing.DataSet;
using Sluice.Transforms.Schema;

namespace Sluice.Transforms.Tests.Schema;

[Collection(ClickHouseCollection.Name)]
public sealed class EventModelMigrationTests(ClickHouseServer server)
{
    private static readonly DateTime Start = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);

    private Task ApplyAsync(string db, int upToVersion = int.MaxValue) => EventLoader.MigrateAsync(server, db, upToVersion);

    private Task InsertAsync(string db, IEnumerable<GeneratedEvent> rows) => EventLoader.InsertAsync(server, db, rows);

    [Fact]
    public async Task Migrations_RerunAfterApplying_ChangeNothing()
    {
        // The migrator records each applied version and skips it next time; what must hold is that
        // a migration cut off before being recorded can run again: every statement of a
        // multi-statement migration re-runs safely, and 0002 is one atomic ALTER.
        string db = await server.CreateDatabaseAsync("model_rerun");
        await ApplyAsync(db);
        string columns = $"SELECT table, name, type, default_kind, default_expression FROM system.columns WHERE database = '{db}' ORDER BY table, name";
        string tables = $"SELECT name, engine FROM system.tables WHERE database = '{db}' ORDER BY name";
        string beforeColumns = await server.QueryAsync(columns);
        string beforeTables = await server.QueryAsync(tables);

        foreach (SchemaMigration migration in SchemaMigrations.Load(db))
        {
            if (migration.Requires.Count > 0 || (migration.Statements.Count == 1 && migration.Statements[0].StartsWith("ALTER", StringComparison.Ordinal)))
            {
                continue;
            }

            Assert.All(migration.Statements, s => Assert.DoesNotContain("ALTER", s, StringComparison.Ordinal));
            foreach (string statement in migration.Statements)
            {
                await server.ExecuteAsync(statement);
            }
        }

        Assert.Equal(beforeColumns, await server.QueryAsync(columns));
        Assert.Equal(beforeTables, await server.QueryAsync(tables));
        Assert.Contains("rollup_events_per_minute_mv\tMaterializedView", beforeTables, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migration0002_OverRowsOfTheFirstSchema_KeepsThemAndTypesThem()
    {
        string db = await server.CreateDatabaseAsync("model_upgrade");
        await ApplyAsync(db, upToVersion: 1);
        var rows = EventGenerator.Generate(seed: 7, count: 50, Start);
        await InsertAsync(db, rows);

        await ApplyAsync(db);

        Assert.Equal("50", (await server.QueryAsync($"SELECT count() FROM {db}.otel_logs")).Trim());
        string typed = await server.QueryAsync($"SELECT EventId, UserId, DeviceId, ServiceVersion, OsType, SessionSeq, SampleRate, EventKind, ErrorHandled FROM {db}.otel_logs ORDER BY EventId");
        string expected = string.Concat(rows.OrderBy(r => r.Index).Select(r =>
            $"{EventLoader.StoredId(r)}\t{r.UserId}\t{r.DeviceId}\t{r.Version}\t{r.OsType}\t{r.Seq}\t{r.SampleRate.ToString(CultureInfo.InvariantCulture)}\t{r.Kind}\t{(r.Handled ? 1 : 0)}\n"));
        Assert.Equal(expected, typed);
    }

    [Fact]
    public async Task Rollups_AfterSeveralInserts_AgreeWithRawRowsAndWithCSharp()
    {
        string db = await server.CreateDatabaseAsync("model_rollups");
        await ApplyAsync(db);
        var rows = EventGenerator.Generate(seed: 11, count: 6000, Start);
        foreach (var chunk in rows.Chunk(1500))
        {
            await InsertAsync(db, chunk);
        }

        // Events per minute, re-weighted.
        Assert.Equal(
            await server.QueryAsync($"SELECT Product, EventName, ServiceVersion, OsType, ReleaseChannel, toStartOfMinute(Timestamp) AS m, count(), round(sum(1 / SampleRate), 6) FROM {db}.otel_logs GROUP BY Product, EventName, ServiceVersion, OsType, ReleaseChannel, m ORDER BY Product, EventName, ServiceVersion, OsType, ReleaseChannel, m"),
            await server.QueryAsync($"SELECT Product, EventName, ServiceVersion, OsType, ReleaseChannel, Minute, sum(Events), round(sum(WeightedEvents), 6) FROM {db}.rollup_events_per_minute GROUP BY Product, EventName, ServiceVersion, OsType, ReleaseChannel, Minute ORDER BY Product, EventName, ServiceVersion, OsType, ReleaseChannel, Minute"));
        double weighted = rows.Sum(r => 1 / r.SampleRate);
        Assert.Equal(weighted, double.Parse(await server.QueryAsync($"SELECT sum(WeightedEvents) FROM {db}.rollup_events_per_minute"), CultureInfo.InvariantCulture), 6);

        // Daily active users and devices, against C#.
        string dau = string.Concat(rows
            .GroupBy(r => (r.Product, Day: r.Time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))
            .OrderBy(g => g.Key.Product, StringComparer.Ordinal).ThenBy(g => g.Key.Day, StringComparer.Ordinal)
            .Select(g => $"{g.Key.Product}\t{g.Key.Day}\t{g.Select(r => r.UserId).Where(u => u.Length > 0).Distinct().Count()}\t{g.Select(r => r.DeviceId).Distinct().Count()}\t{g.Count()}\n"));
        Assert.Equal(dau, await server.QueryAsync($"SELECT Product, Day, uniqExactIfMerge(Users), uniqExactIfMerge(Devices), countMerge(Events) FROM {db}.rollup_active_daily GROUP BY Product, Day ORDER BY Product, Day"));

        // Monthly actives from merged daily states equal the distinct users over the raw rows.
        Assert.Equal(
            await server.QueryAsync($"SELECT Product, uniqExactIf(UserId, UserId != '') FROM {db}.otel_logs GROUP BY Product ORDER BY Product"),
            await server.QueryAsync($"SELECT Product, uniqExactIfMerge(Users) FROM {db}.rollup_active_daily GROUP BY Product ORDER BY Product"));

        // Sessions: count and length.
        Assert.Equal(
            await server.QueryAsync($"SELECT Product, count(), sum(len), sum(n) FROM (SELECT Product, SessionId, max(TimestampNanos) - min(TimestampNanos) AS len, count() AS n FROM {db}.otel_logs WHERE SessionId != '' GROUP BY Product, SessionId) GROUP BY Product ORDER BY Product"),
            await server.QueryAsync($"SELECT Product, count(), sum(len), sum(n) FROM (SELECT Product, SessionId, maxMerge(End) - minMerge(Start) AS len, countMerge(Events) AS n FROM {db}.rollup_sessions GROUP BY Product, SessionId) GROUP BY Product ORDER BY Product"));

        // Errors and crash-free users.
        Assert.Equal(
            await server.QueryAsync($"SELECT Product, toDate(Timestamp) AS d, ServiceVersion, countIf(EventKind = 'error'), countIf(EventKind = 'error' AND ErrorHandled = 0), uniqExactIf(UserId, UserId != ''), uniqExactIf(UserId, UserId != '' AND EventKind = 'error' AND ErrorHandled = 0), uniqExactIf(SessionId, SessionId != '' AND EventKind = 'error' AND ErrorHandled = 0) FROM {db}.otel_logs GROUP BY Product, d, ServiceVersion ORDER BY Product, d, ServiceVersion"),
            await server.QueryAsync($"SELECT Product, Day, ServiceVersion, sumMerge(Errors), sumMerge(Crashes), uniqExactIfMerge(Users), uniqExactIfMerge(CrashUsers), uniqExactIfMerge(CrashSessions) FROM {db}.rollup_errors_daily GROUP BY Product, Day, ServiceVersion ORDER BY Product, Day, ServiceVersion"));
        int crashes = rows.Count(r => r.Kind == "error" && !r.Handled);
        Assert.Equal(crashes.ToString(CultureInfo.InvariantCulture), (await server.QueryAsync($"SELECT sumMerge(Crashes) FROM {db}.rollup_errors_daily")).Trim());

        // Ingestion delay.
        Assert.Equal(
            await server.QueryAsync($"SELECT Product, toStartOfMinute(ReceivedTimestamp) AS m, count(), quantilesTiming(0.5, 0.9, 0.99)(toUInt64(IngestionDelayNanos / 1000000)), max(IngestionDelayNanos) FROM {db}.otel_logs GROUP BY Product, m ORDER BY Product, m"),
            await server.QueryAsync($"SELECT Product, Minute, countMerge(Events), quantilesTimingMerge(0.5, 0.9, 0.99)(DelayMs), maxMerge(MaxDelayNanos) FROM {db}.rollup_ingestion_delay GROUP BY Product, Minute ORDER BY Product, Minute"));
        Assert.Equal(
            rows.Max(r => r.ReceivedNanos - r.TimeNanos).ToString(CultureInfo.InvariantCulture),
            (await server.QueryAsync($"SELECT maxMerge(MaxDelayNanos) FROM {db}.rollup_ingestion_delay")).Trim());
    }
}
