using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OpenTelemetry.Metrics;
using Sluice.Receiver.Auth;
using Sluice.Receiver.ClickHouse;
using Sluice.Receiver.Configuration;
using Sluice.Receiver.Export;
using Sluice.Receiver.Grpc;
using Sluice.Receiver.Health;
using Sluice.Receiver.Http;
using Sluice.Receiver.Ingest;
using Sluice.Receiver.Rules;
using Sluice.Receiver.Spool;
using Sluice.Receiver.Telemetry;

namespace Sluice.Receiver.Hosting;

/// <summary>Builds the receiver's web host from its configuration: Kestrel endpoints, services, routes.</summary>
internal static class ReceiverHost
{
    /// <param name="config">The validated configuration.</param>
    /// <param name="pipelines">The transforms, built from <paramref name="config"/>.</param>
    /// <param name="rules">The rules store the pipelines' <c>sluice_rules</c> read; null when <c>sluice_rules</c> is not among the extensions.</param>
    /// <param name="args">Host arguments.</param>
    public static WebApplication Build(ReceiverConfig config, ProcessorPipelines pipelines, RulesStore? rules, string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ");
        builder.Logging.SetMinimumLevel(ParseLevel(config.Service.LogLevel));
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);

        var endpoints = Endpoints.From(config);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // A backstop only: the OTLP handlers enforce their caps while reading and answer with
            // messages that name them; Kestrel's own 413 would name nothing.
            kestrel.Limits.MaxRequestBodySize = Math.Max(config.Otlp.MaxRequestBodyBytes, config.Otlp.MaxDecompressedBytes) * 2;
            if (endpoints.Grpc is { } grpc)
            {
                kestrel.Listen(grpc, o => o.Protocols = HttpProtocols.Http2);
            }

            if (endpoints.Http is { } http)
            {
                kestrel.Listen(http, o => o.Protocols = HttpProtocols.Http1);
            }

            if (endpoints.Health.Port != endpoints.Http?.Port)
            {
                kestrel.Listen(endpoints.Health, o => o.Protocols = HttpProtocols.Http1);
            }
        });

        var services = builder.Services;
        services.AddSingleton(config);
        services.AddSingleton(pipelines);
        services.AddSingleton(TimeProvider.System);
        var selfKey = SelfTelemetry.NewKey();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ReceiverMetrics.MeterName, "System.Runtime", "Microsoft.AspNetCore.Server.Kestrel")
            .AddView("sluice.clickhouse.insert.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] })
            .AddView("sluice.clickhouse.insert.rows", new ExplicitBucketHistogramConfiguration { Boundaries = [10, 100, 1_000, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000] })
            .AddPrometheusExporter()
            .AddSelfExport(config, selfKey));
        services.AddSingleton<ReceiverMetrics>();
        services.AddSingleton(sp => new ApiKeyAuthenticator([.. config.Auth.Keys, selfKey]));
        services.AddSingleton(sp => OpenSpool(config, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Sluice.Receiver.Spool")));
        foreach (var (limiter, signals) in config.MemoryLimiters)
        {
            services.AddSingleton(sp => new MemoryLimiter(
                limiter,
                signals,
                GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
                usage: null,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Sluice.Receiver.MemoryLimiter")));
        }

        services.AddSingleton(new DecodedRequests());
        services.AddSingleton<IngestPipeline>();
        services.AddSingleton(sp => new RulesAnnouncer(rules, sp.GetRequiredService<ApiKeyAuthenticator>()));
        if (rules is not null)
        {
            services.AddSingleton(rules);
            services.AddHostedService<RulesReloader>();
        }

        services.AddSingleton<ReceiverState>();
        services.AddSingleton(sp => new ClickHouseClient(config.ClickHouse));
        services.AddHostedService<ClickHouseExporter>();
        services.AddHostedService<RetentionService>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.AddRouting();
        services.AddGrpc(o =>
        {
            // The decompressed message cap; the handler then counts items and checks each one.
            o.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, config.Otlp.MaxDecompressedBytes);
            o.EnableDetailedErrors = false;
        });
        services.AddSingleton<global::Grpc.AspNetCore.Server.Model.IServiceMethodProvider<OtlpGrpcService>, OtlpGrpcMethodProvider>();
        services.AddSingleton<OtlpGrpcService>();

        var app = builder.Build();
        // Built now rather than on the first request, so the memory limiters measure from the start.
        _ = app.Services.GetRequiredService<IngestPipeline>();
        var metrics = app.Services.GetRequiredService<ReceiverMetrics>();
        var spool = app.Services.GetRequiredService<FileSpool>();
        var state = app.Services.GetRequiredService<ReceiverState>();
        var time = app.Services.GetRequiredService<TimeProvider>();
        metrics.SpoolBytes = () => spool.SizeBytes;
        metrics.SpoolOldestAgeSeconds = () => state.OldestPendingAge(time.GetUtcNow()).TotalSeconds;
        metrics.RegisterSpoolGauges();

        if (endpoints.Http is { } httpEndpoint)
        {
            app.MapOtlpHttp(httpEndpoint.Port);
            app.MapRules(httpEndpoint.Port);
        }

        if (endpoints.Grpc is { } grpcEndpoint)
        {
            app.MapGrpcService<OtlpGrpcService>().RequireHost($"*:{grpcEndpoint.Port}");
        }

        app.MapHealth(endpoints.Health.Port);

        // Stop taking requests before the servers drain, then close the spool after they did.
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<IngestPipeline>().Stopping = true);
        return app;
    }

    private static FileSpool OpenSpool(ReceiverConfig config, ILogger logger)
    {
        try
        {
            return FileSpool.Open(
                config.Spool.Directory,
                config.Spool.MaxSizeBytes,
                config.Spool.SegmentSizeBytes,
                config.Spool.PushbackPercent,
                config.Spool.Fsync,
                logger);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException(StartupFailure.DescribeSpoolFailure(ex, config.Spool.Directory), ex);
        }
    }

    private static LogLevel ParseLevel(string level) => level.ToUpperInvariant() switch
    {
        "DEBUG" => LogLevel.Debug,
        "WARN" or "WARNING" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        _ => LogLevel.Information,
    };

    /// <summary>
    /// The addresses the receiver listens on, each with the config key that sets it: what a failure
    /// to listen names (see <see cref="StartupFailure"/>).
    /// </summary>
    public static IReadOnlyList<(string Key, IPEndPoint Endpoint)> Listeners(ReceiverConfig config)
    {
        var endpoints = Endpoints.From(config);
        var listeners = new List<(string Key, IPEndPoint Endpoint)>(3);
        if (endpoints.Grpc is { } grpc)
        {
            listeners.Add(("receivers.otlp.protocols.grpc.endpoint", grpc));
        }

        if (endpoints.Http is { } http)
        {
            listeners.Add(("receivers.otlp.protocols.http.endpoint", http));
        }

        listeners.Add(("extensions.health_check.endpoint", endpoints.Health));
        return listeners;
    }

    /// <summary>The configured listen addresses, parsed.</summary>
    private sealed record Endpoints(IPEndPoint? Grpc, IPEndPoint? Http, IPEndPoint Health)
    {
        public static Endpoints From(ReceiverConfig config) => new(
            config.Otlp.GrpcEndpoint is { } g ? ListenEndpoint.Parse(g) : null,
            config.Otlp.HttpEndpoint is { } h ? ListenEndpoint.Parse(h) : null,
            ListenEndpoint.Parse(config.HealthCheck.Endpoint));
    }
}
