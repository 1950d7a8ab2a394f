using System.Globalization;
using System.IO.Compression;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Sluice.Receiver.Benchmarks;

/// <summary>How much each event carries besides the common schema.</summary>
public enum EventShape
{
    /// <summary>Common schema, Part B of a user action, 2 custom attributes, no body.</summary>
    Small,

    /// <summary>Common schema, Part B, 10 custom attributes, a short body.</summary>
    Typical,

    /// <summary>Common schema, Part B, 22 custom attributes (some long: URLs, a stack-like text), a longer body.</summary>
    Large,
}

/// <summary>
/// OTLP/HTTP protobuf log requests shaped like what the Sluice SDK sends (sdk-extensions/README.md,
/// "Wire names"): one device's resource, then <c>events</c> log records each with the full common
/// schema (event.id, schema version, session, sequence, epoch, time zone, sample rate, a hashed
/// user id and its kind, the event kind) and a Part B, plus custom (Part C) attributes. Encoded
/// with Google.Protobuf's generated classes (an encoder independent of the receiver's decoder).
/// Event names avoid the shipped rules (otel-config/rules.yaml), so every event is kept and
/// "every acknowledged event lands" can be checked exactly.
/// </summary>
public static class Workload
{
    private static readonly string[] EventNames = ["page.view", "action.click", "feature.use", "perf.load", "document.save", "search.run"];
    private static readonly string[] Pages = ["Editor", "Home", "Settings", "Search", "Share", "Export"];
    private static readonly string[] Targets = ["save", "open", "close", "bold", "italic", "insert-table", "undo", "redo"];
    private static readonly string[] Formats = ["md", "docx", "txt", "html", "pdf"];
    private static readonly string[] Networks = ["wifi", "ethernet", "cellular"];
    private static readonly string[] Locales = ["en-US", "de-DE", "fr-FR", "ja-JP", "pt-BR"];
    private static readonly string[] Words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"];

    /// <summary>The custom attribute carrying the run id, so a run's rows can be counted apart from others.</summary>
    public const string RunAttribute = "bench.run";

    /// <summary>The custom attribute carrying the request's number within its run.</summary>
    public const string RequestAttribute = "bench.request";

    /// <summary>The serialized <c>ExportLogsServiceRequest</c> for request <paramref name="request"/> of run <paramref name="run"/>.</summary>
    public static byte[] Request(string run, int runNumber, int request, int events, EventShape shape)
    {
        var random = new Random(unchecked((runNumber * 1_000_003) + request)); // deterministic: the harness re-creates the loader's requests
        string device = Hex(random, 16);
        var resource = new Resource();
        resource.Attributes.Add(Str("service.name", "Contoso.Editor"));
        resource.Attributes.Add(Str("service.version", "2.1.0"));
        resource.Attributes.Add(Str("sluice.release_channel", random.Next(5) == 0 ? "beta" : "stable"));
        resource.Attributes.Add(Str("device.id", device));
        resource.Attributes.Add(Str("os.type", "windows"));
        resource.Attributes.Add(Str("os.name", "Microsoft Windows 11 Pro"));
        resource.Attributes.Add(Str("os.version", "10.0.22631"));
        resource.Attributes.Add(Str("host.arch", "amd64"));
        resource.Attributes.Add(Str("sluice.sdk.name", "sluice.sdk.dotnet"));
        resource.Attributes.Add(Str("sluice.sdk.version", "1.0.0"));
        resource.Attributes.Add(Str("sluice.locale", Locales[random.Next(Locales.Length)]));

        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "Sluice.Sdk", Version = "1.0.0" } };
        ulong now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        string session = Hex(random, 16);
        string user = "1:" + Convert.ToBase64String(RandomBytes(random, 32));
        string requestText = request.ToString(CultureInfo.InvariantCulture);
        for (int i = 0; i < events; i++)
        {
            string name = EventNames[random.Next(EventNames.Length)];
            ulong time = now - (ulong)(events - i) * 37_000_000 - (ulong)random.Next(1_000_000);
            var record = new LogRecord
            {
                TimeUnixNano = time,
                ObservedTimeUnixNano = time + 1_000,
                SeverityNumber = SeverityNumber.Info,
                SeverityText = "Information",
                EventName = name,
            };
            if (shape != EventShape.Small)
            {
                record.Body = new AnyValue { StringValue = shape == EventShape.Large ? Sentence(random, 10) : "Clicked " + Targets[random.Next(Targets.Length)] + " on " + Pages[random.Next(Pages.Length)] };
            }

            // event.id: run number, request number and event number make it unique across the run; the rest is random.
            record.Attributes.Add(Str("event.id", string.Create(CultureInfo.InvariantCulture, $"{runNumber:x8}{request:x8}{i:x8}") + Hex(random, 4)));
            record.Attributes.Add(Int("sluice.schema.version", 2));
            record.Attributes.Add(Str("session.id", session));
            record.Attributes.Add(Int("sluice.session.seq", i + 1));
            record.Attributes.Add(Int("sluice.session.epoch", 17));
            record.Attributes.Add(Int("sluice.tz_offset_minutes", 60));
            record.Attributes.Add(Dbl("sluice.sample_rate", 1.0));
            record.Attributes.Add(Str("user.id", user));
            record.Attributes.Add(Str("sluice.user.kind", "external"));
            record.Attributes.Add(Str("sluice.event.kind", "user_action"));
            record.Attributes.Add(Str("sluice.action.name", "click"));
            record.Attributes.Add(Str("sluice.action.target", Targets[random.Next(Targets.Length)]));
            record.Attributes.Add(Str("sluice.action.page", Pages[random.Next(Pages.Length)]));

            // Part C: the app's own properties.
            record.Attributes.Add(Str(RunAttribute, run));
            record.Attributes.Add(Str(RequestAttribute, requestText));
            if (shape != EventShape.Small)
            {
                record.Attributes.Add(Int("document.words", random.Next(20_000)));
                record.Attributes.Add(Str("document.format", Formats[random.Next(Formats.Length)]));
                record.Attributes.Add(Bool("feature.dark_mode", random.Next(2) == 0));
                record.Attributes.Add(Dbl("duration_ms", Math.Round(random.NextDouble() * 900, 2)));
                record.Attributes.Add(Int("item.count", random.Next(1, 200)));
                record.Attributes.Add(Int("screen.width", 1920));
                record.Attributes.Add(Int("screen.height", 1080));
                record.Attributes.Add(Str("network.type", Networks[random.Next(Networks.Length)]));
            }

            if (shape == EventShape.Large)
            {
                for (int a = 0; a < 8; a++)
                {
                    record.Attributes.Add(Str("app.setting." + Words[a % Words.Length] + a.ToString(CultureInfo.InvariantCulture), Words[random.Next(Words.Length)] + "-" + Words[random.Next(Words.Length)]));
                }

                record.Attributes.Add(Str("url.full", "https://editor.contoso.com/" + Words[random.Next(Words.Length)] + "/" + Words[random.Next(Words.Length)] + "?tab=" + Pages[random.Next(Pages.Length)]));
                record.Attributes.Add(Str("sluice.page.referrer", "https://contoso.com/" + Words[random.Next(Words.Length)]));
                record.Attributes.Add(Str("experiment.variant", random.Next(2) == 0 ? "A" : "B"));
                record.Attributes.Add(Str("component.trace", StackLike(random)));
            }

            scope.LogRecords.Add(record);
        }

        var body = new ExportLogsServiceRequest();
        body.ResourceLogs.Add(new ResourceLogs { Resource = resource, ScopeLogs = { scope } });
        return body.ToByteArray();
    }

    /// <summary>gzip as OTLP exporters send it.</summary>
    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream(data.Length / 4);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static string Sentence(Random random, int words)
    {
        var parts = new string[words];
        for (int i = 0; i < words; i++)
        {
            parts[i] = Words[random.Next(Words.Length)];
        }

        return string.Join(' ', parts);
    }

    private static string StackLike(Random random)
    {
        var lines = new string[2];
        for (int i = 0; i < lines.Length; i++)
        {
            lines[i] = "   at Contoso.Editor." + Pages[random.Next(Pages.Length)] + "View." + Words[random.Next(Words.Length)] + "Handler(Object sender, EventArgs e)";
        }

        return string.Join('\n', lines);
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        byte[] bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string Hex(Random random, int bytes) => Convert.ToHexStringLower(RandomBytes(random, bytes));

    private static KeyValue Str(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Int(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    private static KeyValue Dbl(string key, double value) => new() { Key = key, Value = new AnyValue { DoubleValue = value } };

    private static KeyValue Bool(string key, bool value) => new() { Key = key, Value = new AnyValue { BoolValue = value } };
}
