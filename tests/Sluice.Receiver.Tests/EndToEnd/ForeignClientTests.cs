using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Sluice.Receiver.Tests.ClickHouse;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Receiver.Tests.EndToEnd;

/// <summary>
/// Real OpenTelemetry SDKs, with no project code, as clients: OpenTelemetry .NET over gRPC and
/// HTTP/protobuf for all three signals, and OpenTelemetry JS over HTTP/JSON and HTTP/protobuf for logs.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed partial class ForeignClientTests(ClickHouseServer clickHouse, ITestOutputHelper output)
{
    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task VanillaDotnetSdk_ExportsLogsSpansAndMetrics_AllQueryableWithAttributesResourceScopeAndTimes(OtlpExportProtocol protocol)
    {
        await using var receiver = await ReceiverProcess.StartAsync(clickHouse);
        string run = Guid.NewGuid().ToString("N");
        string db = receiver.Database;
        var resource = ResourceBuilder.CreateEmpty()
            .AddService("vanilla-app", serviceVersion: "2.0.1")
            .AddAttributes([new("sluice.run", run), new("deployment.environment.name", "test")]);
        void Exporter(OtlpExporterOptions o, string signal)
        {
            o.Protocol = protocol;
            o.Endpoint = protocol == OtlpExportProtocol.Grpc ? receiver.GrpcEndpoint : new Uri(receiver.HttpEndpoint, "v1/" + signal);
            o.Headers = $"Authorization=Bearer {ReceiverProcess.ApiKey}";
        }

        var started = DateTimeOffset.UtcNow;
        using (var loggers = LoggerFactory.Create(builder => builder.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(resource);
            o.AddOtlpExporter(e => Exporter(e, "logs"));
        })))
        {
            var logger = loggers.CreateLogger("Vanilla.Checkout");
            for (int i = 0; i < 5; i++)
            {
                CheckoutCompleted(logger, i, 12.5 * i);
            }
        }

        string traceId;
        using (var tracer = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource("vanilla.tracer").AddOtlpExporter(e => Exporter(e, "traces")).Build())
        using (var source = new ActivitySource("vanilla.tracer", "1.0.0"))
        {
            using (var parent = source.StartActivity("checkout", ActivityKind.Server))
            {
                parent!.SetTag("cart.items", 3);
                parent.AddEvent(new ActivityEvent("payment.authorized"));
                traceId = parent.TraceId.ToHexString();
                using var child = source.StartActivity("charge-card", ActivityKind.Client);
                child!.SetStatus(ActivityStatusCode.Error, "card declined");
            }

            tracer!.ForceFlush();
        }

        using (var meter = new Meter("vanilla.meter", "1.0.0"))
        using (var meters = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter("vanilla.meter")
            .AddOtlpExporter((e, reader) =>
            {
                Exporter(e, "metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000;
            })
            .Build())
        {
            meter.CreateCounter<long>("orders").Add(7, new KeyValuePair<string, object?>("channel", "web"));
            meter.CreateHistogram<double>("latency", "ms").Record(42.5);
            meter.CreateObservableGauge("queue.depth", () => 5);
            meter.CreateUpDownCounter<long>("sessions.active").Add(3);
            meters!.ForceFlush();
        }

        await Eventually.UntilAsync(async () => await CountAsync($"{db}.otel_logs", run) == 5, TimeSpan.FromSeconds(30), "5 log records");
        var log = JsonDocument.Parse((await clickHouse.QueryAsync(
            $"SELECT EventName, Body, ServiceName, ScopeName, SeverityNumber, SeverityText, TimestampNanos, " +
            $"LogAttributesValues[indexOf(LogAttributesKeys, 'Amount')] AS amount, " +
            $"ResourceAttributesValues[indexOf(ResourceAttributesKeys, 'service.version')] AS version " +
            $"FROM {db}.otel_logs FINAL WHERE {RunFilter(run)} AND LogAttributesValues[indexOf(LogAttributesKeys, 'OrderId')] = '3' FORMAT JSONEachRow")).Trim()).RootElement;
        output.WriteLine(log.ToString());
        Assert.Equal("CheckoutCompleted", log.GetProperty("EventName").GetString());
        // OpenTelemetry .NET sends the message template as the body and the values as attributes.
        Assert.Equal("Order {OrderId} completed for {Amount}", log.GetProperty("Body").GetString());
        Assert.Equal("vanilla-app", log.GetProperty("ServiceName").GetString());
        Assert.Equal("Vanilla.Checkout", log.GetProperty("ScopeName").GetString());
        Assert.Equal(9, log.GetProperty("SeverityNumber").GetInt32());
        Assert.Equal("37.5", log.GetProperty("amount").GetString());
        Assert.Equal("2.0.1", log.GetProperty("version").GetString());
        ulong nanos = ulong.Parse(log.GetProperty("TimestampNanos").GetString() ?? log.GetProperty("TimestampNanos").GetRawText(), System.Globalization.CultureInfo.InvariantCulture);
        var time = DateTimeOffset.FromUnixTimeMilliseconds((long)(nanos / 1_000_000));
        Assert.InRange(time, started.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));

        await Eventually.UntilAsync(async () => await CountAsync($"{db}.otel_traces", run) == 2, TimeSpan.FromSeconds(30), "2 spans");
        string spans = await clickHouse.QueryAsync(
            $"SELECT SpanName, SpanKind, StatusCode, StatusMessage, TraceId, ParentSpanId != '', ScopeName, ServiceName FROM {db}.otel_traces FINAL WHERE {RunFilter(run)} ORDER BY SpanName");
        output.WriteLine(spans);
        Assert.Equal(
            $"charge-card\tClient\tError\tcard declined\t{traceId}\t1\tvanilla.tracer\tvanilla-app\ncheckout\tServer\tUnset\t\t{traceId}\t0\tvanilla.tracer\tvanilla-app",
            spans.Trim());
        Assert.Equal("payment.authorized", (await clickHouse.QueryAsync($"SELECT arrayJoin(`Events.Name`) FROM {db}.otel_traces FINAL WHERE {RunFilter(run)} AND SpanName = 'checkout'")).Trim());

        // Cumulative instruments are exported at ForceFlush and again at Dispose: the latest point counts.
        foreach (string table in new[] { "otel_metrics_sum", "otel_metrics_gauge", "otel_metrics_histogram" })
        {
            await Eventually.UntilAsync(async () => await CountAsync($"{db}.{table}", run) >= 1, TimeSpan.FromSeconds(30), $"points in {table}");
        }

        Assert.Equal("7\t1", (await clickHouse.QueryAsync($"SELECT Value, IsMonotonic FROM {db}.otel_metrics_sum FINAL WHERE {RunFilter(run)} AND MetricName = 'orders' ORDER BY TimeUnixNanos DESC LIMIT 1")).Trim());
        Assert.Equal("3\t0", (await clickHouse.QueryAsync($"SELECT Value, IsMonotonic FROM {db}.otel_metrics_sum FINAL WHERE {RunFilter(run)} AND MetricName = 'sessions.active' ORDER BY TimeUnixNanos DESC LIMIT 1")).Trim());
        Assert.Equal("5", (await clickHouse.QueryAsync($"SELECT Value FROM {db}.otel_metrics_gauge FINAL WHERE {RunFilter(run)} AND MetricName = 'queue.depth' ORDER BY TimeUnixNanos DESC LIMIT 1")).Trim());
        Assert.Equal("1\t42.5\tms", (await clickHouse.QueryAsync($"SELECT Count, Sum, MetricUnit FROM {db}.otel_metrics_histogram FINAL WHERE {RunFilter(run)} AND MetricName = 'latency' ORDER BY TimeUnixNanos DESC LIMIT 1")).Trim());
    }

    [Theory]
    [InlineData("json")]
    [InlineData("proto")]
    public async Task OpenTelemetryJs_ExportsLogs_AllLandWithAttributes(string protocol)
    {
        await using var receiver = await ReceiverProcess.StartAsync(clickHouse);
        string run = Guid.NewGuid().ToString("N");
        string script = Path.Combine(RepositoryRoot.Find(), "tests", "interop-js", "send-logs.mjs");
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(script)! };
        foreach (string arg in new[] { script, "--endpoint", receiver.HttpEndpoint.ToString().TrimEnd('/'), "--key", ReceiverProcess.ApiKey, "--protocol", protocol, "--count", "300", "--run", run })
        {
            info.ArgumentList.Add(arg);
        }

        using var node = Process.Start(info)!;
        string stdout = await node.StandardOutput.ReadToEndAsync();
        string stderr = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {stdout}\n{stderr}\nreceiver:\n{receiver.Output}");

        await Eventually.UntilAsync(async () => await CountAsync($"{receiver.Database}.otel_logs", run) == 300, TimeSpan.FromSeconds(30), "300 JS log records");
        string row = await clickHouse.QueryAsync(
            $"SELECT EventName, Body, SeverityText, ServiceName, ScopeName, ScopeVersion, " +
            $"LogAttributesValues[indexOf(LogAttributesKeys, 'index')], LogAttributesValues[indexOf(LogAttributesKeys, 'ratio')], " +
            $"LogAttributesValues[indexOf(LogAttributesKeys, 'ok')], LogAttributesValues[indexOf(LogAttributesKeys, 'tags')] " +
            $"FROM {receiver.Database}.otel_logs FINAL WHERE {RunFilter(run)} AND Body = 'js event 7 ünïcødé'");
        Assert.Equal("interop.js.event\tjs event 7 ünïcødé\tINFO\tinterop-js\tinterop-js-scope\t0.1.0\t7\t3.5\tfalse\t[\"a\",\"b\"]", row.Trim());
    }

    private static string RunFilter(string run) =>
        $"(ResourceAttributesValues[indexOf(ResourceAttributesKeys, 'sluice.run')] = '{run}')";

    private async Task<long> CountAsync(string table, string run) => long.Parse(
        (await clickHouse.QueryAsync($"SELECT count() FROM {table} FINAL WHERE {RunFilter(run)}")).Trim(),
        System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 1, EventName = "CheckoutCompleted", Level = LogLevel.Information, Message = "Order {OrderId} completed for {Amount}")]
    private static partial void CheckoutCompleted(ILogger logger, int orderId, double amount);
}
