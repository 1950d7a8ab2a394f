namespace Sluice.Receiver.Spool;

internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Spool opened in {Directory}: {Segments} segment(s), {Bytes} bytes, reading from {Position}")]
    public static partial void Opened(ILogger logger, string directory, int segments, long bytes, SpoolPosition position);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Spool write of {Count} request(s) failed; they were refused, not acknowledged")]
    public static partial void WriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Spool segment {Segment} could not be deleted; it will be retried at the next commit")]
    public static partial void SegmentDeleteFailed(ILogger logger, long segment, Exception exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Spool checkpoint {Path} is unreadable; replaying the whole spool (storage deduplicates)")]
    public static partial void CheckpointUnreadable(ILogger logger, string path);
}
