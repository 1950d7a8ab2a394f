using System.Net;
using System.Security.Cryptography;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Sluice.Receiver.Configuration;

namespace Sluice.Receiver.Telemetry;

/// <summary>
/// The receiver's own metrics go through its own pipeline: an OTLP exporter sends them to the
/// receiver's own endpoint every <c>service.telemetry.metrics.interval</c>, with a key made at start and bound to the
/// product <see cref="Product"/>, so they land in the same ClickHouse tables as every app's
/// metrics and one Grafana data source serves the SRE dashboards too. Cumulative temporality, as
/// Prometheus sees them: a dashboard takes each series' increase per interval.
/// </summary>
internal static class SelfTelemetry
{
    public const string Product = "sluice-receiver";
    public const string ServiceName = "sluice-receiver";

    /// <summary>A fresh key, valid for this process only, for the self-export.</summary>
    public static ApiKeyConfig NewKey() => new() { Key = "sluice-self-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), Product = Product };

    /// <summary>Adds the self-export to the meter provider, when the receiver serves OTLP at all.</summary>
    public static MeterProviderBuilder AddSelfExport(this MeterProviderBuilder builder, ReceiverConfig config, ApiKeyConfig key)
    {
        var endpoint = SelfEndpoint(config);
        if (endpoint is null || !config.Service.SelfMetrics)
        {
            return builder;
        }

        return builder
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: typeof(SelfTelemetry).Assembly.GetName().Version?.ToString(), serviceInstanceId: Environment.MachineName))
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Protocol = endpoint.Value.Protocol;
                exporter.Endpoint = endpoint.Value.Uri;
                exporter.Headers = $"Authorization=Bearer {key.Key}";
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)config.Service.SelfMetricsInterval.TotalMilliseconds;
            });
    }

    private static (OtlpExportProtocol Protocol, Uri Uri)? SelfEndpoint(ReceiverConfig config)
    {
        if (config.Otlp.HttpEndpoint is { } http)
        {
            return (OtlpExportProtocol.HttpProtobuf, new Uri($"http://{Loopback(http)}/v1/metrics"));
        }

        return config.Otlp.GrpcEndpoint is { } grpc ? (OtlpExportProtocol.Grpc, new Uri($"http://{Loopback(grpc)}")) : null;
    }

    /// <summary>The listen address as one this process can connect to: a wildcard host becomes loopback.</summary>
    private static string Loopback(string endpoint)
    {
        int colon = endpoint.LastIndexOf(':');
        string host = endpoint[..colon].Trim('[', ']');
        string port = endpoint[(colon + 1)..];
        return host switch
        {
            "" or "0.0.0.0" => $"127.0.0.1:{port}",
            "::" => $"[::1]:{port}",
            _ when IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 => $"[{host}]:{port}",
            _ => $"{host}:{port}",
        };
    }
}
