using Microsoft.Extensions.Logging;
using OpenTelemetry.Resources;
using Sluice.Sdk.Hosting;

namespace Sluice.Sdk.Tests.Testing;

/// <summary>The SDK wired as UseSluice wires it, but on a plain LoggerFactory with a fake network.</summary>
public sealed class SdkHarness : IAsyncDisposable
{
    public const string Key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    private bool _disposed;

    private SdkHarness(SluiceOptions options, HttpMessageHandler network, TimeProvider time)
    {
        Options = options;
        Runtime = new SluiceRuntime(options, time, network);
        Runtime.Start();
        Loggers = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
        {
            otel.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddDetector(new SluiceResourceDetector(Runtime)));
            otel.AddProcessor(new SluiceProcessor(Runtime));
        }));
        Telemetry = new SluiceTelemetry(Runtime, Loggers);
    }

    public SluiceOptions Options { get; }

    internal SluiceRuntime Runtime { get; }

    public ILoggerFactory Loggers { get; }

    public SluiceTelemetry Telemetry { get; }

    /// <summary>Options with one HTTP channel named "main", data under <paramref name="folder"/>, rules polling off.</summary>
    public static SluiceOptions DefaultOptions(string folder)
    {
        var options = new SluiceOptions
        {
            ProductName = "Contoso.Editor",
            ProductVersion = "2.1.0",
            DataFolder = folder,
            HealthReportInterval = TimeSpan.Zero,
        };
        options.Privacy.HashKey = Key;
        options.Rules.Enabled = false;
        var main = options.AddChannel("main", new Uri("http://receiver.test:4318"), "k-main");
        main.FlushInterval = TimeSpan.FromMilliseconds(20);
        main.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        main.RetryMaxDelay = TimeSpan.FromMilliseconds(50);
        return options;
    }

    public static SdkHarness Start(SluiceOptions options, HttpMessageHandler network, TimeProvider? time = null) =>
        new(options, network, time ?? TimeProvider.System);

    /// <summary>Graceful shutdown: flushes queues to disk and stops the loops.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Loggers.Dispose();
        await Runtime.StopAsync();
    }
}
