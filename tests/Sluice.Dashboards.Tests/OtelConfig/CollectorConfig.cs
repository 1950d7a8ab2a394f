using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Sluice.Dashboards.Tests.OtelConfig;

/// <summary>
/// Checks an OpenTelemetry Collector config against the settings of the components the gateway
/// config uses (otlp receiver, memory_limiter and batch processors, otlphttp exporter,
/// health_check and file_storage extensions), as documented in each component's README in the
/// Collector and Collector-contrib repositories: unknown keys, wrong value types, components used
/// by the service but not defined, and a queue storage that is not a defined extension. Every
/// error names its key path and line. (No otelcol-contrib binary is installable here; this is the
/// part of its `validate` command that matters for this file.)
/// </summary>
internal static partial class CollectorConfig
{
    private enum Kind
    {
        String,
        Int,
        Bool,
        Duration,
        Endpoint,
        Percent,
    }

    private abstract record Shape;

    private sealed record Scalar(Kind Kind) : Shape;

    private sealed record Map(Dictionary<string, Shape> Keys) : Shape;

    /// <summary>Any keys, every value of one shape (headers).</summary>
    private sealed record AnyKeys(Shape Value) : Shape;

    private sealed record ListOf(Shape Item) : Shape;

    private static readonly Scalar Str = new(Kind.String);
    private static readonly Scalar Int = new(Kind.Int);
    private static readonly Scalar Bool = new(Kind.Bool);
    private static readonly Scalar Duration = new(Kind.Duration);
    private static readonly Scalar Endpoint = new(Kind.Endpoint);
    private static readonly Scalar Percent = new(Kind.Percent);

    private static Map M(params (string Key, Shape Shape)[] keys) => new(keys.ToDictionary(k => k.Key, k => k.Shape, StringComparer.Ordinal));

    private static readonly Map Tls = M(("insecure", Bool), ("insecure_skip_verify", Bool), ("ca_file", Str), ("cert_file", Str), ("key_file", Str), ("min_version", Str), ("server_name_override", Str));

    private static readonly Dictionary<string, Map> Receivers = new(StringComparer.Ordinal)
    {
        ["otlp"] = M(("protocols", M(
            ("grpc", M(("endpoint", Endpoint), ("transport", Str), ("max_recv_msg_size_mib", Int), ("max_concurrent_streams", Int), ("read_buffer_size", Int), ("write_buffer_size", Int), ("include_metadata", Bool), ("tls", Tls), ("auth", M(("authenticator", Str))))),
            ("http", M(("endpoint", Endpoint), ("max_request_body_size", Int), ("include_metadata", Bool), ("tls", Tls), ("auth", M(("authenticator", Str))), ("logs_url_path", Str), ("traces_url_path", Str), ("metrics_url_path", Str), ("cors", M(("allowed_origins", new ListOf(Str)), ("allowed_headers", new ListOf(Str)), ("max_age", Int)))))))),
    };

    private static readonly Dictionary<string, Map> Processors = new(StringComparer.Ordinal)
    {
        ["memory_limiter"] = M(("check_interval", Duration), ("limit_mib", Int), ("spike_limit_mib", Int), ("limit_percentage", Percent), ("spike_limit_percentage", Percent)),
        ["batch"] = M(("send_batch_size", Int), ("send_batch_max_size", Int), ("timeout", Duration), ("metadata_keys", new ListOf(Str)), ("metadata_cardinality_limit", Int)),
    };

    private static readonly Dictionary<string, Map> Exporters = new(StringComparer.Ordinal)
    {
        ["otlphttp"] = M(
            ("endpoint", Str), ("logs_endpoint", Str), ("traces_endpoint", Str), ("metrics_endpoint", Str), ("headers", new AnyKeys(Str)),
            ("compression", Str), ("encoding", Str), ("timeout", Duration), ("read_buffer_size", Int), ("write_buffer_size", Int), ("tls", Tls),
            ("auth", M(("authenticator", Str))),
            ("retry_on_failure", M(("enabled", Bool), ("initial_interval", Duration), ("randomization_factor", Str), ("multiplier", Str), ("max_interval", Duration), ("max_elapsed_time", Duration))),
            ("sending_queue", M(("enabled", Bool), ("num_consumers", Int), ("queue_size", Int), ("storage", Str), ("blocking", Bool), ("sizer", Str)))),
    };

    private static readonly Dictionary<string, Map> Extensions = new(StringComparer.Ordinal)
    {
        ["health_check"] = M(("endpoint", Endpoint), ("path", Str), ("check_collector_pipeline", M(("enabled", Bool), ("interval", Duration), ("exporter_failure_threshold", Int)))),
        ["file_storage"] = M(("directory", Str), ("timeout", Duration), ("create_directory", Bool), ("fsync", Bool), ("compaction", M(("on_start", Bool), ("on_rebound", Bool), ("directory", Str)))),
    };

    private static readonly Map Service = M(
        ("extensions", new ListOf(Str)),
        ("pipelines", new AnyKeys(M(("receivers", new ListOf(Str)), ("processors", new ListOf(Str)), ("exporters", new ListOf(Str))))),
        ("telemetry", M(("logs", M(("level", Str), ("encoding", Str))), ("metrics", M(("level", Str))))));

    private static readonly string[] Sections = ["receivers", "processors", "exporters", "extensions", "connectors", "service"];

    [GeneratedRegex(@"\$\{(?:env:)?(\w+)(?::-([^}]*))?\}", RegexOptions.CultureInvariant)]
    private static partial Regex EnvReference();

    [GeneratedRegex(@"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex GoDuration();

    [GeneratedRegex(@"^[\w.\-\[\]:]*:\d{1,5}$", RegexOptions.CultureInvariant)]
    private static partial Regex HostPort();

    /// <summary>Every error in <paramref name="yaml"/> (empty when valid), each as <c>line N: key.path: what is wrong</c>.</summary>
    public static List<string> Validate(string yaml)
    {
        var errors = new List<string>();
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return ["the file is not a YAML mapping"];
        }

        var defined = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach ((YamlNode keyNode, YamlNode value) in root.Children)
        {
            string section = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            if (!Sections.Contains(section))
            {
                errors.Add(Error(keyNode, section, $"unknown key; allowed: {string.Join(", ", Sections)}"));
                continue;
            }

            if (section == "service")
            {
                Check(value, Service, "service", errors);
                continue;
            }

            Dictionary<string, Map>? types = section switch
            {
                "receivers" => Receivers,
                "processors" => Processors,
                "exporters" => Exporters,
                "extensions" => Extensions,
                _ => null,
            };
            defined[section] = new HashSet<string>(StringComparer.Ordinal);
            if (value is not YamlMappingNode components)
            {
                errors.Add(Error(value, section, "expected a mapping of components"));
                continue;
            }

            foreach ((YamlNode nameNode, YamlNode settings) in components.Children)
            {
                string name = ((YamlScalarNode)nameNode).Value ?? string.Empty;
                string type = name.Split('/')[0];
                defined[section].Add(name);
                if (types is null || !types.TryGetValue(type, out Map? shape))
                {
                    errors.Add(Error(nameNode, $"{section}.{name}", $"unknown component type '{type}'" + (types is null ? string.Empty : $"; known here: {string.Join(", ", types.Keys)}")));
                    continue;
                }

                if (settings is YamlScalarNode { Value: null or "" })
                {
                    continue;
                }

                Check(settings, shape, $"{section}.{name}", errors);
            }
        }

        CheckReferences(root, defined, errors);
        return errors;
    }

    private static void CheckReferences(YamlMappingNode root, Dictionary<string, HashSet<string>> defined, List<string> errors)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode("service"), out YamlNode? service) || service is not YamlMappingNode serviceMap)
        {
            errors.Add("service: missing; the Collector runs nothing without service.pipelines");
            return;
        }

        void Referenced(YamlNode list, string section, string path)
        {
            if (list is not YamlSequenceNode items)
            {
                return;
            }

            foreach (YamlNode item in items)
            {
                string name = ((YamlScalarNode)item).Value ?? string.Empty;
                if (!defined.GetValueOrDefault(section, []).Contains(name))
                {
                    errors.Add(Error(item, path, $"'{name}' is not defined under {section}"));
                }
            }
        }

        if (serviceMap.Children.TryGetValue(new YamlScalarNode("extensions"), out YamlNode? extensions))
        {
            Referenced(extensions, "extensions", "service.extensions");
        }

        if (!serviceMap.Children.TryGetValue(new YamlScalarNode("pipelines"), out YamlNode? pipelines) || pipelines is not YamlMappingNode pipelineMap || pipelineMap.Children.Count == 0)
        {
            errors.Add(Error(serviceMap, "service.pipelines", "missing or empty"));
            return;
        }

        foreach ((YamlNode nameNode, YamlNode pipeline) in pipelineMap.Children)
        {
            string name = ((YamlScalarNode)nameNode).Value ?? string.Empty;
            string signal = name.Split('/')[0];
            if (signal is not ("logs" or "traces" or "metrics"))
            {
                errors.Add(Error(nameNode, $"service.pipelines.{name}", "a pipeline is named logs, traces or metrics (optionally /name)"));
            }

            if (pipeline is not YamlMappingNode parts)
            {
                continue;
            }

            foreach (string part in new[] { "receivers", "processors", "exporters" })
            {
                if (parts.Children.TryGetValue(new YamlScalarNode(part), out YamlNode? list))
                {
                    Referenced(list, part, $"service.pipelines.{name}.{part}");
                }
                else if (part != "processors")
                {
                    errors.Add(Error(pipeline, $"service.pipelines.{name}.{part}", "missing; a pipeline needs at least one"));
                }
            }
        }

        // A queue stored on disk names a storage extension, which must be defined and enabled.
        if (root.Children.TryGetValue(new YamlScalarNode("exporters"), out YamlNode? exporters) && exporters is YamlMappingNode exporterMap)
        {
            foreach ((YamlNode nameNode, YamlNode settings) in exporterMap.Children)
            {
                if (settings is YamlMappingNode s && s.Children.TryGetValue(new YamlScalarNode("sending_queue"), out YamlNode? queue) && queue is YamlMappingNode q
                    && q.Children.TryGetValue(new YamlScalarNode("storage"), out YamlNode? storage) && storage is YamlScalarNode { Value: { } id }
                    && !(defined.GetValueOrDefault("extensions", []).Contains(id) && extensions is YamlSequenceNode enabled && enabled.Any(e => ((YamlScalarNode)e).Value == id)))
                {
                    errors.Add(Error(storage, $"exporters.{((YamlScalarNode)nameNode).Value}.sending_queue.storage", $"'{id}' is not a defined extension listed in service.extensions"));
                }
            }
        }
    }

    private static void Check(YamlNode node, Shape shape, string path, List<string> errors)
    {
        switch (shape)
        {
            case Map map when node is YamlMappingNode mapping:
                foreach ((YamlNode keyNode, YamlNode value) in mapping.Children)
                {
                    string key = ((YamlScalarNode)keyNode).Value ?? string.Empty;
                    if (!map.Keys.TryGetValue(key, out Shape? inner))
                    {
                        errors.Add(Error(keyNode, $"{path}.{key}", $"unknown key; allowed: {string.Join(", ", map.Keys.Keys)}"));
                        continue;
                    }

                    Check(value, inner, $"{path}.{key}", errors);
                }

                break;
            case Map when node is YamlScalarNode { Value: null or "" }:
                break;
            case AnyKeys any when node is YamlMappingNode mapping:
                foreach ((YamlNode keyNode, YamlNode value) in mapping.Children)
                {
                    Check(value, any.Value, $"{path}.{((YamlScalarNode)keyNode).Value}", errors);
                }

                break;
            case ListOf list when node is YamlSequenceNode sequence:
                int i = 0;
                foreach (YamlNode item in sequence)
                {
                    Check(item, list.Item, $"{path}[{i++}]", errors);
                }

                break;
            case Scalar scalar when node is YamlScalarNode value:
                string? problem = ScalarProblem(scalar.Kind, Substitute(value.Value ?? string.Empty));
                if (problem is not null)
                {
                    errors.Add(Error(node, path, problem));
                }

                break;
            default:
                errors.Add(Error(node, path, "expected " + shape switch
                {
                    Map or AnyKeys => "a mapping",
                    ListOf => "a list",
                    Scalar s => "a " + s.Kind.ToString().ToLowerInvariant(),
                    _ => "something else",
                }));
                break;
        }
    }

    // Environment references as the Collector expands them: the default when one is given, else a
    // placeholder that only a string setting accepts.
    private static string Substitute(string value) =>
        EnvReference().Replace(value, m => m.Groups[2].Success ? m.Groups[2].Value : "\u0001" + m.Groups[1].Value);

    private static string? ScalarProblem(Kind kind, string value)
    {
        bool placeholder = value.Contains('\u0001', StringComparison.Ordinal);
        return kind switch
        {
            Kind.String => null,
            _ when placeholder => $"'{value.Replace("\u0001", "$", StringComparison.Ordinal)}' must have a default: the setting is a {kind.ToString().ToLowerInvariant()}",
            Kind.Int => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : $"expected an integer, got '{value}'",
            Kind.Bool => value is "true" or "false" ? null : $"expected true or false, got '{value}'",
            Kind.Duration => value == "0" || GoDuration().IsMatch(value) ? null : $"expected a duration such as 200ms, 5s or 1m, got '{value}'",
            Kind.Endpoint => HostPort().IsMatch(value) ? null : $"expected host:port, got '{value}'",
            Kind.Percent => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int p) && p is >= 0 and <= 100 ? null : $"expected a percentage 0-100, got '{value}'",
            _ => null,
        };
    }

    private static string Error(YamlNode node, string path, string message) =>
        $"line {node.Start.Line.ToString(CultureInfo.InvariantCulture)}: {path}: {message}";
}
