using System.Globalization;
using Sluice.Receiver.Configuration;

namespace Sluice.Receiver.ClickHouse;

/// <summary>
/// Deletes data older than each table's retention by dropping whole day partitions: the
/// portable stand-in for <c>TTL</c>, which 18.16 lacks. Retention comes from
/// <c>retention.days</c> by table name, else its <c>default</c> entry; 0 keeps forever. A
/// partition is dropped once its whole day is older than the limit (days are the server's
/// dates, so the cut may move by a few hours with the server's time zone).
/// </summary>
internal sealed class RetentionJob
{
    private const string DefaultKey = "default";

    private readonly ClickHouseClient _client;
    private readonly IReadOnlyDictionary<string, int> _retentionDays;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RetentionJob(ClickHouseClient client, ClickHouseExporterConfig config, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        _client = client;
        _retentionDays = config.RetentionDays;
        _time = time;
        _logger = logger;
    }

    /// <summary>Drops every expired partition of every table in the database; returns how many were dropped.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        string db = _client.Database;

        // partition_id of a toDate(...) partition key is the day as YYYYMMDD on every server version.
        string tsv = await _client.QueryAsync(
            $"SELECT DISTINCT table, partition_id FROM system.parts WHERE database = '{db}' AND active ORDER BY table, partition_id FORMAT TSV",
            ct);
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        int dropped = 0;
        foreach (string line in tsv.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab <= 0)
            {
                continue;
            }

            string table = line[..tab];
            string partition = line[(tab + 1)..];
            int days = DaysFor(table);
            if (days <= 0
                || table == SchemaMigrator.MigrationsTable
                || !DateOnly.TryParseExact(partition, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                || day.AddDays(days) >= today)
            {
                continue;
            }

            try
            {
                await _client.ExecuteAsync($"ALTER TABLE {db}.{table} DROP PARTITION ID '{partition}'", ct);
                Log.PartitionDropped(_logger, db, table, partition, days);
                dropped++;
            }
            catch (ClickHouseException ex)
            {
                // One stuck partition must not keep the others: the next run tries again.
                Log.PartitionDropFailed(_logger, db, table, partition, ex);
            }
        }

        return dropped;
    }

    private int DaysFor(string table) =>
        _retentionDays.TryGetValue(table, out int days) ? days
        : _retentionDays.TryGetValue(DefaultKey, out int fallback) ? fallback
        : 0;
}
