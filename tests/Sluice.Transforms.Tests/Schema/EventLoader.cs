using System.Globalization;
using System.Text;
using System.Text.Json;
using Sluice.Testing;
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

    public static async Task InsertAsync(ClickHouseServer server, string db, IEnumerable<Row> rows)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"INSERT INTO {db}.otel_logs ({WriterColumns}) FORMAT JSONEachRow\n");
        foreach (Row row in rows)
        {
            body.Append(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["EventId"] = row.EventId,
                ["Timestamp"] = row.Time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                ["TimestampNanos"] = row.TimeNanos,
                ["ReceivedTimestamp"] = row.Received.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                ["ReceivedTimestampNanos"] = row.ReceivedNanos,
                ["ClientSentNanos"] = row.ClientSentNanos,
                ["Product"] = row.Product,
                ["EventName"] = row.EventName,
                ["ResourceAttributesKeys"] = row.Resource.Keys.ToArray(),
                ["ResourceAttributesValues"] = row.Resource.Values.ToArray(),
                ["LogAttributesKeys"] = row.Attributes.Keys.ToArray(),
                ["LogAttributesValues"] = row.Attributes.Values.ToArray(),
            }));
            body.Append('\n');
        }

        await server.ExecuteAsync(body.ToString());
    }
}
