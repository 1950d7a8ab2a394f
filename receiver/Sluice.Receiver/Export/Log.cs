namespace Sluice.Receiver.Export;

internal static partial class Log
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "ClickHouse schema ready in database {Database} ({Applied} migration(s) applied now)")]
    public static partial void SchemaReady(ILogger logger, string database, int applied);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "ClickHouse call failed (attempt {Attempt}); retrying in {Delay}; the spool keeps accepting meanwhile")]
    public static partial void InsertRetry(ILogger logger, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Shutting down with {Rows} row(s) not inserted; they stay in the spool and are sent after the next start")]
    public static partial void ShutdownFlushAbandoned(ILogger logger, long rows);

    [LoggerMessage(EventId = 203, Level = LogLevel.Error, Message = "Spool segment {Segment} is damaged ({What}); the rest of that segment is skipped")]
    public static partial void SpoolCorruption(ILogger logger, long segment, string what);

    [LoggerMessage(EventId = 204, Level = LogLevel.Error, Message = "Spool record before {Position} could not be decoded or transformed; it was moved to {File} (re-send it with curl once fixed)")]
    public static partial void RecordDeadLettered(ILogger logger, string position, string file, Exception exception);

    [LoggerMessage(EventId = 205, Level = LogLevel.Information, Message = "Retention dropped {Partitions} partition(s)")]
    public static partial void RetentionDropped(ILogger logger, int partitions);

    [LoggerMessage(EventId = 206, Level = LogLevel.Warning, Message = "Retention run failed; it is tried again at the next interval")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);
}
