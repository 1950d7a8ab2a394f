namespace Sluice.Sdk.Schema;

/// <summary>
/// Wire names of the common schema, version 2 (Part A, the envelope; Part B, the typed event
/// data). The receiver and ClickHouse rely on these names: change them only with a new schema
/// version. OpenTelemetry semantic-convention names are used where one exists; the rest live
/// under <c>sluice.*</c>. Names marked "resource" are sent once per request on the OTLP
/// resource; the others are on every log record.
/// </summary>
public static class SluiceAttributes
{
    // ---- Part A on the resource: fixed for the life of the process ----

    /// <summary>Resource. The product's name (semantic convention).</summary>
    public const string ServiceName = "service.name";

    /// <summary>Resource. The product's version (semantic convention).</summary>
    public const string ServiceVersion = "service.version";

    /// <summary>Resource. The product's release channel (for example <c>stable</c>, <c>beta</c>); rules match on it.</summary>
    public const string ReleaseChannel = "sluice.release_channel";

    /// <summary>Resource. The installation id: a random id persisted on first run, never a hardware serial (semantic convention).</summary>
    public const string DeviceId = "device.id";

    /// <summary>Resource. OS family: <c>windows</c>, <c>linux</c>, <c>darwin</c>, ... (semantic convention).</summary>
    public const string OsType = "os.type";

    /// <summary>Resource. OS description, for example <c>Ubuntu 24.04.1 LTS</c> (semantic convention).</summary>
    public const string OsName = "os.name";

    /// <summary>Resource. OS version (semantic convention).</summary>
    public const string OsVersion = "os.version";

    /// <summary>Resource. Processor architecture: <c>amd64</c>, <c>arm64</c>, <c>x86</c>, <c>arm32</c> (semantic convention).</summary>
    public const string HostArch = "host.arch";

    /// <summary>Resource. Name of the SDK that produced the events: <c>sluice.sdk.dotnet</c>.</summary>
    public const string SdkName = "sluice.sdk.name";

    /// <summary>Resource. Version of the SDK that produced the events.</summary>
    public const string SdkVersion = "sluice.sdk.version";

    /// <summary>Resource. The user's locale as a BCP-47 tag, for example <c>en-US</c>.</summary>
    public const string Locale = "sluice.locale";

    // ---- Part A on each log record ----

    /// <summary>Record. Common-schema version of the record: 2 (Int64). Absent means the record did not come from this SDK.</summary>
    public const string SchemaVersion = "sluice.schema.version";

    /// <summary>Record. 16 random bytes as 32 lowercase hex characters; the receiver deduplicates on it.</summary>
    public const string EventId = "event.id";

    /// <summary>Record. The user id: an HMAC (<c>keyId:base64</c>) for external users, clear text only when the privacy policy allows (semantic convention).</summary>
    public const string UserId = "user.id";

    /// <summary>Record. <c>external</c>, <c>internal</c> or <c>test</c>.</summary>
    public const string UserKind = "sluice.user.kind";

    /// <summary>Record. The session id, a GUID as 32 lowercase hex characters (semantic convention).</summary>
    public const string SessionId = "session.id";

    /// <summary>Record. Position of the record in its session, from 1, without gaps at the producer (Int64).</summary>
    public const string SessionSequence = "sluice.session.seq";

    /// <summary>Record. The session epoch: a per-installation counter, +1 for each session (Int64). Gaps between epochs are lost sessions.</summary>
    public const string SessionEpoch = "sluice.session.epoch";

    /// <summary>Record. Local time-zone offset from UTC at the event time, in minutes (Int64).</summary>
    public const string TimeZoneOffsetMinutes = "sluice.tz_offset_minutes";

    /// <summary>Record. The sample rate in (0, 1] the event was kept at (Double); re-weight counts by 1 / rate.</summary>
    public const string SampleRate = "sluice.sample_rate";

    /// <summary>Record. The Part B kind: see <see cref="EventKinds"/>. Absent for plain log records.</summary>
    public const string EventKind = "sluice.event.kind";

    // ---- Part B fields ----

    /// <summary>Page/screen view: the page or screen name (required).</summary>
    public const string PageName = "sluice.page.name";

    /// <summary>Page/screen view: the page's URI, when it has one (semantic convention).</summary>
    public const string UrlFull = "url.full";

    /// <summary>Page/screen view: the page it was navigated from.</summary>
    public const string PageReferrer = "sluice.page.referrer";

    /// <summary>Page/screen view: time to show the page, milliseconds (Double).</summary>
    public const string PageLoadMilliseconds = "sluice.page.load_ms";

    /// <summary>User action: the action, for example <c>click</c> (required).</summary>
    public const string ActionName = "sluice.action.name";

    /// <summary>User action: what it was done on, for example a button id (required).</summary>
    public const string ActionTarget = "sluice.action.target";

    /// <summary>User action: the page or screen it happened on.</summary>
    public const string ActionPage = "sluice.action.page";

    /// <summary>Error: the exception type or error code (required; semantic convention).</summary>
    public const string ExceptionType = "exception.type";

    /// <summary>Error: the message (required; semantic convention).</summary>
    public const string ExceptionMessage = "exception.message";

    /// <summary>Error: the stack trace (semantic convention).</summary>
    public const string ExceptionStacktrace = "exception.stacktrace";

    /// <summary>Error: whether the app could carry on (Boolean).</summary>
    public const string ErrorHandled = "sluice.error.handled";

    /// <summary>Performance measurement: what was measured (required).</summary>
    public const string MeasurementName = "sluice.measurement.name";

    /// <summary>Performance measurement: the value (required, Double).</summary>
    public const string MeasurementValue = "sluice.measurement.value";

    /// <summary>Performance measurement: UCUM unit, for example <c>ms</c>, <c>By</c> (required).</summary>
    public const string MeasurementUnit = "sluice.measurement.unit";

    /// <summary>Feature usage: the feature (required).</summary>
    public const string FeatureName = "sluice.feature.name";

    /// <summary>Feature usage: how it was used, for example <c>opened</c>, <c>completed</c>.</summary>
    public const string FeatureOutcome = "sluice.feature.outcome";

    // ---- request headers ----

    /// <summary>Request header: the client's clock when the request was sent, Unix milliseconds (decimal text).</summary>
    public const string SentAtHeader = "Sluice-Sent-At";

    /// <summary>Response header on every export response: the receiver's current rule-set version.</summary>
    public const string RulesVersionHeader = "Sluice-Rules-Version";

    /// <summary>Values of <see cref="EventKind"/>.</summary>
    public static class EventKinds
    {
        /// <summary>A page or screen view.</summary>
        public const string PageView = "page_view";

        /// <summary>A user action.</summary>
        public const string UserAction = "user_action";

        /// <summary>An error or exception.</summary>
        public const string Error = "error";

        /// <summary>A performance measurement.</summary>
        public const string Measurement = "measurement";

        /// <summary>A feature usage.</summary>
        public const string FeatureUsage = "feature_usage";

        /// <summary>The SDK's own health report.</summary>
        public const string SdkHealth = "sdk_health";
    }
}
