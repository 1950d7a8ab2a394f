using System.Globalization;
using Sluice.Transforms.Schema;

namespace Sluice.Receiver.ClickHouse;

/// <summary>
/// Brings the database up to the newest schema: creates it, then applies the embedded
/// migrations it has not recorded in <c>schema_migrations</c>, in version order. Every
/// statement is written to be safe to re-run (<c>IF NOT EXISTS</c>), so a migration cut off
/// half way, or two receivers migrating at once, end in the same schema. A migration that
/// requires a feature the server lacks is skipped and not recorded, so it must only add extras
/// (e.g. Map aliases) that later migrations and the writer do not depend on.
/// </summary>
internal static class SchemaMigrator
{
    public const string MigrationsTable = "schema_migrations";

    // A feature a migration may require (-- requires: name), and a query that fails on servers without it.
    private static readonly Dictionary<string, string> FeatureProbes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["map"] = "SELECT mapFromArrays(['k'], ['v'])",
    };

    /// <summary>Applies the missing migrations; returns how many were applied (0 when up to date).</summary>
    public static Task<int> MigrateAsync(ClickHouseClient client, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        return MigrateAsync(client, SchemaMigrations.Load(client.Database), logger, ct);
    }

    /// <summary>Applies the missing ones of <paramref name="migrations"/> (in order); tests pass their own.</summary>
    internal static async Task<int> MigrateAsync(ClickHouseClient client, IReadOnlyList<SchemaMigration> migrations, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(migrations);
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
        var features = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        foreach (var migration in migrations)
        {
            if (applied.Contains(migration.Version))
            {
                newest = migration.Version;
                continue;
            }

            string? missing = await MissingFeatureAsync(client, migration, features, ct);
            if (missing is not null)
            {
                // Not recorded: the same migration applies on the first start after a server upgrade.
                Log.MigrationSkipped(logger, migration.Version, migration.Name, db, missing);
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
            newest = migration.Version;
            count++;
        }

        if (count == 0)
        {
            Log.SchemaUpToDate(logger, db, newest);
        }

        return count;
    }

    private static async Task<string?> MissingFeatureAsync(ClickHouseClient client, SchemaMigration migration, Dictionary<string, bool> known, CancellationToken ct)
    {
        foreach (string feature in migration.Requires)
        {
            if (!known.TryGetValue(feature, out bool present))
            {
                if (!FeatureProbes.TryGetValue(feature, out string? probe))
                {
                    throw new InvalidOperationException($"Migration {migration.Version} ({migration.Name}) requires unknown feature '{feature}'; known: {string.Join(", ", FeatureProbes.Keys)}.");
                }

                try
                {
                    await client.QueryAsync(probe, ct);
                    present = true;
                }
                catch (ClickHouseException ex) when (!ex.IsTransient)
                {
                    present = false;
                }

                known[feature] = present;
            }

            if (!present)
            {
                return feature;
            }
        }

        return null;
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
