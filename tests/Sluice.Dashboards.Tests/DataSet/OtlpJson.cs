using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Sluice.Testing.DataSet;

namespace Sluice.Dashboards.Tests.DataSet;

/// <summary>
/// OTLP/JSON request bodies (gzip) for the dashboard data set: the generator's product events and
/// SDK health events as logs, and the receiver's own metrics as they will reach ClickHouse.
/// </summary>
internal static class OtlpJson
{
    private static readonly string[] Locales = ["en-US", "de-DE", "fr-FR", "ja-JP", "pt-BR"];

    /// <summary>One logs request holding <paramref name="records"/>, grouped by device (one resource each).</summary>
    public static byte[] Logs(IEnumerable<IGrouping<GeneratedDevice, LogItem>> records)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("resourceLogs");
            foreach (IGrouping<GeneratedDevice, LogItem> device in records)
            {
                json.WriteStartObject();
                json.WriteStartObject("resource");
                json.WriteStartArray("attributes");
                foreach (KeyValuePair<string, string> attribute in device.Key.ResourceAttributes)
                {
                    Attribute(json, attribute.Key, attribute.Value);
                }

                Attribute(json, "os.name", device.Key.OsType switch { "windows" => "Windows 11", "darwin" => "macOS 15", _ => "Ubuntu 24.04" });
                Attribute(json, "sluice.locale", Locales[Math.Abs(device.Key.DeviceId.GetHashCode(StringComparison.Ordinal)) % Locales.Length]);
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteStartArray("scopeLogs");
                json.WriteStartObject();
                json.WriteStartObject("scope");
                json.WriteString("name", "Sluice.Sdk");
                json.WriteEndObject();
                json.WriteStartArray("logRecords");
                foreach (LogItem item in device)
                {
                    json.WriteStartObject();
                    json.WriteString("timeUnixNano", item.TimeNanos.ToString(CultureInfo.InvariantCulture));
                    json.WriteString("eventName", item.EventName);
                    json.WriteNumber("severityNumber", 9);
                    json.WriteStartArray("attributes");
                    foreach (KeyValuePair<string, string> attribute in item.Attributes)
                    {
                        Attribute(json, attribute.Key, attribute.Value);
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Gzip(buffer.ToArray());
    }

    /// <summary>One metrics request with the receiver's resource (<c>service.name</c> sluice-receiver).</summary>
    public static byte[] Metrics(IEnumerable<MetricSeries> series)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("resourceMetrics");
            json.WriteStartObject();
            json.WriteStartObject("resource");
            json.WriteStartArray("attributes");
            Attribute(json, "service.name", "sluice-receiver");
            Attribute(json, "service.instance.id", "receiver-a");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("scopeMetrics");
            json.WriteStartObject();
            json.WriteStartObject("scope");
            json.WriteString("name", "Sluice.Receiver");
            json.WriteEndObject();
            json.WriteStartArray("metrics");
            foreach (MetricSeries s in series)
            {
                json.WriteStartObject();
                json.WriteString("name", s.Name);
                json.WriteStartObject(s.Kind);
                if (s.Kind != "gauge")
                {
                    json.WriteNumber("aggregationTemporality", 2);
                }

                if (s.Kind == "sum")
                {
                    json.WriteBoolean("isMonotonic", true);
                }

                json.WriteStartArray("dataPoints");
                foreach (MetricPoint point in s.Points)
                {
                    json.WriteStartObject();
                    json.WriteStartArray("attributes");
                    foreach (KeyValuePair<string, string> attribute in s.Attributes)
                    {
                        Attribute(json, attribute.Key, attribute.Value);
                    }

                    json.WriteEndArray();
                    json.WriteString("startTimeUnixNano", s.StartNanos.ToString(CultureInfo.InvariantCulture));
                    json.WriteString("timeUnixNano", point.TimeNanos.ToString(CultureInfo.InvariantCulture));
                    if (s.Kind == "histogram")
                    {
                        json.WriteString("count", point.Count.ToString(CultureInfo.InvariantCulture));
                        json.WriteNumber("sum", point.Value);
                        json.WriteStartArray("bucketCounts");
                        json.WriteStringValue(point.Count.ToString(CultureInfo.InvariantCulture));
                        json.WriteEndArray();
                    }
                    else
                    {
                        json.WriteNumber("asDouble", point.Value);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Gzip(buffer.ToArray());
    }

    private static void Attribute(Utf8JsonWriter json, string key, string value)
    {
        json.WriteStartObject();
        json.WriteString("key", key);
        json.WriteStartObject("value");
        json.WriteString("stringValue", value);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}

/// <summary>A log record to send: time, event name and record attributes.</summary>
internal sealed record LogItem(ulong TimeNanos, string EventName, IReadOnlyList<KeyValuePair<string, string>> Attributes);

/// <summary>One metric series: name, kind (sum, gauge, histogram), point attributes and its points.</summary>
internal sealed record MetricSeries(string Name, string Kind, IReadOnlyList<KeyValuePair<string, string>> Attributes, ulong StartNanos, List<MetricPoint> Points);

/// <summary>A point: the value (a histogram's sum) and, for histograms, the count.</summary>
internal sealed record MetricPoint(ulong TimeNanos, double Value, long Count = 0);
