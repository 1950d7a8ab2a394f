namespace Sluice.Sdk.Schema;

/// <summary>
/// Wire names of the common schema, version 1: flat, all on the log record, no typed Part B.
/// Apps choose it with <see cref="SluiceOptions.SchemaVersion"/> = 1 while their backends still
/// read it; the receiver normalizes each name to its version-2 counterpart (given on each member).
/// </summary>
public static class SchemaV1Attributes
{
    /// <summary>Maps to <see cref="SluiceAttributes.UserId"/>.</summary>
    public const string UserId = "UserId";

    /// <summary>Maps to <see cref="SluiceAttributes.DeviceId"/>.</summary>
    public const string MachineId = "MachineId";

    /// <summary>Maps to <see cref="SluiceAttributes.OsName"/>.</summary>
    public const string OsName = "OsName";

    /// <summary>Maps to <see cref="SluiceAttributes.OsVersion"/>.</summary>
    public const string OsVersion = "OsVersion";

    /// <summary>Maps to <see cref="SluiceAttributes.HostArch"/>.</summary>
    public const string OsArch = "OsArch";

    /// <summary>Maps to <see cref="SluiceAttributes.ServiceName"/>.</summary>
    public const string ProductName = "ProductName";

    /// <summary>Maps to <see cref="SluiceAttributes.ServiceVersion"/>.</summary>
    public const string ProductVersion = "ProductVersion";

    /// <summary>Maps to <see cref="SluiceAttributes.SdkName"/>.</summary>
    public const string SdkName = "SdkName";

    /// <summary>Maps to <see cref="SluiceAttributes.SdkVersion"/>.</summary>
    public const string SdkVersion = "SdkVersion";

    /// <summary>Maps to <see cref="SluiceAttributes.Locale"/>.</summary>
    public const string Locale = "Locale";

    /// <summary>Maps to <see cref="SluiceAttributes.TimeZoneOffsetMinutes"/>.</summary>
    public const string TimeZoneOffsetMinutes = "TzOffsetMinutes";

    /// <summary>Maps to <see cref="SluiceAttributes.SessionId"/>.</summary>
    public const string SessionId = "SessionId";

    /// <summary>Maps to <see cref="SluiceAttributes.SessionSequence"/>.</summary>
    public const string Sequence = "Seq";

    /// <summary>The event time, Unix milliseconds (Int64); the receiver prefers the record's own timestamp.</summary>
    public const string EventTime = "EventTime";
}
