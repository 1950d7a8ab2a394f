using System.Globalization;
using Sluice.Transforms.Schema;

namespace Sluice.Receiver.ClickHouse;

/// <summary>
/// Brings the database up to the newest schema: creates it, then applies the embedded
/// migrations it has not recorded in <c>schema_migrations</c>, in version order. Every
/// statement is written to be safe to re-run (<c>IF NOT EXISTS</c>), so a migration cut off
/// half way, or two receivers migrating at once, end in the same schema.
/// </summary>
internal static class SchemaMigrator
{
    public const string MigrationsTable = "schema_migrations";

    /// <summary>Applies the missing migrations; returns how many were applied (0 when up to date).</summary>
    public static async Task<int> MigrateAsync(ClickHouseClient client, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(logger);
        string db = client.Database;
        await client.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {db}", ct);
        await client.ExecuteAsync(
            $"CREATE TABLE IF NOT EXISTS {db}.{MigrationsTable} (Version UInt32, Name String, AppliedAt DateTime) " +
            "ENGINE = ReplacingMergeTree ORDER BY Version",
            ct);

        var applied = await AppliedVersionsAsync(client, ct);
        int count = 0;
        int newest = 0;
        foreach (var migration in SchemaMigrations.Load(db))
        {
            newest = migration.Version;
            if (applied.Contains(migration.Version))
            {
                continue;
            }

            foreach (string statement in migration.Statements)
            {
                await client.ExecuteAsync(statement, ct);
            }

            // Recorded only after every statement succeeded: a failed migration is retried whole next start.
            await client.ExecuteAsync(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"INSERT INTO {db}.{MigrationsTable} (Version, Name, AppliedAt) VALUES ({migration.Version}, '{migration.Name.Replace("'", "\\'", StringComparison.Ordinal)}', now())"),
                ct);
            Log.MigrationApplied(logger, migration.Version, migration.Name, db);
            count++;
        }

        if (count == 0)
        {
            Log.SchemaUpToDate(logger, db, newest);
        }

        return count;
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(ClickHouseClient client, CancellationToken ct)
    {
        string tsv = await client.QueryAsync($"SELECT DISTINCT Version FROM {client.Database}.{MigrationsTable} FORMAT TSV", ct);
        var versions = new HashSet<int>();
        foreach (string line in tsv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            versions.Add(int.Parse(line, CultureInfo.InvariantCulture));
        }

        return versions;
    }
}
