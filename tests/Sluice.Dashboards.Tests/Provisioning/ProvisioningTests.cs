using System.Text.Json;
using System.Xml.Linq;
using Sluice.Dashboards.Tests.Json;
using Sluice.Testing;
using YamlDotNet.RepresentationModel;

namespace Sluice.Dashboards.Tests.Provisioning;

/// <summary>dashboards/provisioning: the data source every panel names, the dashboard provider, the read-only user.</summary>
public sealed class ProvisioningTests
{
    private static readonly string Folder = Path.Combine(RepositoryRoot.Find(), "dashboards", "provisioning");

    [Fact]
    public void DataSource_EveryPanelAndVariable_UsesTheProvisionedUid()
    {
        YamlMappingNode source = Single(Path.Combine(Folder, "datasources", "sluice-clickhouse.yaml"), "datasources");
        string uid = Scalar(source, "uid");
        Assert.Equal("grafana-clickhouse-datasource", Scalar(source, "type"));

        var wrong = new List<string>();
        foreach (string file in DashboardFile.Files())
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(file));
            foreach (JsonElement reference in DataSourceReferences(document.RootElement))
            {
                string? type = reference.TryGetProperty("type", out JsonElement t) ? t.GetString() : null;
                if (type == "grafana")
                {
                    continue; // Grafana's built-in annotations
                }

                if (type != "grafana-clickhouse-datasource" || reference.GetProperty("uid").GetString() != uid)
                {
                    wrong.Add($"{Path.GetFileName(file)}: {reference}");
                }
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void DataSource_ReadsAsTheReadOnlyUserWithSecretPassword()
    {
        YamlMappingNode source = Single(Path.Combine(Folder, "datasources", "sluice-clickhouse.yaml"), "datasources");
        var json = (YamlMappingNode)source.Children[new YamlScalarNode("jsonData")];
        var secure = (YamlMappingNode)source.Children[new YamlScalarNode("secureJsonData")];
        Assert.Equal("${SLUICE_CLICKHOUSE_READER}", Scalar(json, "username"));
        Assert.Equal("${SLUICE_CLICKHOUSE_READER_PASSWORD}", Scalar(secure, "password"));

        XElement user = XDocument.Load(Path.Combine(Folder, "clickhouse-reader.xml")).Root!.Element("users")!.Element("sluice_reader")!;
        string profile = user.Element("profile")!.Value;
        XElement settings = XDocument.Load(Path.Combine(Folder, "clickhouse-reader.xml")).Root!.Element("profiles")!.Element(profile)!;
        Assert.Contains(settings.Element("readonly")!.Value, new[] { "1", "2" });
    }

    [Fact]
    public void DashboardProvider_LoadsFilesIntoTheSluiceFolder()
    {
        YamlMappingNode provider = Single(Path.Combine(Folder, "dashboards", "sluice.yaml"), "providers");
        Assert.Equal("file", Scalar(provider, "type"));
        Assert.Equal("Sluice", Scalar(provider, "folder"));
        Assert.Equal("${SLUICE_DASHBOARDS_PATH}", Scalar((YamlMappingNode)provider.Children[new YamlScalarNode("options")], "path"));
    }

    private static IEnumerable<JsonElement> DataSourceReferences(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (property.Name == "datasource" && property.Value.ValueKind == JsonValueKind.Object)
                {
                    yield return property.Value;
                }
                else
                {
                    foreach (JsonElement inner in DataSourceReferences(property.Value))
                    {
                        yield return inner;
                    }
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in element.EnumerateArray())
            {
                foreach (JsonElement inner in DataSourceReferences(item))
                {
                    yield return inner;
                }
            }
        }
    }

    private static YamlMappingNode Single(string path, string list)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        Assert.Equal("1", Scalar(root, "apiVersion"));
        return (YamlMappingNode)Assert.Single((YamlSequenceNode)root.Children[new YamlScalarNode(list)]);
    }

    private static string Scalar(YamlMappingNode map, string key) => ((YamlScalarNode)map.Children[new YamlScalarNode(key)]).Value!;
}
