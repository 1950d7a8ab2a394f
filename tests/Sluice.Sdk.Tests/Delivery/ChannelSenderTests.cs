using System.Net;
using Microsoft.Extensions.Time.Testing;
using Sluice.Sdk.Delivery;
using Sluice.Sdk.Schema;
using Sluice.Sdk.Tests.Testing;

namespace Sluice.Sdk.Tests.Delivery;

public sealed class ChannelSenderTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task SendAsync_Http_PostsGzipProtobufWithKeyAndSendTime()
    {
        var receiver = new FakeReceiver();
        var sender = Sender(receiver, DeliveryProtocol.HttpProtobuf);

        var outcome = await sender.SendAsync([1, 2, 3], CancellationToken.None);

        Assert.Equal(SendResult.Success, outcome.Result);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("http://receiver.test:4318/v1/logs", request.Uri.ToString());
        Assert.Equal("Bearer key-1", request.Headers["Authorization"]);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), request.Headers[SluiceAttributes.SentAtHeader]);
        Assert.Equal(["gzip"], request.ContentEncoding);
        Assert.Equal("application/x-protobuf", request.ContentType);
        Assert.Equal([1, 2, 3], request.Body);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task SendAsync_TransientStatus_IsTransient(int status)
    {
        var receiver = new FakeReceiver { Respond = (_, _) => new HttpResponseMessage((HttpStatusCode)status) };

        var outcome = await Sender(receiver, DeliveryProtocol.HttpProtobuf).SendAsync([1], CancellationToken.None);

        Assert.Equal(SendResult.Transient, outcome.Result);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(413)]
    public async Task SendAsync_PermanentStatus_IsPermanent(int status)
    {
        var receiver = new FakeReceiver { Respond = (_, _) => new HttpResponseMessage((HttpStatusCode)status) };

        var outcome = await Sender(receiver, DeliveryProtocol.HttpProtobuf).SendAsync([1], CancellationToken.None);

        Assert.Equal(SendResult.Permanent, outcome.Result);
    }

    [Fact]
    public async Task SendAsync_429WithRetryAfterSeconds_ReportsTheDelay()
    {
        var receiver = new FakeReceiver
        {
            Respond = (_, _) =>
            {
                var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(42));
                return response;
            },
        };

        var outcome = await Sender(receiver, DeliveryProtocol.HttpProtobuf).SendAsync([1], CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(42), outcome.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_503WithRetryAfterDate_ReportsTheDelayFromTheClientClock()
    {
        var receiver = new FakeReceiver
        {
            Respond = (_, _) =>
            {
                var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(_time.GetUtcNow().AddMinutes(2));
                return response;
            },
        };

        var outcome = await Sender(receiver, DeliveryProtocol.HttpProtobuf).SendAsync([1], CancellationToken.None);

        Assert.Equal(SendResult.Transient, outcome.Result);
        Assert.Equal(TimeSpan.FromMinutes(2), outcome.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_IsTransient()
    {
        var outcome = await Sender(new FakeReceiver { Down = true }, DeliveryProtocol.HttpProtobuf).SendAsync([1], CancellationToken.None);

        Assert.Equal(SendResult.Transient, outcome.Result);
    }

    [Fact]
    public async Task SendAsync_ResponseAnnouncesRulesVersion_CallsBack()
    {
        var announced = new List<string>();
        var receiver = new FakeReceiver
        {
            Respond = (_, _) =>
            {
                var response = new HttpResponseMessage(HttpStatusCode.OK);
                response.Headers.Add(SluiceAttributes.RulesVersionHeader, "v9");
                return response;
            },
        };

        await Sender(receiver, DeliveryProtocol.HttpProtobuf, announced.Add).SendAsync([1], CancellationToken.None);

        Assert.Equal(["v9"], announced);
    }

    [Fact]
    public async Task SendAsync_Grpc_FramesCompressedMessageOnHttp2()
    {
        var receiver = new FakeReceiver { Respond = (_, _) => Grpc(0) };

        var outcome = await Sender(receiver, DeliveryProtocol.Grpc).SendAsync([7, 8], CancellationToken.None);

        Assert.Equal(SendResult.Success, outcome.Result);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/opentelemetry.proto.collector.logs.v1.LogsService/Export", request.Uri.AbsolutePath);
        Assert.Equal([1, 0, 0, 0, 2, 7, 8], request.Body);
        Assert.Equal("gzip", request.Headers["grpc-encoding"]);
    }

    [Theory]
    [InlineData(14, true)]
    [InlineData(8, true)]
    [InlineData(4, true)]
    [InlineData(3, false)]
    [InlineData(16, false)]
    [InlineData(7, false)]
    public async Task SendAsync_GrpcStatus_ClassifiedPerOtlpSpec(int status, bool transient)
    {
        var receiver = new FakeReceiver { Respond = (_, _) => Grpc(status) };

        var outcome = await Sender(receiver, DeliveryProtocol.Grpc).SendAsync([1], CancellationToken.None);

        Assert.Equal(transient ? SendResult.Transient : SendResult.Permanent, outcome.Result);
    }

    private static HttpResponseMessage Grpc(int status)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([0, 0, 0, 0, 0]) };
        response.TrailingHeaders.Add("grpc-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return response;
    }

    private ChannelSender Sender(FakeReceiver receiver, DeliveryProtocol protocol, Action<string>? onRules = null)
    {
        var options = new ChannelOptions { Name = "main", Endpoint = new Uri("http://receiver.test:4318"), ApiKey = "key-1", Protocol = protocol };
        return new ChannelSender(new HttpMessageInvoker(receiver), options, _time, onRules);
    }
}
