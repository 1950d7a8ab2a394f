using System.Globalization;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Resources;
using Sluice.Sdk.Events;
using Sluice.Sdk.Hosting;
using Sluice.Sdk.Offline;

namespace Sluice.Sdk.Benchmarks;

/// <summary>
/// Bytes on the wire per realistic event: the full pipeline (schema, privacy, official OTLP
/// exporter, split, gzip) with the offline store capturing each part instead of a network.
/// </summary>
internal static class WireCost
{
    public static void Run(int events)
    {
        var folder = Path.Combine(Path.GetTempPath(), "sluice-wire", Guid.NewGuid().ToString("N"));
        var options = new SluiceOptions { ProductName = "Contoso.Editor", ProductVersion = "2.1.0", DataFolder = folder, HealthReportInterval = TimeSpan.Zero };
        options.Privacy.HashKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
        options.Privacy.Attributes["document.path"] = Privacy.PrivacyAction.Hash;
        options.Rules.Enabled = false;
        options.AddChannel("main", new Uri("http://127.0.0.1:1"), "k").FlushInterval = TimeSpan.FromHours(1);
        var runtime = new SluiceRuntime(options, TimeProvider.System);
        runtime.Session.SetUser(new Schema.UserState("alice@contoso.com", Privacy.UserKind.External));
        using (var loggers = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddDetector(new SluiceResourceDetector(runtime)));
            o.AddProcessor(new SluiceProcessor(runtime));
        })))
        {
            var telemetry = new SluiceTelemetry(runtime, loggers);
            var random = new Random(1);
            for (var i = 0; i < events; i++)
            {
                telemetry.TrackAction(
                    new UserAction { Name = "click", Target = "save", Page = "Editor" },
                    [new("document.path", "/home/alice/notes-" + random.Next(50).ToString(CultureInfo.InvariantCulture) + ".md"), new("document.words", (long)random.Next(20_000))]);
            }
        }

        // Shutdown flushed everything into the store: sum what would go on the wire.
        long gzip = 0;
        var parts = 0;
        long raw = 0;
        long stored = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(folder, "offline", "main"), "*" + OfflineStore.Extension))
        {
            var bytes = File.ReadAllBytes(file);
            var payload = bytes.AsSpan(28);
            stored += System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16));
            gzip += payload.Length;
            parts++;
            using var input = new System.IO.Compression.GZipStream(new MemoryStream(payload.ToArray()), System.IO.Compression.CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            raw += output.Length;
        }

        runtime.StopAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(folder, recursive: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"events={events} stored={stored} requests={parts} protobuf={raw} B ({(double)raw / events:F1} B/event) gzip={gzip} B ({(double)gzip / events:F1} B/event, {(double)gzip / parts / 1024:F1} KiB/request)"));
    }
}
