using System.Diagnostics.Tracing;

namespace Sluice.Sdk.Diagnostics;

/// <summary>
/// The SDK's self-diagnostics. An EventSource rather than an ILogger because the SDK sits inside
/// the logging pipeline: logging its own failures through it could loop. Listen with
/// <c>dotnet-trace</c> or an EventListener on "Sluice-Sdk".
/// </summary>
[EventSource(Name = "Sluice-Sdk")]
internal sealed class SluiceEventSource : EventSource
{
    public static readonly SluiceEventSource Log = new();

    [Event(1, Level = EventLevel.Warning, Message = "Installation identity not persisted in {0}: {1}")]
    public void IdentityNotPersisted(string folder, string error) => WriteEvent(1, folder, error);

    [Event(2, Level = EventLevel.Warning, Message = "Channel {0}: transient failure ({1}), retrying in {2} ms")]
    public void TransientFailure(string channel, string reason, long delayMs) => WriteEvent(2, channel, reason, delayMs);

    [Event(3, Level = EventLevel.Error, Message = "Channel {0}: permanent failure ({1}); {2} event(s) dropped")]
    public void PermanentFailure(string channel, string reason, int events) => WriteEvent(3, channel, reason, events);

    [Event(4, Level = EventLevel.Warning, Message = "Offline store: {0} is corrupt or truncated and was skipped")]
    public void CorruptFile(string path) => WriteEvent(4, path);

    [Event(5, Level = EventLevel.Error, Message = "Offline store: writing {0} failed: {1}")]
    public void StoreWriteFailed(string path, string error) => WriteEvent(5, path, error);

    [Event(6, Level = EventLevel.Warning, Message = "Rules: fetch from {0} failed: {1}")]
    public void RulesFetchFailed(string endpoint, string error) => WriteEvent(6, endpoint, error);

    [Event(7, Level = EventLevel.Warning, Message = "Rules: {0} could not be used: {1}")]
    public void RulesUnusable(string source, string error) => WriteEvent(7, source, error);

    [Event(8, Level = EventLevel.Error, Message = "Unexpected error in {0}: {1}")]
    public void Unexpected(string where, string error) => WriteEvent(8, where, error);
}
