using System.Net;
using Microsoft.Extensions.Time.Testing;
using Sluice.Sdk.Delivery;
using Sluice.Sdk.Offline;
using Sluice.Sdk.Tests.Testing;

namespace Sluice.Sdk.Tests.Delivery;

public sealed class DeliveryChannelTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Accept_Receiver503Then200_RetriesAfterBackoffAndSendsOnce()
    {
        var receiver = new FakeReceiver { Respond = (call, _) => new HttpResponseMessage(call <= 2 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK) };
        var (channel, store) = Create(receiver);
        await using var _ = channel;

        channel.Accept(OtlpLogsSplitterTests.Request(("res", 5)));

        await Wait.UntilAdvancingAsync(_time, TimeSpan.FromSeconds(1), () => channel.Counters.Sent == 5, "sent after retries");
        Assert.Equal(3, receiver.Calls);
        Assert.Equal(2, channel.Counters.Retried);
        Assert.Equal(0, store.FileCount);
        Assert.Equal(["r0", "r1", "r2", "r3", "r4"], receiver.AcceptedRecords().Select(r => r.EventName));
    }

    [Fact]
    public async Task Accept_429WithRetryAfter_WaitsAtLeastRetryAfter()
    {
        var receiver = new FakeReceiver
        {
            Respond = (call, _) =>
            {
                if (call > 1)
                {
                    return new HttpResponseMessage(HttpStatusCode.OK);
                }

                var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(30));
                return response;
            },
        };
        var (channel, _) = Create(receiver, maxDelay: TimeSpan.FromMinutes(1));
        await using var __ = channel;

        channel.Accept(OtlpLogsSplitterTests.Request(("res", 1)));
        await Wait.UntilAsync(() => receiver.Calls == 1 && channel.Counters.Retried == 1, "first refusal");
        _time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        Assert.Equal(1, receiver.Calls);

        await Wait.UntilAdvancingAsync(_time, TimeSpan.FromSeconds(1), () => channel.Counters.Sent == 1, "sent after Retry-After");
    }

    [Fact]
    public async Task Accept_413_NotRetriedCountedAndRemoved()
    {
        var receiver = new FakeReceiver { Respond = (_, _) => new HttpResponseMessage(HttpStatusCode.RequestEntityTooLarge) };
        var (channel, store) = Create(receiver);
        await using var _ = channel;

        channel.Accept(OtlpLogsSplitterTests.Request(("res", 4)));

        await Wait.UntilAsync(() => channel.Counters.PermanentFailures == 4, "permanent failure counted");
        Assert.Equal(1, receiver.Calls);
        await Wait.UntilAsync(() => store.FileCount == 0, "file removed");
    }

    [Fact]
    public async Task Accept_ReceiverDown_StaysOnDiskUntilItReturns()
    {
        var receiver = new FakeReceiver { Down = true };
        var (channel, store) = Create(receiver);
        await using var _ = channel;

        channel.Accept(OtlpLogsSplitterTests.Request(("res", 3)));
        channel.Accept(OtlpLogsSplitterTests.Request(("res", 2)));
        await Wait.UntilAdvancingAsync(_time, TimeSpan.FromSeconds(1), () => receiver.Calls >= 3, "a few attempts");
        Assert.Equal(2, store.FileCount);
        Assert.Equal(5, channel.Counters.Persisted);

        receiver.Down = false;

        await Wait.UntilAdvancingAsync(_time, TimeSpan.FromSeconds(1), () => channel.Counters.Sent == 5, "all sent");
        Assert.Equal(0, store.FileCount);
        Assert.Equal(["r0", "r1", "r2", "r0", "r1"], receiver.AcceptedRecords().Select(r => r.EventName));
    }

    [Fact]
    public async Task Accept_ManySmallStoredParts_SentTogetherWithinTheCaps()
    {
        var receiver = new FakeReceiver { Down = true };
        var (channel, store) = Create(receiver, maxEvents: 10);
        await using var _ = channel;
        for (var i = 0; i < 7; i++)
        {
            channel.Accept(OtlpLogsSplitterTests.Request(("res", 3)));
        }

        await Wait.UntilAsync(() => store.FileCount == 7, "seven parts stored");
        receiver.Down = false;

        await Wait.UntilAdvancingAsync(_time, TimeSpan.FromSeconds(1), () => channel.Counters.Sent == 21, "all sent");
        var accepted = receiver.Requests.Where(r => r.Accepted).Select(r => OtlpTestDecoder.Decode(OtlpTestDecoder.Gunzip(r.Payload)).Count).ToList();
        Assert.Equal([9, 9, 3], accepted);
        Assert.Equal(0, store.FileCount);
    }

    [Fact]
    public async Task Accept_AfterStop_StoresForTheNextRunWithoutThrowing()
    {
        var (channel, store) = Create(new FakeReceiver());
        await channel.DisposeAsync();

        channel.Accept(OtlpLogsSplitterTests.Request(("res", 2)));

        Assert.Equal(1, store.FileCount);
    }

    [Fact]
    public async Task Accept_DiskRefusesWrites_SendsFromMemory()
    {
        var receiver = new FakeReceiver();
        var (channel, store) = Create(receiver);
        await using var _ = channel;
        store.OpenWrite = _ => throw new IOException("No space left on device");

        channel.Accept(OtlpLogsSplitterTests.Request(("res", 3)));

        await Wait.UntilAsync(() => channel.Counters.Sent == 3, "sent from memory");
        Assert.Equal(3, store.Counters.WriteFailures);
    }

    private (DeliveryChannel Channel, OfflineStore Store) Create(FakeReceiver receiver, TimeSpan? maxDelay = null, int maxEvents = 1000)
    {
        var options = new ChannelOptions
        {
            Name = "main",
            Endpoint = new Uri("http://receiver.test:4318"),
            ApiKey = "k",
            MaxEventsPerRequest = maxEvents,
            RetryBaseDelay = TimeSpan.FromSeconds(1),
            RetryMaxDelay = maxDelay ?? TimeSpan.FromSeconds(4),
        };
        var store = new OfflineStore(_folder.Path, new OfflineStoreOptions(), _time);
        store.Open(["main"]);
        var sender = new ChannelSender(new HttpMessageInvoker(receiver), options, _time, null);
        var channel = new DeliveryChannel(options, store, sender, _time, new Random(7));
        channel.Start();
        return (channel, store);
    }
}
