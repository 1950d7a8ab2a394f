using Sluice.Testing;
using Sluice.Testing.DataSet;
using Sluice.Transforms.Tests.Schema;

namespace Sluice.Transforms.Tests.Queries;

/// <summary>
/// Runs every query of transforms/queries on a generated data set loaded into ClickHouse 18.16
/// and compares its answer with one computed in C# from the generated events.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class QueryLibraryTests(ClickHouseServer server) : IAsyncLifetime
{
    private const string Product = "editor";
    private const string From = "2026-11-20";
    private const string To = "2026-11-23";

    private QueryLibrary _library = null!;
    private QueryAnswers _answers = null!;
    private string _db = string.Empty;

    public async Task InitializeAsync()
    {
        _db = await server.CreateDatabaseAsync("queries");
        await EventLoader.MigrateAsync(server, _db);
        var all = EventGenerator.Generate(seed: 23, count: 8000, new DateTime(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc));
        foreach (var chunk in all.Chunk(2000))
        {
            await EventLoader.InsertAsync(server, _db, chunk);
        }

        _library = new QueryLibrary(server, _db, Product, From, To);
        _answers = new QueryAnswers([.. all.Where(r => r.Product == Product)], From, To);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Trends_MatchCSharp() => QueryLibrary.AssertTable(_answers.Trends(), await _library.RunAsync("trends.sql"));

    [Fact]
    public async Task ActiveUsers_DauWauMauAndStickiness_MatchCSharp() => QueryLibrary.AssertTable(_answers.ActiveUsers(), await _library.RunAsync("active_users.sql"));

    [Fact]
    public async Task TopEvents_MatchCSharp() => QueryLibrary.AssertTable(_answers.TopEvents(), await _library.RunAsync("top_events.sql"));

    [Fact]
    public async Task PlatformBreakdown_MatchCSharp() => QueryLibrary.AssertTable(_answers.PlatformBreakdown(), await _library.RunAsync("platform_breakdown.sql"));

    [Fact]
    public async Task VersionAdoption_MatchCSharp() => QueryLibrary.AssertTable(_answers.VersionAdoption(), await _library.RunAsync("version_adoption.sql"));

    [Fact]
    public async Task Funnel_MatchCSharp() => QueryLibrary.AssertTable(_answers.Funnel(), await _library.RunAsync("funnel.sql"));

    [Fact]
    public async Task RetentionCohorts_MatchCSharp() => QueryLibrary.AssertTable(_answers.RetentionCohorts(), await _library.RunAsync("retention_cohorts.sql"));

    [Fact]
    public async Task Sessions_MatchCSharp() => QueryLibrary.AssertTable(_answers.Sessions(), await _library.RunAsync("sessions.sql"));

    [Fact]
    public async Task CrashFree_MatchCSharp() => QueryLibrary.AssertTable(_answers.CrashFree(), await _library.RunAsync("crash_free.sql"));

    [Fact]
    public async Task SampledCounts_MatchCSharp() => QueryLibrary.AssertTable(_answers.SampledCounts(), await _library.RunAsync("sampled_counts.sql"));

    [Fact]
    public async Task IngestionDelay_CountsAndMaximumMatchCSharp_QuantilesMatchRawRows()
    {
        var actual = await _library.RunAsync("ingestion_delay.sql");
        QueryLibrary.AssertTable(_answers.IngestionDelay(), actual, skipColumns: 2);

        string raw = await server.QueryAsync(
            $"SELECT toStartOfHour(ReceivedTimestamp) AS h, quantilesTiming(0.5, 0.9, 0.99)(toUInt64(IngestionDelayNanos / 1000000)) FROM {_db}.otel_logs " +
            $"WHERE Product = '{Product}' AND ReceivedTimestamp >= toDateTime('{From} 00:00:00') AND ReceivedTimestamp < toDateTime('{To} 00:00:00') + 86400 GROUP BY h ORDER BY h");
        Assert.Equal(raw.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[1]), actual.Select(r => r[2]));
    }

    [Fact]
    public void Library_EveryQueryFileIsTested()
    {
        Assert.Equal(QueryLibrary.Files, Directory.GetFiles(QueryLibrary.Folder, "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
