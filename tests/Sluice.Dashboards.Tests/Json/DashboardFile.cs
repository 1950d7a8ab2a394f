using System.Text.Json;
using Sluice.Testing;

namespace Sluice.Dashboards.Tests.Json;

/// <summary>A panel's query as the dashboard JSON holds it.</summary>
internal sealed record PanelQuery(string Dashboard, string Title, string Type, string RawSql);

/// <summary>A query variable of a dashboard: its name, SQL and whether it is multi-value.</summary>
internal sealed record VariableQuery(string Dashboard, string Name, string Type, string Query, bool Multi);

/// <summary>Reads the dashboards in dashboards/json: their panels' and variables' SQL.</summary>
internal static class DashboardFile
{
    public static string Folder { get; } = Path.Combine(RepositoryRoot.Find(), "dashboards", "json");

    public static IEnumerable<string> Files() => Directory.EnumerateFiles(Folder, "*.json").Order(StringComparer.Ordinal);

    public static IEnumerable<PanelQuery> Panels(string file)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(file));
        string name = Path.GetFileName(file);
        var result = new List<PanelQuery>();
        foreach (JsonElement panel in AllPanels(document.RootElement))
        {
            if (!panel.TryGetProperty("targets", out JsonElement targets))
            {
                continue;
            }

            foreach (JsonElement target in targets.EnumerateArray())
            {
                result.Add(new PanelQuery(name, panel.GetProperty("title").GetString()!, panel.GetProperty("type").GetString()!, target.GetProperty("rawSql").GetString()!));
            }
        }

        return result;
    }

    public static IEnumerable<VariableQuery> Variables(string file)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(file));
        string name = Path.GetFileName(file);
        var result = new List<VariableQuery>();
        foreach (JsonElement variable in document.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            result.Add(new VariableQuery(
                name,
                variable.GetProperty("name").GetString()!,
                variable.GetProperty("type").GetString()!,
                variable.TryGetProperty("query", out JsonElement query) ? query.GetString() ?? string.Empty : string.Empty,
                variable.TryGetProperty("multi", out JsonElement multi) && multi.GetBoolean()));
        }

        return result;
    }

    private static IEnumerable<JsonElement> AllPanels(JsonElement dashboard)
    {
        foreach (JsonElement panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out JsonElement nested))
            {
                foreach (JsonElement inner in nested.EnumerateArray())
                {
                    yield return inner;
                }
            }
        }
    }
}
