using System.Net;
using System.Net.Http.Headers;

namespace Sluice.Sdk.Delivery;

/// <summary>
/// The message handler behind the official OTLP exporter's HttpClient. The exporter serializes
/// a batch; this hands the bytes to the channel (split, store, send in the background) and
/// answers OK at once, so the exporter never waits on the network and never retries by itself.
/// Delivery guarantees are the channel's from here on.
/// </summary>
internal sealed class ExporterBridgeHandler(DeliveryChannel channel) : HttpMessageHandler
{
    private static readonly MediaTypeHeaderValue ProtobufType = new("application/x-protobuf");

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content)
        {
            using var stream = content.ReadAsStream(cancellationToken);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            channel.Accept(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }

        return Ok(request);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(Send(request, cancellationToken));

    private static HttpResponseMessage Ok(HttpRequestMessage request)
    {
        // An empty ExportLogsServiceResponse: no partial success to report.
        var content = new ByteArrayContent([]);
        content.Headers.ContentType = ProtobufType;
        return new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = content };
    }
}
