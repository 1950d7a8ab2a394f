using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Logs;
using Sluice.Sdk;
using Sluice.Sdk.Health;
using Sluice.Sdk.Hosting;

namespace OpenTelemetry;

/// <summary>Adds the Sluice SDK to an OpenTelemetry builder.</summary>
public static class OpenTelemetryBuilderSluiceExtensions
{
    /// <summary>Sends the app's log events through Sluice, configured from code.</summary>
    /// <param name="builder">The OpenTelemetry builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IOpenTelemetryBuilder UseSluice(this IOpenTelemetryBuilder builder, Action<SluiceOptions> configure) =>
        UseSluice(builder, configuration: null, configure);

    /// <summary>Sends the app's log events through Sluice, configured from a configuration section (for example <c>Sluice</c>).</summary>
    /// <param name="builder">The OpenTelemetry builder.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <returns>The builder.</returns>
    public static IOpenTelemetryBuilder UseSluice(this IOpenTelemetryBuilder builder, IConfiguration configuration) =>
        UseSluice(builder, configuration, configure: null);

    /// <summary>Sends the app's log events through Sluice: configuration first, then code.</summary>
    /// <param name="builder">The OpenTelemetry builder.</param>
    /// <param name="configuration">The section to bind, or null.</param>
    /// <param name="configure">Sets the options after binding, or null.</param>
    /// <returns>The builder.</returns>
    public static IOpenTelemetryBuilder UseSluice(this IOpenTelemetryBuilder builder, IConfiguration? configuration, Action<SluiceOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<SluiceOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SluiceOptions>, SluiceOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var runtime = new SluiceRuntime(
                sp.GetRequiredService<IOptions<SluiceOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<SluiceNetwork>()?.Handler);
            runtime.Start();
            return runtime;
        });
        services.TryAddSingleton(sp => new SluiceTelemetry(sp.GetRequiredService<SluiceRuntime>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService(sp => new HealthReporter(sp.GetRequiredService<SluiceRuntime>(), sp.GetRequiredService<SluiceTelemetry>()));

        builder.ConfigureResource(resource => resource.AddDetector(sp => new SluiceResourceDetector(sp.GetRequiredService<SluiceRuntime>())));
        builder.WithLogging(logging => logging.AddProcessor(sp => new SluiceProcessor(sp.GetRequiredService<SluiceRuntime>())));
        return builder;
    }
}

/// <summary>Test seam: when registered, the SDK talks to receivers through this handler.</summary>
internal sealed record SluiceNetwork(HttpMessageHandler Handler);
