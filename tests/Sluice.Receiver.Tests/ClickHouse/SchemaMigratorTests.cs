using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Receiver.ClickHouse;
using Sluice.Testing;
using Sluice.Transforms.Schema;

namespace Sluice.Receiver.Tests.ClickHouse;

[Collection(ClickHouseCollection.Name)]
public sealed class SchemaMigratorTests(ClickHouseServer server)
{
    private static readonly string[] Tables =
    [
        "otel_logs", "otel_metrics_exponential_histogram", "otel_metrics_gauge", "otel_metrics_histogram",
        "otel_metrics_sum", "otel_metrics_summary", "otel_traces",
        "rollup_active_daily", "rollup_active_daily_mv", "rollup_errors_daily", "rollup_errors_daily_mv",
        "rollup_events_per_minute", "rollup_events_per_minute_mv", "rollup_ingestion_delay", "rollup_ingestion_delay_mv",
        "rollup_sessions", "rollup_sessions_mv", "schema_migrations",
    ];

    // The shipped migrations a server gets: those requiring Map (e.g. 0004_map_aliases) are skipped on 18.16.
    private static List<SchemaMigration> Applicable(string db, bool hasMap) =>
        [.. SchemaMigrations.Load(db).Where(m => hasMap || !m.Requires.Contains("map"))];

    [Fact]
    public async Task MigrateAsync_FreshDatabase_CreatesDatabaseTablesAndRecordsEveryMigration()
    {
        // A database that does not exist yet: the migrator creates it.
        string db = "fresh_" + Guid.NewGuid().ToString("N")[..10];
        using var client = new ClickHouseClient(TestBatches.Config(server, db));

        int applied = await SchemaMigrator.MigrateAsync(client, NullLogger.Instance, CancellationToken.None);

        var migrations = Applicable(db, await HasMapAsync());
        Assert.Equal(migrations.Count, applied);
        Assert.Equal(Tables, Lines(await server.QueryAsync($"SHOW TABLES FROM {db}")));
        Assert.Equal(
            migrations.Select(m => $"{m.Version}\t{m.Name}"),
            Lines(await server.QueryAsync($"SELECT Version, Name FROM {db}.schema_migrations ORDER BY Version")));
    }

    [Fact]
    public async Task MigrateAsync_Twice_SecondAppliesNothingAndChangesNothing()
    {
        string db = await server.CreateDatabaseAsync("again");
        using var client = new ClickHouseClient(TestBatches.Config(server, db));
        await SchemaMigrator.MigrateAsync(client, NullLogger.Instance, CancellationToken.None);
        string before = await server.QueryAsync($"SELECT table, name, type FROM system.columns WHERE database = '{db}' ORDER BY table, name");

        int second = await SchemaMigrator.MigrateAsync(client, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(0, second);
        Assert.Equal(before, await server.QueryAsync($"SELECT table, name, type FROM system.columns WHERE database = '{db}' ORDER BY table, name"));
        Assert.Equal(Applicable(db, await HasMapAsync()).Count.ToString(System.Globalization.CultureInfo.InvariantCulture), (await server.QueryAsync($"SELECT count() FROM {db}.schema_migrations")).Trim());
    }

    [Fact]
    public async Task MigrateAsync_TablesLeftByAnInterruptedRun_CompletesWithoutError()
    {
        // Statements ran but the run died before recording the version: re-running must succeed.
        string db = await server.CreateDatabaseAsync("interrupted");
        foreach (string statement in SchemaMigrations.Load(db)[0].Statements.Take(2))
        {
            await server.ExecuteAsync(statement);
        }

        using var client = new ClickHouseClient(TestBatches.Config(server, db));
        int applied = await SchemaMigrator.MigrateAsync(client, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(Applicable(db, await HasMapAsync()).Count, applied);
        Assert.Equal(Tables, Lines(await server.QueryAsync($"SHOW TABLES FROM {db}")));
    }

    [Fact]
    public async Task MigrateAsync_MigrationRequiringMapOn1816_SkippedUnrecordedOthersApplied()
    {
        string db = await server.CreateDatabaseAsync("requires");
        IReadOnlyList<SchemaMigration> migrations =
        [
            SchemaMigrations.Parse("0001_plain", "CREATE TABLE {database}.plain (x UInt8) ENGINE = MergeTree ORDER BY x", db),
            SchemaMigrations.Parse("0002_map", "-- requires: map\nCREATE TABLE {database}.with_map (m Map(String, String)) ENGINE = Memory\n;\n", db),
            SchemaMigrations.Parse("0003_after", "CREATE TABLE {database}.after (x UInt8) ENGINE = MergeTree ORDER BY x", db),
        ];
        Assert.Equal(["map"], migrations[1].Requires);
        using var client = new ClickHouseClient(TestBatches.Config(server, db));
        bool hasMap = await HasMapAsync();

        int applied = await SchemaMigrator.MigrateAsync(client, migrations, NullLogger.Instance, CancellationToken.None);
        int again = await SchemaMigrator.MigrateAsync(client, migrations, NullLogger.Instance, CancellationToken.None);

        // The test servers here are 18.16 (no Map); on a newer server all three apply.
        Assert.Equal(hasMap ? 3 : 2, applied);
        Assert.Equal(0, again);
        Assert.Equal(hasMap ? ["1", "2", "3"] : ["1", "3"], Lines(await server.QueryAsync($"SELECT Version FROM {db}.schema_migrations ORDER BY Version")));
        Assert.Equal(hasMap ? ["after", "plain", "schema_migrations", "with_map"] : ["after", "plain", "schema_migrations"], Lines(await server.QueryAsync($"SHOW TABLES FROM {db}")));
    }

    [Fact]
    public async Task MigrateAsync_UnknownRequiredFeature_Throws()
    {
        string db = await server.CreateDatabaseAsync("unknownfeature");
        using var client = new ClickHouseClient(TestBatches.Config(server, db));
        IReadOnlyList<SchemaMigration> migrations = [SchemaMigrations.Parse("0001_x", "-- requires: telepathy\nSELECT 1", db)];

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => SchemaMigrator.MigrateAsync(client, migrations, NullLogger.Instance, CancellationToken.None));

        Assert.Contains("telepathy", ex.Message, StringComparison.Ordinal);
    }

    private async Task<bool> HasMapAsync()
    {
        try
        {
            await server.QueryAsync("SELECT mapFromArrays(['k'], ['v'])");
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string[] Lines(string tsv) => tsv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
