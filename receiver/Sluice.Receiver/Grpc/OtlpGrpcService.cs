using System.Globalization;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Sluice.Receiver.Ingest;
using Sluice.Receiver.Otlp;
using Sluice.Receiver.Rules;
using Sluice.Receiver.Spool;
using Sluice.Receiver.Telemetry;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Grpc;

/// <summary>
/// OTLP/gRPC: the three collector services' <c>Export</c> methods, bound with a raw-bytes marshaller
/// so the request reaches the same hand-written decoder as OTLP/HTTP protobuf, with no generated
/// classes. gzip request compression is handled by Grpc.AspNetCore.
/// </summary>
internal sealed class OtlpGrpcService(IngestPipeline pipeline, ReceiverMetrics metrics, RulesAnnouncer rules)
{
    public const string LogsService = "opentelemetry.proto.collector.logs.v1.LogsService";
    public const string TraceService = "opentelemetry.proto.collector.trace.v1.TraceService";
    public const string MetricsService = "opentelemetry.proto.collector.metrics.v1.MetricsService";

    private const string StatusDetailsTrailer = "grpc-status-details-bin";

    public async Task<byte[]> ExportAsync(Signal signal, byte[] request, ServerCallContext context)
    {
        var (outcome, product) = await ProcessAsync(signal, request, context).ConfigureAwait(false);
        metrics.Request("grpc", signal, (int)outcome.Code);

        // Response headers (initial metadata), sent before the status, for errors as for successes.
        if (rules.VersionFor(product, context.RequestHeaders.GetValue("authorization")) is { } rulesVersion)
        {
            await context.WriteResponseHeadersAsync(new Metadata { { RulesAnnouncer.GrpcHeaderName, rulesVersion } }).ConfigureAwait(false);
        }
        if (outcome.IsSuccess)
        {
            return OtlpResponse.Success(signal, PayloadEncoding.Protobuf, outcome.Rejected, outcome.Message);
        }

        string message = outcome.Message ?? string.Empty;
        var trailers = new Metadata
        {
            { StatusDetailsTrailer, OtlpResponse.Status((int)outcome.Code, message, outcome.RetryAfter, PayloadEncoding.Protobuf) },
        };
        throw new RpcException(new Status((StatusCode)outcome.Code, message), trailers);
    }

    /// <summary>The outcome, and the key's product when admission got as far as looking it up (else empty).</summary>
    private async Task<(IngestOutcome Outcome, string Product)> ProcessAsync(Signal signal, byte[] request, ServerCallContext context)
    {
        var headers = context.RequestHeaders;
        var admission = pipeline.Admit(signal, headers.GetValue("authorization"), out string product);
        if (admission is { } refused)
        {
            return (refused, string.Empty);
        }

        try
        {
            ulong sentAt = long.TryParse(headers.GetValue("sluice-sent-at"), NumberStyles.None, CultureInfo.InvariantCulture, out long ms) && ms > 0
                ? (ulong)ms * 1_000_000
                : 0;
            return (await pipeline.IngestAsync(signal, PayloadEncoding.Protobuf, request, product, sentAt).ConfigureAwait(false), product);
        }
        catch (OutOfMemoryException)
        {
            return (IngestPipeline.ShortOfMemory(), product);
        }
        finally
        {
            pipeline.Gate.Exit();
        }
    }
}

/// <summary>Binds <see cref="OtlpGrpcService"/>'s methods under the OTLP service names, without generated code.</summary>
internal sealed class OtlpGrpcMethodProvider : IServiceMethodProvider<OtlpGrpcService>
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(static bytes => bytes, static bytes => bytes);

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpGrpcService> context)
    {
        Add(context, OtlpGrpcService.LogsService, Signal.Logs);
        Add(context, OtlpGrpcService.TraceService, Signal.Traces);
        Add(context, OtlpGrpcService.MetricsService, Signal.Metrics);
    }

    private static void Add(ServiceMethodProviderContext<OtlpGrpcService> context, string service, Signal signal)
    {
        var method = new Method<byte[], byte[]>(MethodType.Unary, service, "Export", Bytes, Bytes);
        context.AddUnaryMethod(method, [], (instance, request, call) => instance.ExportAsync(signal, request, call));
    }
}
