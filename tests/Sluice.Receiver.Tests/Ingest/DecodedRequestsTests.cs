using Sluice.Receiver.Ingest;

namespace Sluice.Receiver.Tests.Ingest;

public sealed class DecodedRequestsTests
{
    [Fact]
    public void TryReserve_StopsAtTheBound_AndRoomComesBackWhenAHandedRequestIsDisposed()
    {
        var decoded = new DecodedRequests(maxPayloadBytes: 1000);
        Assert.True(decoded.TryReserve(600));
        Assert.False(decoded.TryReserve(600));
        Assert.True(decoded.TryReserve(400));
        Assert.Equal(1000, decoded.HeldBytes);

        var request = decoded.Hand(decoded.Rent(), 600);
        decoded.Unreserve(400);
        Assert.Equal(600, decoded.HeldBytes);

        request.Dispose();
        request.Dispose();
        Assert.Equal(0, decoded.HeldBytes);
        Assert.Equal(1, decoded.HandedOver);
        Assert.Throws<ObjectDisposedException>(() => request.Batch);
    }

    [Fact]
    public void DisposedRequest_GivesItsBatchBackCleared()
    {
        var decoded = new DecodedRequests();
        var batch = decoded.Rent();
        batch.Product = "shop";
        batch.Logs.Add(batch.NewLog(4));
        Assert.True(decoded.TryReserve(10));
        decoded.Hand(batch, 10).Dispose();

        var again = decoded.Rent();
        Assert.Same(batch, again);
        Assert.Equal(0, again.Count);
        Assert.Equal(string.Empty, again.Product);
    }

    [Fact]
    public void ZeroBound_NeverReserves()
    {
        var decoded = new DecodedRequests(maxPayloadBytes: 0);
        Assert.False(decoded.TryReserve(1));
        Assert.Equal(0, decoded.HeldBytes);
    }
}
