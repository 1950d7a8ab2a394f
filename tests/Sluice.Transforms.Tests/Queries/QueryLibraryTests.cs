using System.Globalization;
using Sluice.Testing;
using Sluice.Transforms.Tests.Schema;

namespace Sluice.Transforms.Tests.Queries;

/// <summary>
/// Runs every query of transforms/queries on a generated data set loaded into ClickHouse 18.16
/// and compares its answer with one computed here in C# from the generated events.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class QueryLibraryTests(ClickHouseServer server) : IAsyncLifetime
{
    private const string Product = "editor";
    private const string From = "2026-11-20";
    private const string To = "2026-11-23";
    private static readonly string QueriesFolder = Path.Combine(RepositoryRoot.Find(), "transforms", "queries");

    private string _db = string.Empty;
    private List<Row> _all = [];
    private List<Row> _rows = [];

    public async Task InitializeAsync()
    {
        _db = await server.CreateDatabaseAsync("queries");
        await EventLoader.MigrateAsync(server, _db);
        _all = EventGenerator.Generate(seed: 23, count: 8000);
        foreach (var chunk in _all.Chunk(2000))
        {
            await EventLoader.InsertAsync(server, _db, chunk);
        }

        _rows = [.. _all.Where(r => r.Product == Product)];
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<List<string[]>> RunAsync(string file, params (string Name, string Value)[] parameters)
    {
        string sql = (await File.ReadAllTextAsync(Path.Combine(QueriesFolder, file)))
            .Replace("{database}", _db, StringComparison.Ordinal)
            .Replace("{product}", Product, StringComparison.Ordinal)
            .Replace("{from}", From, StringComparison.Ordinal)
            .Replace("{to}", To, StringComparison.Ordinal);
        foreach (var (name, value) in parameters)
        {
            sql = sql.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }

        string tsv = await server.QueryAsync(sql);
        return [.. tsv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t'))];
    }

    private static void AssertTable(IReadOnlyList<object[]> expected, List<string[]> actual, params int[] skipColumns)
    {
        Assert.True(expected.Count > 0, "the C# answer is empty: the test would prove nothing");
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int c = 0; c < expected[i].Length; c++)
            {
                if (Array.IndexOf(skipColumns, c) >= 0)
                {
                    continue;
                }

                string cell = actual[i][c];
                switch (expected[i][c])
                {
                    case double d when double.IsNaN(d):
                        Assert.Equal("nan", cell);
                        break;
                    case double d:
                        Assert.True(Math.Abs(d - double.Parse(cell, CultureInfo.InvariantCulture)) <= 1e-3 * Math.Max(1, Math.Abs(d)), $"row {i} column {c}: expected {d}, got {cell}");
                        break;
                    case object value:
                        Assert.Equal(Convert.ToString(value, CultureInfo.InvariantCulture), cell);
                        break;
                }
            }
        }
    }

    private static string Day(DateTime time) => time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private bool InRange(Row row) => string.CompareOrdinal(Day(row.Time), From) >= 0 && string.CompareOrdinal(Day(row.Time), To) <= 0;

    [Fact]
    public async Task Trends_MatchCSharp()
    {
        var expected = _rows.Where(InRange)
            .GroupBy(r => (Day: Day(r.Time), r.EventName))
            .OrderBy(g => g.Key.Day, StringComparer.Ordinal).ThenBy(g => g.Key.EventName, StringComparer.Ordinal)
            .Select(g => new object[] { g.Key.Day, g.Key.EventName, g.Count(), g.Sum(r => 1 / r.SampleRate) })
            .ToList();

        AssertTable(expected, await RunAsync("trends.sql"));
    }

    [Fact]
    public async Task ActiveUsers_DauWauMauAndStickiness_MatchCSharp()
    {
        var days = _rows.Where(r => r.UserId.Length > 0).GroupBy(r => r.Time.Date).ToDictionary(g => g.Key, g => g.Select(r => r.UserId).ToHashSet(StringComparer.Ordinal));
        int Distinct(DateTime day, int window) =>
            Enumerable.Range(0, window).SelectMany(o => days.GetValueOrDefault(day.AddDays(-o)) ?? []).Distinct(StringComparer.Ordinal).Count();

        var expected = new List<object[]>();
        for (DateTime day = DateTime.Parse(From, CultureInfo.InvariantCulture); day <= DateTime.Parse(To, CultureInfo.InvariantCulture); day = day.AddDays(1))
        {
            int dau = Distinct(day, 1);
            int mau = Distinct(day, 30);
            expected.Add([Day(day), dau, Distinct(day, 7), mau, (double)dau / mau]);
        }

        AssertTable(expected, await RunAsync("active_users.sql"));
    }

    [Fact]
    public async Task TopEvents_MatchCSharp()
    {
        var expected = _rows.Where(InRange)
            .GroupBy(r => r.EventName)
            .Select(g => (Name: g.Key, Estimated: g.Sum(r => 1 / r.SampleRate), Stored: g.Count()))
            .OrderByDescending(e => Math.Round(e.Estimated, 3)).ThenBy(e => e.Name, StringComparer.Ordinal)
            .Take(20)
            .Select(e => new object[] { e.Name, e.Estimated, e.Stored })
            .ToList();

        AssertTable(expected, await RunAsync("top_events.sql"));
    }

    [Fact]
    public async Task PlatformBreakdown_MatchCSharp()
    {
        var inRange = _rows.Where(InRange).ToList();
        double total = inRange.Sum(r => 1 / r.SampleRate);
        var expected = inRange
            .GroupBy(r => (r.OsType, r.Channel))
            .OrderBy(g => g.Key.OsType, StringComparer.Ordinal).ThenBy(g => g.Key.Channel, StringComparer.Ordinal)
            .Select(g => new object[] { g.Key.OsType, g.Key.Channel, g.Count(), g.Sum(r => 1 / r.SampleRate), g.Sum(r => 1 / r.SampleRate) / total })
            .ToList();

        AssertTable(expected, await RunAsync("platform_breakdown.sql"));
    }

    [Fact]
    public async Task VersionAdoption_MatchCSharp()
    {
        var inRange = _rows.Where(InRange).ToList();
        var dayDevices = inRange.GroupBy(r => Day(r.Time)).ToDictionary(g => g.Key, g => g.Select(r => r.DeviceId).Distinct(StringComparer.Ordinal).Count(), StringComparer.Ordinal);
        var expected = inRange
            .GroupBy(r => (Day: Day(r.Time), r.Version))
            .OrderBy(g => g.Key.Day, StringComparer.Ordinal).ThenBy(g => g.Key.Version, StringComparer.Ordinal)
            .Select(g =>
            {
                int devices = g.Select(r => r.DeviceId).Distinct(StringComparer.Ordinal).Count();
                return new object[] { g.Key.Day, g.Key.Version, devices, (double)devices / dayDevices[g.Key.Day] };
            })
            .ToList();

        AssertTable(expected, await RunAsync("version_adoption.sql"));
    }

    [Fact]
    public async Task Funnel_MatchCSharp()
    {
        string[] steps = ["app.start", "page.view", "action.click"];
        var levels = _rows.Where(r => InRange(r) && r.UserId.Length > 0)
            .GroupBy(r => r.UserId)
            .Select(g => FunnelLevel([.. g.OrderBy(r => r.Time)], steps, TimeSpan.FromHours(1)))
            .ToList();
        var expected = Enumerable.Range(1, 3).Select(step => new object[] { step, levels.Count(l => l >= step) }).ToList();

        AssertTable(expected, await RunAsync("funnel.sql", ("step1", steps[0]), ("step2", steps[1]), ("step3", steps[2])));
    }

    // The deepest step reached in order, each step within the window of the first step's time.
    private static int FunnelLevel(List<Row> events, string[] steps, TimeSpan window)
    {
        var starts = new DateTime?[steps.Length];
        int best = 0;
        foreach (Row row in events)
        {
            int step = Array.IndexOf(steps, row.EventName);
            if (step == 0)
            {
                starts[0] = row.Time;
                best = Math.Max(best, 1);
            }
            else if (step > 0 && starts[step - 1] is { } start && row.Time <= start + window)
            {
                starts[step] = start;
                best = Math.Max(best, step + 1);
            }
        }

        return best;
    }

    [Fact]
    public async Task RetentionCohorts_MatchCSharp()
    {
        var activity = _rows.Where(r => InRange(r) && r.UserId.Length > 0)
            .GroupBy(r => r.UserId)
            .Select(g => (Cohort: g.Min(r => r.Time.Date), Days: g.Select(r => r.Time.Date).Distinct().ToList()))
            .ToList();
        var expected = activity
            .SelectMany(u => u.Days.Select(d => (Cohort: u.Cohort, Offset: (d - u.Cohort).Days)))
            .GroupBy(x => x)
            .OrderBy(g => g.Key.Cohort).ThenBy(g => g.Key.Offset)
            .Select(g => new object[] { Day(g.Key.Cohort), g.Key.Offset, g.Count() })
            .ToList();

        AssertTable(expected, await RunAsync("retention_cohorts.sql"));
    }

    [Fact]
    public async Task Sessions_MatchCSharp()
    {
        var sessions = _rows.GroupBy(r => r.SessionId)
            .Select(g => (Start: g.Min(r => r.TimeNanos), Length: (g.Max(r => r.TimeNanos) - g.Min(r => r.TimeNanos)) / 1e9, Events: g.Count()))
            .ToList();
        var expected = sessions
            .GroupBy(s => Day(DateTime.UnixEpoch.AddSeconds(s.Start / 1_000_000_000)))
            .Where(g => string.CompareOrdinal(g.Key, From) >= 0 && string.CompareOrdinal(g.Key, To) <= 0)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var lengths = g.Select(s => s.Length).Order().ToList();
                return new object[] { g.Key, g.Count(), lengths.Average(), lengths[Math.Min(lengths.Count - 1, (int)(0.5 * lengths.Count))], g.Average(s => s.Events) };
            })
            .ToList();

        AssertTable(expected, await RunAsync("sessions.sql"));
    }

    [Fact]
    public async Task CrashFree_MatchCSharp()
    {
        static double Ratio(int part, int whole) => whole == 0 ? double.NaN : 1 - (double)part / whole;
        static int Users(IEnumerable<Row> rows) => rows.Where(r => r.UserId.Length > 0).Select(r => r.UserId).Distinct(StringComparer.Ordinal).Count();
        var expected = _rows.Where(InRange)
            .GroupBy(r => (Day: Day(r.Time), r.Version))
            .OrderBy(g => g.Key.Day, StringComparer.Ordinal).ThenBy(g => g.Key.Version, StringComparer.Ordinal)
            .Select(g =>
            {
                var crashes = g.Where(r => r.Kind == "error" && !r.Handled).ToList();
                int sessions = g.Select(r => r.SessionId).Distinct(StringComparer.Ordinal).Count();
                return new object[]
                {
                    g.Key.Day, g.Key.Version, g.Count(r => r.Kind == "error"), crashes.Count, Users(g),
                    Ratio(Users(crashes), Users(g)), Ratio(crashes.Select(r => r.SessionId).Distinct(StringComparer.Ordinal).Count(), sessions),
                };
            })
            .ToList();

        AssertTable(expected, await RunAsync("crash_free.sql"));
    }

    [Fact]
    public async Task IngestionDelay_CountsAndMaximumMatchCSharp_QuantilesMatchRawRows()
    {
        var expected = _rows
            .GroupBy(r => new DateTime(r.Received.Year, r.Received.Month, r.Received.Day, r.Received.Hour, 0, 0, DateTimeKind.Utc))
            .Where(g => string.CompareOrdinal(Day(g.Key), From) >= 0 && string.CompareOrdinal(Day(g.Key), To) <= 0)
            .OrderBy(g => g.Key)
            .Select(g => new object[] { g.Key.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), g.Count(), "quantiles", g.Max(r => r.ReceivedNanos - r.TimeNanos) / 1e9 })
            .ToList();

        var actual = await RunAsync("ingestion_delay.sql");
        AssertTable(expected, actual, skipColumns: 2);

        string raw = await server.QueryAsync(
            $"SELECT toStartOfHour(ReceivedTimestamp) AS h, quantilesTiming(0.5, 0.9, 0.99)(toUInt64(IngestionDelayNanos / 1000000)) FROM {_db}.otel_logs " +
            $"WHERE Product = '{Product}' AND ReceivedTimestamp >= toDateTime('{From} 00:00:00') AND ReceivedTimestamp < toDateTime('{To} 00:00:00') + 86400 GROUP BY h ORDER BY h");
        Assert.Equal(raw.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[1]), actual.Select(r => r[2]));
    }

    [Fact]
    public async Task SampledCounts_MatchCSharp()
    {
        var expected = _rows.Where(InRange)
            .GroupBy(r => r.EventName)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new object[] { g.Key, g.Count(), g.Sum(r => 1 / r.SampleRate), g.Min(r => r.SampleRate) })
            .ToList();

        AssertTable(expected, await RunAsync("sampled_counts.sql"));
    }

    [Fact]
    public void Library_EveryQueryFileIsTested()
    {
        string[] tested =
        [
            "active_users.sql", "crash_free.sql", "funnel.sql", "ingestion_delay.sql", "platform_breakdown.sql", "retention_cohorts.sql",
            "sampled_counts.sql", "sessions.sql", "top_events.sql", "trends.sql", "version_adoption.sql",
        ];

        Assert.Equal(tested, Directory.GetFiles(QueriesFolder, "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
