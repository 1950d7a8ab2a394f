using Sluice.Testing;
using YamlDotNet.RepresentationModel;

namespace Sluice.Dashboards.Tests.OtelConfig;

/// <summary>otel-config/collector-gateway.yaml: valid, forwarding every signal to the receiver with the bearer key; broken copies fail naming the key.</summary>
public sealed class CollectorGatewayConfigTests
{
    private static readonly string OtelConfigFolder = Path.Combine(RepositoryRoot.Find(), "otel-config");
    private static readonly string Shipped = File.ReadAllText(Path.Combine(OtelConfigFolder, "collector-gateway.yaml"));

    [Fact]
    public void Validate_ShippedFile_NoErrors()
    {
        Assert.Empty(CollectorConfig.Validate(Shipped));
    }

    [Fact]
    public void Validate_UnknownKey_NamesTheKeyAndLine()
    {
        string broken = Shipped.Replace("    send_batch_max_size: 2000", "    send_batch_max_sise: 2000", StringComparison.Ordinal);

        string error = Assert.Single(CollectorConfig.Validate(broken));

        Assert.Contains("processors.batch.send_batch_max_sise: unknown key", error, StringComparison.Ordinal);
        Assert.StartsWith("line " + LineOf(broken, "send_batch_max_sise"), error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("    timeout: 30s", "    timeout: thirty", "exporters.otlphttp/sluice.timeout: expected a duration")]
    [InlineData("      queue_size: 5000", "      queue_size: lots", "exporters.otlphttp/sluice.sending_queue.queue_size: expected an integer")]
    [InlineData("      enabled: true\n      initial_interval", "      enabled: yes please\n      initial_interval", "exporters.otlphttp/sluice.retry_on_failure.enabled: expected true or false")]
    [InlineData("        max_recv_msg_size_mib: 8", "        max_recv_msg_size_mib: [8]", "receivers.otlp.protocols.grpc.max_recv_msg_size_mib: expected a int")]
    public void Validate_WrongType_NamesTheKey(string original, string replacement, string expected)
    {
        Assert.Contains(original, Shipped, StringComparison.Ordinal);
        string broken = Shipped.Replace(original, replacement, StringComparison.Ordinal);

        string error = Assert.Single(CollectorConfig.Validate(broken));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PipelineNamesUndefinedExporter_NamesThePipeline()
    {
        string broken = Shipped.Replace("      exporters: [otlphttp/sluice]\n  telemetry", "      exporters: [otlphttp/sluise]\n  telemetry", StringComparison.Ordinal);

        string error = Assert.Single(CollectorConfig.Validate(broken));

        Assert.Contains("service.pipelines.metrics.exporters: 'otlphttp/sluise' is not defined under exporters", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_QueueStorageNotEnabled_Fails()
    {
        string broken = Shipped.Replace("extensions: [health_check, file_storage/sluice_queue]", "extensions: [health_check]", StringComparison.Ordinal);

        Assert.Contains(CollectorConfig.Validate(broken), e => e.Contains("sending_queue.storage", StringComparison.Ordinal));
    }

    [Fact]
    public void ShippedFile_EverySignal_ForwardsToTheReceiverWithBearerKeyAndGzip()
    {
        var root = (YamlMappingNode)Load(Shipped);
        var exporter = (YamlMappingNode)Get(root, "exporters", "otlphttp/sluice");
        Assert.Equal("${env:SLUICE_RECEIVER_URL:-http://127.0.0.1:4318}", Scalar(exporter, "endpoint"));
        Assert.Equal("Bearer ${env:SLUICE_API_KEY}", Scalar((YamlMappingNode)Get(exporter, "headers"), "Authorization"));
        Assert.Equal("gzip", Scalar(exporter, "compression"));

        // The receiver's own default HTTP endpoint is where the gateway sends by default.
        Assert.Contains("${env:SLUICE_OTLP_HTTP_ENDPOINT:-127.0.0.1:4318}", File.ReadAllText(Path.Combine(OtelConfigFolder, "receiver.yaml")), StringComparison.Ordinal);

        var pipelines = (YamlMappingNode)Get(root, "service", "pipelines");
        foreach (string signal in new[] { "logs", "traces", "metrics" })
        {
            var exporters = (YamlSequenceNode)Get(pipelines, signal, "exporters");
            Assert.Equal(["otlphttp/sluice"], exporters.Select(e => ((YamlScalarNode)e).Value));
        }

        // Batches stay under the receiver's items-per-request cap (10,000).
        Assert.True(int.Parse(Scalar((YamlMappingNode)Get(root, "processors", "batch"), "send_batch_max_size"), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 10_000);
    }

    private static YamlNode Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents[0].RootNode;
    }

    private static YamlNode Get(YamlNode node, params string[] path)
    {
        foreach (string key in path)
        {
            node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        }

        return node;
    }

    private static string Scalar(YamlMappingNode map, string key) => ((YamlScalarNode)map.Children[new YamlScalarNode(key)]).Value!;

    private static string LineOf(string text, string needle) =>
        (text[..text.IndexOf(needle, StringComparison.Ordinal)].Count(c => c == '\n') + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
