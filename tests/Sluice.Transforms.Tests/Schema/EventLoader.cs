using System.Globalization;
using System.Text;
using System.Text.Json;
using Sluice.Testing;
using Sluice.Testing.DataSet;
using Sluice.Transforms.Schema;

namespace Sluice.Transforms.Tests.Schema;

/// <summary>Applies the shipped migrations and inserts generated events the way the receiver's writer does (an explicit column list).</summary>
internal static class EventLoader
{
    // The columns the receiver's writer sends (TableWriterSet's log columns as of migration 0001):
    // the typed columns of 0002 are left to their DEFAULTs, as in production.
    private const string WriterColumns =
        "EventId, Timestamp, TimestampNanos, ReceivedTimestamp, ReceivedTimestampNanos, ClientSentNanos, Product, EventName, " +
        "ResourceAttributesKeys, ResourceAttributesValues, LogAttributesKeys, LogAttributesValues";

    /// <summary>The 16 characters stored as the row's EventId (FixedString(16)) by direct inserts.</summary>
    public static string StoredId(GeneratedEvent row) => row.Index.ToString("D16", CultureInfo.InvariantCulture);

    public static async Task MigrateAsync(ClickHouseServer server, string db, int upToVersion = int.MaxValue)
    {
        foreach (SchemaMigration migration in SchemaMigrations.Load(db))
        {
            if (migration.Version > upToVersion || migration.Requires.Count > 0)
            {
                continue;
            }

            foreach (string statement in migration.Statements)
            {
                await server.ExecuteAsync(statement);
            }
        }
    }

    public static async Task InsertAsync(ClickHouseServer server, string db, IEnumerable<GeneratedEvent> rows)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"INSERT INTO {db}.otel_logs ({WriterColumns}) FORMAT JSONEachRow\n");
        foreach (GeneratedEvent row in rows)
        {
            body.Append(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["EventId"] = StoredId(row),
                ["Timestamp"] = row.Time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                ["TimestampNanos"] = row.TimeNanos,
                ["ReceivedTimestamp"] = row.Received.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                ["ReceivedTimestampNanos"] = row.ReceivedNanos,
                ["ClientSentNanos"] = row.ReceivedNanos - 1_000_000,
                ["Product"] = row.Product,
                ["EventName"] = row.EventName,
                ["ResourceAttributesKeys"] = row.ResourceAttributes().Select(a => a.Key).ToArray(),
                ["ResourceAttributesValues"] = row.ResourceAttributes().Select(a => a.Value).ToArray(),
                ["LogAttributesKeys"] = row.RecordAttributes().Select(a => a.Key).ToArray(),
                ["LogAttributesValues"] = row.RecordAttributes().Select(a => a.Value).ToArray(),
            }));
            body.Append('\n');
        }

        await server.ExecuteAsync(body.ToString());
    }
}
