using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using Sluice.Sdk.Events;
using Sluice.Sdk.Privacy;

namespace Sluice.Sdk.Benchmarks;

/// <summary>
/// What one event costs on the app's thread: an ILogger call through OpenTelemetry with a
/// processor that does nothing (the baseline), against the same call with the Sluice processor's
/// work (rules, common schema, privacy). Queueing and export run on background threads in both
/// pipelines and are left out, so the difference is the SDK's own per-event cost.
/// </summary>
[MemoryDiagnoser]
// In process: an out-of-process build would trip on the repository-wide ObjectPool pin (see the csproj).
[InProcess]
public class ProcessorBenchmarks : IDisposable
{
    private static readonly Action<ILogger, string, string, Exception?> Saved =
        LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(1, "document.saved"), "Saved {Format} to {Path}");

    // More distinct paths than the hash cache holds (4 096), so every call hashes a value not seen before.
    private readonly string[] _newPaths = [.. Enumerable.Range(0, 1 << 16).Select(i => $"/home/user{i}/notes.md")];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sluice-bench", Guid.NewGuid().ToString("N"));
    private ILoggerFactory _plain = null!;
    private ILoggerFactory _sluice = null!;
    private ILogger _plainLogger = null!;
    private ILogger _sluiceLogger = null!;
    private SluiceRuntime _runtime = null!;
    private SluiceTelemetry _telemetry = null!;
    private SluiceProcessor _processor = null!;
    private int _nextPath;

    [GlobalSetup]
    public void Setup()
    {
        var options = new SluiceOptions { ProductName = "Contoso.Editor", ProductVersion = "2.1.0", DataFolder = _folder, HealthReportInterval = TimeSpan.Zero };
        options.Privacy.HashKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
        options.Privacy.Attributes["Path"] = PrivacyAction.Hash;
        options.Rules.Enabled = false;
        options.AddChannel("main", new Uri("http://127.0.0.1:1"), "k");
        _runtime = new SluiceRuntime(options, TimeProvider.System);
        _runtime.Session.SetUser(new Schema.UserState("alice@contoso.com", UserKind.External));

        // The SDK's processor as the app runs it, but handing records to a processor that does
        // nothing instead of the channels' queues: the same end as the plain pipeline.
        _processor = new SluiceProcessor(_runtime, [new NothingProcessor()]);

        _plain = LoggerFactory.Create(b => b.AddOpenTelemetry(o => o.AddProcessor(new NothingProcessor())));
        _sluice = LoggerFactory.Create(b => b.AddOpenTelemetry(o => o.AddProcessor(_processor)));
        _plainLogger = _plain.CreateLogger("Contoso.Editor");
        _sluiceLogger = _sluice.CreateLogger("Contoso.Editor");
        _telemetry = new SluiceTelemetry(_runtime, _sluice);
    }

    public void Dispose()
    {
        Cleanup();
        GC.SuppressFinalize(this);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_runtime is null)
        {
            return;
        }

        _plain.Dispose();
        _sluice.Dispose();
        _runtime.StopAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
        _runtime = null!;
    }

    [Benchmark(Baseline = true, Description = "ILogger event, plain OpenTelemetry")]
    public void PlainOpenTelemetry() => Saved(_plainLogger, "markdown", "/home/alice/notes.md", null);

    [Benchmark(Description = "ILogger event, Sluice (rules + schema + hash one attribute + hash user id)")]
    public void Sluice() => Saved(_sluiceLogger, "markdown", "/home/alice/notes.md", null);

    [Benchmark(Description = "ILogger event, Sluice, the hashed attribute's value not seen before")]
    public void SluiceNewValue() => Saved(_sluiceLogger, "markdown", _newPaths[_nextPath++ & (_newPaths.Length - 1)], null);

    [Benchmark(Description = "SluiceTelemetry.TrackAction with one custom property")]
    public void SluiceTrackAction() => _telemetry.TrackAction(new UserAction { Name = "click", Target = "save", Page = "Editor" }, [new("theme", "dark")]);

    private sealed class NothingProcessor : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord data)
        {
        }
    }
}
