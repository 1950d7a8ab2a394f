using System.Globalization;
using Sluice.Transforms.Model;

namespace Sluice.Transforms.Processing.Schema;

/// <summary>
/// <c>sluice_schema</c>: brings every record to the common schema's version 2 so storage and
/// queries see one shape. Version-1 records (flat names on each record) get their version-2 names,
/// with the process-wide ones moved to the resource; records from plain OpenTelemetry clients
/// are mapped from the semantic conventions as far as their attributes allow and are never
/// rejected. <c>sluice.schema.version</c> is left as sent, so analysts can tell old clients apart.
/// </summary>
internal sealed class SchemaNormalizer : TelemetryProcessor
{
    public const string TypeName = "sluice_schema";

    // Record-level version-1 names and their version-2 names on the record.
    private static readonly (string V1, string V2)[] RecordNames =
    [
        (WireNames.V1.UserId, WireNames.UserId),
        (WireNames.V1.SessionId, WireNames.SessionId),
        (WireNames.V1.Sequence, WireNames.SessionSequence),
        (WireNames.V1.TimeZoneOffsetMinutes, WireNames.TimeZoneOffsetMinutes),
    ];

    // Process-wide version-1 names, which version 2 sends once on the resource.
    private static readonly (string V1, string V2)[] ResourceNames =
    [
        (WireNames.V1.MachineId, WireNames.DeviceId),
        (WireNames.V1.OsName, WireNames.OsName),
        (WireNames.V1.OsVersion, WireNames.OsVersion),
        (WireNames.V1.OsArch, WireNames.HostArch),
        (WireNames.V1.ProductName, WireNames.ServiceName),
        (WireNames.V1.ProductVersion, WireNames.ServiceVersion),
        (WireNames.V1.SdkName, WireNames.SdkName),
        (WireNames.V1.SdkVersion, WireNames.SdkVersion),
        (WireNames.V1.Locale, WireNames.Locale),
    ];

    private readonly bool _semanticConventions;
    private readonly ResourceSet _resources = new();

    public SchemaNormalizer(bool semanticConventions)
    {
        _semanticConventions = semanticConventions;
    }

    /// <summary>Builds it from <c>semantic_conventions</c> (default true: map plain OpenTelemetry clients' names).</summary>
    public static SchemaNormalizer Create(SettingsReader settings)
    {
        bool semantic = settings.Bool("semantic_conventions", true);
        settings.ReportUnknownKeys();
        return new SchemaNormalizer(semantic);
    }

    public override void Process(TelemetryBatch batch)
    {
        _resources.Clear();
        foreach (LogEvent log in batch.Logs)
        {
            if (_resources.Add(log.Resource) && _semanticConventions)
            {
                MapResource(log.Resource);
            }

            string? version = log.Attributes.Get(WireNames.SchemaVersion);
            if (version == "1")
            {
                NormalizeV1(log);
            }
            else if (version is null && _semanticConventions)
            {
                MapRecord(log);
            }

            if (log.EventName.Length == 0 && log.Attributes.Get(WireNames.SemanticConventions.EventName) is { Length: > 0 } name)
            {
                log.EventName = name;
            }
        }

        if (_semanticConventions)
        {
            foreach (SpanEvent span in batch.Spans)
            {
                if (_resources.Add(span.Resource))
                {
                    MapResource(span.Resource);
                }
            }

            foreach (MetricPoint point in batch.Metrics)
            {
                if (_resources.Add(point.Resource))
                {
                    MapResource(point.Resource);
                }
            }
        }

        _resources.Clear();
    }

    private static void NormalizeV1(LogEvent log)
    {
        AttributeList attributes = log.Attributes;
        foreach (var (v1, v2) in RecordNames)
        {
            string? value = attributes.Get(v1);
            if (value is null)
            {
                continue;
            }

            attributes.Remove(v1);
            if (attributes.IndexOf(v2) < 0)
            {
                attributes.Add(v2, value);
            }
        }

        // Version 1 repeats the process-wide names on every record; version 2 keeps them on the
        // resource. A record whose value differs from its resource's keeps its own on the record.
        if (log.Resource is { } resource)
        {
            foreach (var (v1, v2) in ResourceNames)
            {
                string? value = attributes.Get(v1);
                if (value is null)
                {
                    continue;
                }

                attributes.Remove(v1);
                string? current = resource.Attributes.Get(v2);
                if (current is null || current.Length == 0 || IsDefaultServiceName(v2, current))
                {
                    resource.Attributes.Set(v2, value);
                }
                else if (!string.Equals(current, value, StringComparison.Ordinal))
                {
                    attributes.Set(v2, value);
                }
            }
        }

        string? eventTime = attributes.Get(WireNames.V1.EventTime);
        if (eventTime is not null)
        {
            attributes.Remove(WireNames.V1.EventTime);
            if (log.TimeUnixNano == 0
                && long.TryParse(eventTime, NumberStyles.Integer, CultureInfo.InvariantCulture, out long ms)
                && ms > 0 && ms < long.MaxValue / 1_000_000)
            {
                log.TimeUnixNano = (ulong)ms * 1_000_000;
            }
        }
    }

    private static void MapRecord(LogEvent log)
    {
        AttributeList attributes = log.Attributes;
        if (attributes.IndexOf(WireNames.UserId) < 0 && attributes.Get(WireNames.SemanticConventions.EndUserId) is { Length: > 0 } user)
        {
            attributes.Add(WireNames.UserId, user);
        }
    }

    private static void MapResource(ResourceInfo resource)
    {
        AttributeList attributes = resource.Attributes;
        CopyIfMissing(attributes, WireNames.SemanticConventions.HostId, WireNames.DeviceId);
        CopyIfMissing(attributes, WireNames.SemanticConventions.OsDescription, WireNames.OsName);
        if (!CopyIfMissing(attributes, WireNames.SemanticConventions.DeploymentEnvironment, WireNames.ReleaseChannel))
        {
            CopyIfMissing(attributes, WireNames.SemanticConventions.DeploymentEnvironmentOld, WireNames.ReleaseChannel);
        }
    }

    private static bool CopyIfMissing(AttributeList attributes, string from, string to)
    {
        if (attributes.Get(to) is { Length: > 0 })
        {
            return true;
        }

        if (attributes.Get(from) is { Length: > 0 } value)
        {
            attributes.Set(to, value);
            return true;
        }

        return false;
    }

    private static bool IsDefaultServiceName(string name, string value) =>
        name == WireNames.ServiceName && value.StartsWith(WireNames.SemanticConventions.UnknownServicePrefix, StringComparison.Ordinal);
}
