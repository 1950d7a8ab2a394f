namespace Sluice.Transforms.Processing.Schema;

/// <summary>
/// The common schema's attribute names as the SDK sends them (sdk-extensions/Sluice.Sdk/Schema/
/// SluiceAttributes.cs and SchemaV1Attributes.cs). Mirrored, not referenced: the SDK and the
/// server share only the wire, and the tests of both sides pin these strings.
/// </summary>
internal static class WireNames
{
    // Part A on the resource.
    public const string ServiceName = "service.name";
    public const string ServiceVersion = "service.version";
    public const string ReleaseChannel = "sluice.release_channel";
    public const string DeviceId = "device.id";
    public const string OsType = "os.type";
    public const string OsName = "os.name";
    public const string OsVersion = "os.version";
    public const string HostArch = "host.arch";
    public const string SdkName = "sluice.sdk.name";
    public const string SdkVersion = "sluice.sdk.version";
    public const string Locale = "sluice.locale";

    // Part A on each record.
    public const string SchemaVersion = "sluice.schema.version";
    public const string EventId = "event.id";
    public const string UserId = "user.id";
    public const string UserKind = "sluice.user.kind";
    public const string SessionId = "session.id";
    public const string SessionSequence = "sluice.session.seq";
    public const string SessionEpoch = "sluice.session.epoch";
    public const string TimeZoneOffsetMinutes = "sluice.tz_offset_minutes";
    public const string SampleRate = "sluice.sample_rate";
    public const string EventKind = "sluice.event.kind";

    // Part B.
    public const string PageName = "sluice.page.name";
    public const string UrlFull = "url.full";
    public const string PageReferrer = "sluice.page.referrer";
    public const string PageLoadMilliseconds = "sluice.page.load_ms";
    public const string ActionName = "sluice.action.name";
    public const string ActionTarget = "sluice.action.target";
    public const string ActionPage = "sluice.action.page";
    public const string ExceptionType = "exception.type";
    public const string ExceptionMessage = "exception.message";
    public const string ExceptionStacktrace = "exception.stacktrace";
    public const string ErrorHandled = "sluice.error.handled";
    public const string MeasurementName = "sluice.measurement.name";
    public const string MeasurementValue = "sluice.measurement.value";
    public const string MeasurementUnit = "sluice.measurement.unit";
    public const string FeatureName = "sluice.feature.name";
    public const string FeatureOutcome = "sluice.feature.outcome";

    /// <summary>Values of <see cref="EventKind"/>.</summary>
    public static class EventKinds
    {
        public const string PageView = "page_view";
        public const string UserAction = "user_action";
        public const string Error = "error";
        public const string Measurement = "measurement";
        public const string FeatureUsage = "feature_usage";
        public const string SdkHealth = "sdk_health";
    }

    /// <summary>Version 1 of the schema: flat, every name on the log record.</summary>
    public static class V1
    {
        public const string UserId = "UserId";
        public const string MachineId = "MachineId";
        public const string OsName = "OsName";
        public const string OsVersion = "OsVersion";
        public const string OsArch = "OsArch";
        public const string ProductName = "ProductName";
        public const string ProductVersion = "ProductVersion";
        public const string SdkName = "SdkName";
        public const string SdkVersion = "SdkVersion";
        public const string Locale = "Locale";
        public const string TimeZoneOffsetMinutes = "TzOffsetMinutes";
        public const string SessionId = "SessionId";
        public const string Sequence = "Seq";

        /// <summary>Event time, Unix milliseconds; used only when the record has no timestamp of its own.</summary>
        public const string EventTime = "EventTime";
    }

    /// <summary>Semantic-convention names plain OpenTelemetry clients send instead of the common schema's.</summary>
    public static class SemanticConventions
    {
        /// <summary>The deprecated name of <see cref="UserId"/>.</summary>
        public const string EndUserId = "enduser.id";

        /// <summary>A host's stable id; the best device id a plain client offers.</summary>
        public const string HostId = "host.id";

        /// <summary>The OS's full description, used as <see cref="OsName"/> when that is missing.</summary>
        public const string OsDescription = "os.description";

        /// <summary>The OpenTelemetry SDK's own default for a missing <see cref="ServiceName"/>.</summary>
        public const string UnknownServicePrefix = "unknown_service";

        /// <summary>Where a log record's event name may be when the OTLP field is empty.</summary>
        public const string EventName = "event.name";

        /// <summary>The deployment environment, which plain clients use as a release channel.</summary>
        public const string DeploymentEnvironment = "deployment.environment.name";

        /// <summary>The older name of <see cref="DeploymentEnvironment"/>.</summary>
        public const string DeploymentEnvironmentOld = "deployment.environment";
    }
}
