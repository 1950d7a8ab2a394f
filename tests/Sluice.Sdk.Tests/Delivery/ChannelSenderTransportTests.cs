using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Sluice.Sdk.Delivery;
using Sluice.Sdk.Schema;

namespace Sluice.Sdk.Tests.Delivery;

/// <summary>
/// The sender over real sockets against a tiny Kestrel server: what a message handler cannot
/// show (HTTP/2 without TLS, gRPC trailers, the real SocketsHttpHandler).
/// </summary>
public sealed class ChannelSenderTransportTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Path, string Protocol, string? SentAt, byte[] Body)> _received = new();
    private WebApplication _app = null!;
    private int _port;
    private int _grpcPort;
    private volatile int _grpcStatus;

    public async Task InitializeAsync()
    {
        _port = FreePort();
        _grpcPort = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, _port, l => l.Protocols = HttpProtocols.Http1);

            // Cleartext HTTP/2 needs prior knowledge (no ALPN), as on the receiver's gRPC port.
            k.Listen(IPAddress.Loopback, _grpcPort, l => l.Protocols = HttpProtocols.Http2);
        });
        _app = builder.Build();
        _app.MapPost("/opentelemetry.proto.collector.logs.v1.LogsService/Export", async (HttpContext context) =>
        {
            var body = await ReadAsync(context.Request.Body);
            _received.Enqueue((context.Request.Path, context.Request.Protocol, context.Request.Headers[SluiceAttributes.SentAtHeader], body));
            context.Response.ContentType = "application/grpc";
            context.Response.Headers[SluiceAttributes.RulesVersionHeader] = "g1";
            await context.Response.Body.WriteAsync(new byte[5]);
            context.Response.AppendTrailer("grpc-status", _grpcStatus.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        _app.MapPost("/v1/logs", async (HttpContext context) =>
        {
            var body = await ReadAsync(context.Request.Body);
            _received.Enqueue((context.Request.Path, context.Request.Protocol, context.Request.Headers[SluiceAttributes.SentAtHeader], body));
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "7";
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SendAsync_GrpcOverH2c_SucceedsAndReadsTrailersAndRulesHeader()
    {
        var announced = new List<string>();
        using var http = new HttpMessageInvoker(new SocketsHttpHandler());

        var outcome = await Sender(http, DeliveryProtocol.Grpc, announced.Add).SendAsync([1, 2, 3], CancellationToken.None);

        Assert.True(outcome.Result == SendResult.Success, outcome.Reason);
        var request = Assert.Single(_received);
        Assert.Equal("HTTP/2", request.Protocol);
        Assert.Equal([1, 0, 0, 0, 3, 1, 2, 3], request.Body);
        Assert.NotNull(request.SentAt);
        Assert.Equal(["g1"], announced);
    }

    [Fact]
    public async Task SendAsync_GrpcUnavailableInTrailer_IsTransient()
    {
        _grpcStatus = 14;
        using var http = new HttpMessageInvoker(new SocketsHttpHandler());

        var outcome = await Sender(http, DeliveryProtocol.Grpc, null).SendAsync([1], CancellationToken.None);

        Assert.Equal(SendResult.Transient, outcome.Result);
    }

    [Fact]
    public async Task SendAsync_Http503WithRetryAfter_IsTransientWithDelay()
    {
        using var http = new HttpMessageInvoker(new SocketsHttpHandler());

        var outcome = await Sender(http, DeliveryProtocol.HttpProtobuf, null).SendAsync([1], CancellationToken.None);

        Assert.Equal(SendResult.Transient, outcome.Result);
        Assert.Equal(TimeSpan.FromSeconds(7), outcome.RetryAfter);
        Assert.Equal("HTTP/1.1", Assert.Single(_received).Protocol);
    }

    [Fact]
    public async Task SendAsync_NothingListening_IsTransient()
    {
        using var http = new HttpMessageInvoker(new SocketsHttpHandler());
        var options = new ChannelOptions { Name = "main", Endpoint = new Uri($"http://127.0.0.1:{FreePort()}"), ApiKey = "k" };

        var outcome = await new ChannelSender(http, options, TimeProvider.System, null).SendAsync([1], CancellationToken.None);

        Assert.Equal(SendResult.Transient, outcome.Result);
    }

    private ChannelSender Sender(HttpMessageInvoker http, DeliveryProtocol protocol, Action<string>? onRules)
    {
        var port = protocol == DeliveryProtocol.Grpc ? _grpcPort : _port;
        var options = new ChannelOptions { Name = "main", Endpoint = new Uri($"http://127.0.0.1:{port}"), ApiKey = "k", Protocol = protocol };
        return new ChannelSender(http, options, TimeProvider.System, onRules);
    }

    private static async Task<byte[]> ReadAsync(Stream body)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
