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
        "otel_metrics_sum", "otel_metrics_summary", "otel_traces", "schema_migrations",
    ];

    [Fact]
    public async Task MigrateAsync_FreshDatabase_CreatesDatabaseTablesAndRecordsEveryMigration()
    {
        // A database that does not exist yet: the migrator creates it.
        string db = "fresh_" + Guid.NewGuid().ToString("N")[..10];
        using var client = new ClickHouseClient(TestBatches.Config(server, db));

        int applied = await SchemaMigrator.MigrateAsync(client, NullLogger.Instance, CancellationToken.None);

        var migrations = SchemaMigrations.Load(db);
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
        Assert.Equal("1", (await server.QueryAsync($"SELECT count() FROM {db}.schema_migrations")).Trim());
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

        Assert.Equal(1, applied);
        Assert.Equal(Tables, Lines(await server.QueryAsync($"SHOW TABLES FROM {db}")));
    }

    private static string[] Lines(string tsv) => tsv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
