using System.Globalization;

namespace Sluice.Testing.DataSet;

/// <summary>
/// One generated product event: the fields tests check, and its attributes as a client would
/// send them. Kept small (strings shared between the events of a device and session) so that a
/// million fit in memory.
/// </summary>
public sealed class GeneratedEvent
{
    public required long Index { get; init; }

    /// <summary>The product bound to the API key the event is sent with.</summary>
    public required string Product { get; init; }

    public required GeneratedDevice Device { get; init; }

    public required string SessionId { get; init; }

    public required int Seq { get; init; }

    public required string EventName { get; init; }

    /// <summary>Part B kind (<c>error</c>, <c>page_view</c>) or empty.</summary>
    public required string Kind { get; init; }

    /// <summary>For errors: whether the app carried on (an unhandled error is a crash).</summary>
    public required bool Handled { get; init; }

    public required double SampleRate { get; init; }

    public required ulong TimeNanos { get; init; }

    /// <summary>When the receiver got it; set by direct inserts, unknown (0) for events sent through a receiver.</summary>
    public ulong ReceivedNanos { get; init; }

    public string EventId => Index.ToString("x32", CultureInfo.InvariantCulture);

    public DateTime Time => DateTime.UnixEpoch.AddSeconds(TimeNanos / 1_000_000_000);

    public DateTime Received => DateTime.UnixEpoch.AddSeconds(ReceivedNanos / 1_000_000_000);

    public string UserId => Device.UserId;

    public string DeviceId => Device.DeviceId;

    public string Version => Device.Version;

    public string OsType => Device.OsType;

    public string Channel => Device.Channel;

    /// <summary>The resource attributes, as the SDK sends them once per request.</summary>
    public IEnumerable<KeyValuePair<string, string>> ResourceAttributes() => Device.ResourceAttributes;

    /// <summary>The record's attributes, as the SDK sends them.</summary>
    public IEnumerable<KeyValuePair<string, string>> RecordAttributes()
    {
        yield return new("event.id", EventId);
        yield return new("sluice.schema.version", "2");
        yield return new("session.id", SessionId);
        yield return new("sluice.session.seq", Seq.ToString(CultureInfo.InvariantCulture));
        yield return new("sluice.sample_rate", SampleRate.ToString(CultureInfo.InvariantCulture));
        if (UserId.Length > 0)
        {
            yield return new("user.id", UserId);
        }

        if (Kind.Length > 0)
        {
            yield return new("sluice.event.kind", Kind);
        }

        if (Kind == "error")
        {
            yield return new("exception.type", "System.InvalidOperationException");
            yield return new("exception.message", "Ünïcode message 😀");
            yield return new("sluice.error.handled", Handled ? "true" : "false");
        }
    }
}

/// <summary>One installation: its id, its user (empty for users who never signed in), and its Part A resource.</summary>
public sealed class GeneratedDevice
{
    public required string Service { get; init; }

    public required string DeviceId { get; init; }

    public required string UserId { get; init; }

    public required string Version { get; init; }

    public required string OsType { get; init; }

    public required string Channel { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> ResourceAttributes { get; init; }
}
