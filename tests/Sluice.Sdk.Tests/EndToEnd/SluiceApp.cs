using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using Sluice.Sdk.Tests.Testing;
using Sluice.Testing;

namespace Sluice.Sdk.Tests.EndToEnd;

/// <summary>
/// An app as the README sets one up (<c>AddOpenTelemetry().UseSluice(...)</c> on a service
/// collection, the real network), pointed at a real receiver process, with short intervals so
/// tests stay quick: flush every 100 ms, retries from 50 ms up to 500 ms, rules polled every 2 s.
/// </summary>
internal sealed class SluiceApp : IAsyncDisposable
{
    public static readonly TimeSpan RulesPollInterval = TimeSpan.FromSeconds(2);

    private readonly ServiceProvider _provider;

    private SluiceApp(ServiceProvider provider)
    {
        _provider = provider;
        Telemetry = provider.GetRequiredService<SluiceTelemetry>();
        Runtime = provider.GetRequiredService<SluiceRuntime>();
    }

    public SluiceTelemetry Telemetry { get; }

    public SluiceRuntime Runtime { get; }

    public static SluiceApp Start(ReceiverProcess receiver, string dataFolder, Action<SluiceOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Information));
        services.AddOpenTelemetry().UseSluice(o =>
        {
            o.ProductName = ReceiverProcess.Product;
            o.ProductVersion = "2.1.0";
            o.DataFolder = dataFolder;
            o.HealthReportInterval = TimeSpan.Zero;
            o.Privacy.HashKey = SdkHarness.Key;
            o.Rules.PollInterval = RulesPollInterval;
            var main = o.AddChannel("main", receiver.HttpEndpoint, ReceiverProcess.ApiKey);
            main.FlushInterval = TimeSpan.FromMilliseconds(100);
            main.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
            main.RetryMaxDelay = TimeSpan.FromMilliseconds(500);
            main.MaxQueueSize = 20_000;
            configure?.Invoke(o);
        });
        return new SluiceApp(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
    }

    /// <summary>Graceful shutdown: what is queued is flushed to the offline store.</summary>
    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
