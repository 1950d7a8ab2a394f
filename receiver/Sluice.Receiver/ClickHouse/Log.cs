namespace Sluice.Receiver.ClickHouse;

internal static partial class Log
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Applied ClickHouse migration {Version} ({Name}) to {Database}")]
    public static partial void MigrationApplied(ILogger logger, int version, string name, string database);

    [LoggerMessage(EventId = 204, Level = LogLevel.Information, Message = "Skipped ClickHouse migration {Version} ({Name}) on {Database}: the server lacks {Feature}; it applies after an upgrade")]
    public static partial void MigrationSkipped(ILogger logger, int version, string name, string database, string feature);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "ClickHouse schema of {Database} is up to date at version {Version}")]
    public static partial void SchemaUpToDate(ILogger logger, string database, int version);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Retention dropped partition {Partition} of {Database}.{Table} (older than {Days} days)")]
    public static partial void PartitionDropped(ILogger logger, string database, string table, string partition, int days);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Retention could not drop partition {Partition} of {Database}.{Table}")]
    public static partial void PartitionDropFailed(ILogger logger, string database, string table, string partition, Exception exception);
}
