using System.Diagnostics;
using System.Globalization;
using Sluice.Dashboards.Tests.DataSet;
using Sluice.Dashboards.Tests.Macros;
using Xunit.Abstractions;

namespace Sluice.Dashboards.Tests.Json;

/// <summary>
/// Every panel's SQL, expanded as Grafana and the ClickHouse plugin expand it, on ClickHouse 18.16
/// loaded through the real receiver: it must run, return rows, and agree with the same figures
/// computed from raw rows. Prints each query's time on the data set.
/// </summary>
[Collection(DashboardDataSetDefinition.Name)]
public sealed class PanelQueryTests(DashboardDataSet data, ITestOutputHelper output)
{
    // Printed against, never asserted: shared machines are noisy, and speed is a measurement.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    public static TheoryData<string, string> Panels()
    {
        var panels = new TheoryData<string, string>();
        foreach (string file in DashboardFile.Files())
        {
            foreach (PanelQuery panel in DashboardFile.Panels(file))
            {
                panels.Add(panel.Dashboard, panel.Title);
            }
        }

        return panels;
    }

    public static TheoryData<string, string> FilteredPanels()
    {
        var panels = new TheoryData<string, string>();
        foreach (string file in DashboardFile.Files())
        {
            foreach (PanelQuery panel in DashboardFile.Panels(file).Where(p => PanelChecks.Filtered.Contains(p.Title)))
            {
                panels.Add(panel.Dashboard, panel.Title);
            }
        }

        return panels;
    }

    public static TheoryData<string, string> QueryVariables()
    {
        var variables = new TheoryData<string, string>();
        foreach (string file in DashboardFile.Files())
        {
            foreach (VariableQuery variable in DashboardFile.Variables(file).Where(v => v.Type == "query"))
            {
                variables.Add(variable.Dashboard, variable.Name);
            }
        }

        return variables;
    }

    [Fact]
    public void Panels_EachHasAChecklist_NoneUnchecked()
    {
        var unchecked_ = Panels().Select(row => (string)row[1]).Where(title => !PanelChecks.ByTitle.ContainsKey(title)).ToList();
        Assert.True(unchecked_.Count == 0, "panels without a raw-rows check: " + string.Join(", ", unchecked_));
    }

    [Theory]
    [MemberData(nameof(Panels))]
    public async Task Panel_AllSelected_AgreesWithRawRows(string dashboard, string title)
    {
        await RunAndCheckAsync(dashboard, title, filtered: false);
    }

    [Theory]
    [MemberData(nameof(FilteredPanels))]
    public async Task Panel_VersionAndOsSelected_AgreesWithRawRows(string dashboard, string title)
    {
        await RunAndCheckAsync(dashboard, title, filtered: true);
    }

    [Theory]
    [MemberData(nameof(QueryVariables))]
    public async Task Variable_OnDataSet_ListsValues(string dashboard, string name)
    {
        VariableQuery variable = DashboardFile.Variables(Path.Combine(DashboardFile.Folder, dashboard)).Single(v => v.Name == name);
        GrafanaQuery query = await ContextAsync(dashboard, filtered: false);
        List<string> values = await ValuesAsync(query.Expand(variable.Query));
        Assert.NotEmpty(values);
        if (name == "product")
        {
            Assert.Equal([DashboardDataSet.Product], values);
        }
    }

    private async Task RunAndCheckAsync(string dashboard, string title, bool filtered)
    {
        PanelQuery panel = DashboardFile.Panels(Path.Combine(DashboardFile.Folder, dashboard)).Single(p => p.Title == title);
        GrafanaQuery query = await ContextAsync(dashboard, filtered);
        string sql = query.Expand(panel.RawSql);
        Assert.DoesNotContain("$", sql, StringComparison.Ordinal);

        var times = new List<TimeSpan>();
        Table? table = null;
        for (int run = 0; run < 3; run++)
        {
            var clock = Stopwatch.StartNew();
            string tsv;
            try
            {
                tsv = await data.ClickHouse.QueryAsync(sql + "\nFORMAT TSVWithNames");
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"{dashboard} / {title} failed:\n{sql}\n{e.Message}", e);
            }

            times.Add(clock.Elapsed);
            table = Table.Parse(tsv);
        }

        output.WriteLine($"{dashboard} / {title}: {table!.Rows.Count} rows; query time first {times[0].TotalMilliseconds:F0} ms, best {times.Min().TotalMilliseconds:F0} ms on {data.Events + data.HealthEvents:N0} log records{(filtered ? " (version and OS selected)" : string.Empty)}{(times.Min() >= Budget ? $" OVER THE {Budget.TotalSeconds} s BUDGET" : string.Empty)}");
        Assert.True(table.Rows.Count > 0, $"{title} returned no rows:\n{sql}");
        foreach (PanelCheck check in PanelChecks.ByTitle[title])
        {
            double panelFigure = table.Reduce(check.Column, check.Reduce);
            string raw = check.RawSql
                .Replace("{db}", data.Database, StringComparison.Ordinal)
                .Replace("{product}", DashboardDataSet.Product, StringComparison.Ordinal)
                .Replace("{from}", Unix(data.From), StringComparison.Ordinal)
                .Replace("{to}", Unix(data.To), StringComparison.Ordinal)
                .Replace("{step}", DashboardDataSet.Step.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{dims}", filtered ? " AND ServiceVersion IN ('2.0.0', '2.1.0') AND OsType IN ('linux')" : string.Empty, StringComparison.Ordinal);
            double rawFigure = double.Parse((await data.ClickHouse.QueryAsync(raw)).Trim(), CultureInfo.InvariantCulture);
            output.WriteLine($"  {check.Column} ({check.Reduce}): panel {panelFigure}, raw rows {rawFigure}");
            Assert.True(rawFigure > 0, $"{title}: the raw figure for {check.Column} is 0, so the comparison would prove nothing:\n{raw}");
            Assert.True(
                Math.Abs(panelFigure - rawFigure) <= 1e-3 * Math.Max(1, Math.Abs(rawFigure)),
                $"{title}: {check.Column} ({check.Reduce}) is {panelFigure} on the panel, {rawFigure} from raw rows.\npanel: {sql}\nraw: {raw}");
        }
    }

    // Variables as a dashboard opened on the data set has them: the product, "All" of every
    // multi-value list (its options from its own query), or version and OS narrowed; funnel steps.
    private async Task<GrafanaQuery> ContextAsync(string dashboard, bool filtered)
    {
        var variables = new Dictionary<string, TemplateVariable>(StringComparer.Ordinal)
        {
            ["database"] = TemplateVariable.Single(data.Database),
            ["product"] = TemplateVariable.Single(DashboardDataSet.Product),
            ["step1"] = TemplateVariable.Single("app.start"),
            ["step2"] = TemplateVariable.Single("page.view"),
            ["step3"] = TemplateVariable.Single("action.click"),
        };
        var query = new GrafanaQuery { From = data.From, To = data.To, Interval = TimeSpan.FromSeconds(DashboardDataSet.Step), Variables = variables };
        foreach (VariableQuery variable in DashboardFile.Variables(Path.Combine(DashboardFile.Folder, dashboard)).Where(v => v.Multi))
        {
            variables[variable.Name] = TemplateVariable.AllOf(await ValuesAsync(query.Expand(variable.Query)));
        }

        if (filtered)
        {
            variables["version"] = TemplateVariable.Some("2.0.0", "2.1.0");
            variables["os"] = TemplateVariable.Some("linux");
        }

        return query;
    }

    private async Task<List<string>> ValuesAsync(string sql) =>
        [.. (await data.ClickHouse.QueryAsync(sql + "\nFORMAT TSV")).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    private static string Unix(DateTime time) => new DateTimeOffset(time, TimeSpan.Zero).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private sealed class Table
    {
        public required string[] Columns { get; init; }

        public required List<string[]> Rows { get; init; }

        public static Table Parse(string tsv)
        {
            string[] lines = tsv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return new Table { Columns = lines[0].Split('\t'), Rows = [.. lines.Skip(1).Select(l => l.Split('\t'))] };
        }

        public double Reduce(string column, Reduce reduce)
        {
            int index = Array.IndexOf(Columns, column);
            Assert.True(index >= 0, $"the panel has no column {column}; it has {string.Join(", ", Columns)}");
            var values = Rows.Select(r => double.Parse(r[index], CultureInfo.InvariantCulture)).ToList();
            return reduce switch
            {
                Json.Reduce.Sum => values.Sum(),
                Json.Reduce.Max => values.Max(),
                _ => values[0],
            };
        }
    }
}
