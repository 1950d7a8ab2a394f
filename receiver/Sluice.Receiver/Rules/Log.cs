namespace Sluice.Receiver.Rules;

internal static partial class Log
{
    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Rules loaded from {Path}: {Count} rule(s), version {Version}")]
    public static partial void Loaded(ILogger logger, string path, int count, string version);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Rules reloaded from {Path}: {Count} rule(s), version {PreviousVersion} -> {Version}")]
    public static partial void Reloaded(ILogger logger, string path, int count, string previousVersion, string version);

    [LoggerMessage(EventId = 702, Level = LogLevel.Error, Message = "Rules file {Path} changed but is invalid; the rules of version {Version} stay in force. {Errors}")]
    public static partial void ReloadRefused(ILogger logger, string path, string version, string errors);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "Rules file {Path} cannot be watched for changes; it is checked every {Seconds} s instead")]
    public static partial void WatchFailed(ILogger logger, string path, double seconds, Exception exception);
}
