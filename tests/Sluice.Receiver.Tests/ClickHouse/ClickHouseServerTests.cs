using Sluice.Receiver.ClickHouse;
using Sluice.Testing;

namespace Sluice.Receiver.Tests.ClickHouse;

/// <summary>The shared fixture's restart, which outage tests rely on. Tests of a collection run one at a time, so stopping the shared server here is safe.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseServerTests(ClickHouseServer server)
{
    [Fact]
    public async Task StopAsync_ThenStartAsync_SamePortAndDataServedAgain()
    {
        string db = await server.CreateDatabaseAsync("restart");
        await server.ExecuteAsync($"CREATE TABLE {db}.t (x UInt32) ENGINE = MergeTree ORDER BY x");
        await server.ExecuteAsync($"INSERT INTO {db}.t VALUES (7)");
        using var client = new ClickHouseClient(TestBatches.Config(server, db) with { Timeout = TimeSpan.FromSeconds(5) });

        await server.StopAsync();
        Assert.False(server.IsRunning);
        var down = await Assert.ThrowsAsync<ClickHouseException>(() => client.PingAsync(CancellationToken.None));
        Assert.True(down.IsTransient);

        await server.StartAsync();

        await client.PingAsync(CancellationToken.None);
        Assert.Equal("7", (await server.QueryAsync($"SELECT x FROM {db}.t")).Trim());
    }

    [Fact]
    public async Task CreateDatabaseAsync_SamePrefix_GivesDistinctDatabases()
    {
        string a = await server.CreateDatabaseAsync("same");
        string b = await server.CreateDatabaseAsync("same");

        Assert.NotEqual(a, b);
        Assert.Contains(b, await server.QueryAsync("SHOW DATABASES"), StringComparison.Ordinal);
    }

    [Fact]
    public void Started_WithoutMallocConfOfTheCaller_RunsWithJemallocKeepingFreedMemory()
    {
        // The setting that cut ClickHouse's CPU per inserted row about 3x (bench/README.md); a caller's own MALLOC_CONF is passed on instead.
        string expected = Environment.GetEnvironmentVariable("MALLOC_CONF") ?? ClickHouseServer.JemallocSettings;
        int pid = server.ProcessId ?? throw new InvalidOperationException("the shared ClickHouse is not running");

        string[] environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0');

        Assert.Contains("MALLOC_CONF=" + expected, environment);
    }

    [Fact]
    public async Task Eventually_ConditionNeverTrue_ThrowsNamingWhat()
    {
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => Eventually.UntilAsync(() => Task.FromResult(false), TimeSpan.FromMilliseconds(50), "the impossible"));

        Assert.Contains("the impossible", ex.Message, StringComparison.Ordinal);
    }
}
