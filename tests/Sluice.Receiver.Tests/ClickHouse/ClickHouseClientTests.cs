using Sluice.Receiver.ClickHouse;
using Sluice.Receiver.Configuration;
using Sluice.Testing;

namespace Sluice.Receiver.Tests.ClickHouse;

[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseClientTests(ClickHouseServer server)
{
    [Fact]
    public async Task ExecuteAsync_ServerRefuses_ThrowsWithServersMessage()
    {
        using var client = new ClickHouseClient(TestBatches.Config(server, "default"));

        var ex = await Assert.ThrowsAsync<ClickHouseException>(() => client.ExecuteAsync("SELECT * FROM default.no_such_table_here", CancellationToken.None));

        Assert.Contains("no_such_table_here", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_table_here", ex.ServerMessage, StringComparison.Ordinal);
        Assert.Equal(60, ex.ErrorCode); // UNKNOWN_TABLE
        Assert.False(ex.IsTransient);
    }

    [Fact]
    public async Task InsertAsync_TableMissing_ThrowsWithServersMessage()
    {
        string db = await server.CreateDatabaseAsync("nomigration");
        using var client = new ClickHouseClient(TestBatches.Config(server, db));
        using var writers = new TableWriterSet();
        var batch = TestBatches.Batch();
        batch.Logs.Add(TestBatches.Log(1, 1_763_900_000_000_000_000, TestBatches.Resource(), TestBatches.Scope()));
        writers.Append(batch);

        var ex = await Assert.ThrowsAsync<ClickHouseException>(() => client.InsertAsync(writers.NonEmpty.Single(), CancellationToken.None));

        Assert.Contains("otel_logs", ex.ServerMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryAsync_WithFormat_ReturnsBody()
    {
        using var client = new ClickHouseClient(TestBatches.Config(server, "default"));

        string body = await client.QueryAsync("SELECT number, toString(number * 2) FROM system.numbers LIMIT 3 FORMAT TSV", CancellationToken.None);

        Assert.Equal("0\t0\n1\t2\n2\t4\n", body);
    }

    [Fact]
    public async Task PingAsync_NothingListening_ThrowsTransient()
    {
        var config = new ClickHouseExporterConfig { Endpoint = $"http://127.0.0.1:{FreePort.Get()}", Timeout = TimeSpan.FromSeconds(5) };
        using var client = new ClickHouseClient(config);

        var ex = await Assert.ThrowsAsync<ClickHouseException>(() => client.PingAsync(CancellationToken.None));

        Assert.True(ex.IsTransient);
        Assert.Null(ex.StatusCode);
    }

    [Fact]
    public async Task PingAsync_ServerUp_Returns()
    {
        using var client = new ClickHouseClient(TestBatches.Config(server, "default"));

        await client.PingAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("zstd")]
    [InlineData("lz4")]
    public void Constructor_CompressionServerMayRefuse_Throws(string compress)
    {
        Assert.Throws<ArgumentException>(() => new ClickHouseClient(new ClickHouseExporterConfig { Compress = compress }));
    }

    [Fact]
    public void Constructor_DatabaseNeedingQuotes_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ClickHouseClient(new ClickHouseExporterConfig { Database = "x; DROP TABLE y" }));
    }
}
