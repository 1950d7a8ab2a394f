using System.Globalization;
using Xunit;

namespace Sluice.Testing.DataSet;

/// <summary>
/// Runs the files of transforms/queries with their placeholders filled, and the answers each
/// should give computed here in C# from the generated events, independently of ClickHouse.
/// </summary>
public sealed class QueryLibrary(ClickHouseServer server, string database, string product, string from, string to)
{
    /// <summary>The funnel's steps.</summary>
    public static readonly string[] FunnelSteps = ["app.start", "page.view", "action.click"];

    /// <summary>Every file of the library, by name.</summary>
    public static readonly string[] Files =
    [
        "active_users.sql", "crash_free.sql", "funnel.sql", "ingestion_delay.sql", "platform_breakdown.sql", "retention_cohorts.sql",
        "sampled_counts.sql", "sessions.sql", "top_events.sql", "trends.sql", "version_adoption.sql",
    ];

    public static string Folder { get; } = Path.Combine(RepositoryRoot.Find(), "transforms", "queries");

    /// <summary>The SQL of <paramref name="file"/> with every placeholder filled.</summary>
    public string Sql(string file) =>
        File.ReadAllText(Path.Combine(Folder, file))
            .Replace("{database}", database, StringComparison.Ordinal)
            .Replace("{product}", product, StringComparison.Ordinal)
            .Replace("{from}", from, StringComparison.Ordinal)
            .Replace("{to}", to, StringComparison.Ordinal)
            .Replace("{step1}", FunnelSteps[0], StringComparison.Ordinal)
            .Replace("{step2}", FunnelSteps[1], StringComparison.Ordinal)
            .Replace("{step3}", FunnelSteps[2], StringComparison.Ordinal);

    /// <summary>Runs <paramref name="file"/>; returns its rows as TSV cells.</summary>
    public async Task<List<string[]>> RunAsync(string file)
    {
        string tsv = await server.QueryAsync(Sql(file));
        return [.. tsv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t'))];
    }

    /// <summary>
    /// Asserts ClickHouse's rows equal the C# answer: numbers within 0.1% (ClickHouse rounds),
    /// NaN as <c>nan</c>, everything else as text. Columns in <paramref name="skipColumns"/> are not compared.
    /// </summary>
    public static void AssertTable(IReadOnlyList<object[]> expected, List<string[]> actual, params int[] skipColumns)
    {
        Assert.True(expected.Count > 0, "the C# answer is empty: the comparison would prove nothing");
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
}
