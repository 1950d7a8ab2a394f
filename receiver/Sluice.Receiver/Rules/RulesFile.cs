using System.Globalization;
using Sluice.Receiver.Configuration;
using Sluice.Transforms.Processing.Rules;
using YamlDotNet.RepresentationModel;

namespace Sluice.Receiver.Rules;

/// <summary>
/// Reads the rules file SREs edit (otel-config/rules.yaml): the rules document of
/// sdk-extensions/RULES.md written as YAML, without its <c>version</c> (the receiver derives it
/// from the rules, so it cannot be forgotten). Stricter than the SDK on purpose: an unknown key,
/// a value of the wrong type or a rule the SDK would refuse is an error naming the rule and the
/// key, because a typo in a kill switch must not pass silently.
/// </summary>
internal static class RulesFile
{
    private static readonly string[] TopKeys = ["rules"];
    private static readonly string[] RuleKeys = ["id", "match", "enabled", "sampleRate", "cap"];
    private static readonly string[] MatchKeys = ["product", "minVersion", "maxVersion", "channels", "events"];
    private static readonly string[] CapKeys = ["count", "windowSeconds"];

    /// <summary>Reads and validates the file.</summary>
    /// <exception cref="ConfigException">The file cannot be read or is invalid; every problem is listed.</exception>
    public static IReadOnlyList<TelemetryRule> Load(string path)
    {
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([$"{path}: cannot read the rules file: {ex.Message}"]);
        }

        return Parse(yaml, path);
    }

    /// <summary>Validates rules text; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="ConfigException">The text is invalid; every problem is listed.</exception>
    public static IReadOnlyList<TelemetryRule> Parse(string yaml, string sourceName)
    {
        var errors = new List<ConfigError>();

        // No environment expansion: rules are data, and a rule must mean the same on every receiver.
        var reader = new ConfigReader(sourceName, static _ => null, errors);
        var rules = new List<TelemetryRule>();
        YamlNode? root = reader.Load(yaml);
        if (root is not null)
        {
            var top = reader.Fields(root, string.Empty, TopKeys);
            var ids = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (node, path) in reader.Items(top.Value("rules"), "rules"))
            {
                if (ReadRule(reader, node, path, ids, errors) is { } rule)
                {
                    rules.Add(rule);
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new ConfigException(errors.OrderBy(e => e.Line).Select(e => e.ToString()).ToList());
        }

        return rules;
    }

    private static TelemetryRule? ReadRule(ConfigReader reader, YamlNode node, string indexPath, Dictionary<string, string> ids, List<ConfigError> errors)
    {
        if (node is not YamlMappingNode)
        {
            reader.Error(node, indexPath, $"expected a rule (a mapping with id, match, enabled, sampleRate, cap), got {ConfigReader.Describe(node)}");
            return null;
        }

        // Errors name the rule by its id as well as its position: "rules[2] (clicks-10pct).sampleRate".
        string? id = ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode("id"), out var idNode) && idNode is YamlScalarNode { Value: { Length: > 0 } text }
            ? text
            : null;
        string path = id is null ? indexPath : $"{indexPath} ({id})";
        var fields = reader.Fields(node, path, RuleKeys);
        int errorsBefore = errors.Count;

        if (id is not null)
        {
            if (ids.TryGetValue(id, out string? first))
            {
                fields.Error("id", $"'{id}' is also the id of {first}; ids must be unique (caps are counted per rule)");
            }
            else
            {
                ids[id] = indexPath;
            }
        }
        else if (fields.Has("id"))
        {
            fields.Error("id", "expected a non-empty name");
        }

        bool enabled = fields.Bool("enabled", fallback: true);
        double sampleRate = ReadSampleRate(fields);
        RuleCap? cap = fields.Has("cap") ? ReadCap(fields.Map("cap", CapKeys)) : null;
        RuleMatch match = ReadMatch(fields.Map("match", MatchKeys));
        if (!enabled && (fields.Has("sampleRate") || fields.Has("cap")))
        {
            fields.Error("enabled", "a rule that turns events off has nothing to sample or cap; remove sampleRate and cap, or enabled: false");
        }

        return errors.Count > errorsBefore
            ? null
            : new TelemetryRule { Id = id ?? string.Empty, Match = match, Enabled = enabled, SampleRate = sampleRate, Cap = cap };
    }

    private static double ReadSampleRate(Fields fields)
    {
        if (!fields.Has("sampleRate"))
        {
            return 1;
        }

        string? text = fields.Value("sampleRate") is YamlScalarNode ? fields.Text("sampleRate") : null;
        if (text is null || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) || !(rate > 0 && rate <= 1))
        {
            fields.Error("sampleRate", $"expected a number greater than 0 and at most 1 (the share of devices that keep the events, 0.1 = 10%), got {(text is null ? "no value" : $"'{text}'")}");
            return 1;
        }

        return rate;
    }

    private static RuleCap? ReadCap(Fields cap)
    {
        if (!cap.Has("count"))
        {
            cap.Error("count", "required: the most events per device and event name in each window");
        }

        if (!cap.Has("windowSeconds"))
        {
            cap.Error("windowSeconds", "required: the window's length in seconds, e.g. 3600");
        }

        long count = cap.Long("count", -1, 0, long.MaxValue);
        long window = cap.Long("windowSeconds", -1, 1, 366L * 24 * 3600);
        return count < 0 || window < 1 ? null : new RuleCap(count, window);
    }

    private static RuleMatch ReadMatch(Fields match)
    {
        string? min = Version(match, "minVersion");
        string? max = Version(match, "maxVersion");
        if (min is not null && max is not null && RuleSnapshot.ParseVersion(min) >= RuleSnapshot.ParseVersion(max))
        {
            match.Error("maxVersion", $"'{max}' must be above minVersion '{min}' (minVersion is inclusive, maxVersion exclusive), or the rule matches nothing");
        }

        return new RuleMatch
        {
            Product = NonEmpty(match, "product"),
            MinVersion = min,
            MaxVersion = max,
            Channels = Names(match, "channels"),
            Events = Names(match, "events"),
        };
    }

    private static string? Version(Fields match, string key)
    {
        string? text = NonEmpty(match, key);
        if (text is not null && RuleSnapshot.ParseVersion(text) is null)
        {
            match.Error(key, $"'{text}' is not a version such as 2, 2.1 or 2.1.3 (numbers and dots; a -suffix is ignored)");
            return null;
        }

        return text;
    }

    private static string? NonEmpty(Fields fields, string key)
    {
        if (fields.Value(key) is not { } node)
        {
            return null;
        }

        if (node is not YamlScalarNode || ConfigReader.IsNull(node))
        {
            fields.Error(key, $"expected a non-empty string, got {ConfigReader.Describe(node)}");
            return null;
        }

        return fields.Text(key);
    }

    private static List<string>? Names(Fields fields, string key)
    {
        if (fields.Value(key) is not { } node)
        {
            return null;
        }

        if (node is not YamlSequenceNode sequence)
        {
            fields.Error(key, $"expected a list such as [a, b], got {ConfigReader.Describe(node)}");
            return null;
        }

        var names = new List<string>(sequence.Children.Count);
        for (int i = 0; i < sequence.Children.Count; i++)
        {
            if (sequence.Children[i] is YamlScalarNode { Value: { Length: > 0 } name } scalar && !ConfigReader.IsNull(scalar))
            {
                if (key == "events" && name.IndexOf('*', StringComparison.Ordinal) is int star and >= 0 && star != name.Length - 1)
                {
                    fields.Error(key, $"'{name}': '*' may only end a pattern (ui.* matches names starting with ui.)");
                }

                names.Add(name);
            }
            else
            {
                fields.Error(key, $"item {i}: expected a non-empty name, got {ConfigReader.Describe(sequence.Children[i])}");
            }
        }

        return names;
    }
}
