using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Receiver.Configuration;

/// <summary>One problem in a config file, located by file, line and key path.</summary>
internal sealed record ConfigError(string Source, long Line, string Path, string Message)
{
    public override string ToString() =>
        Path.Length == 0 ? $"{Source}:{Line}: {Message}" : $"{Source}:{Line}: {Path}: {Message}";
}

/// <summary>
/// Reads one YAML file through YamlDotNet's representation model, which keeps each node's line,
/// and turns its scalars into typed values. Nothing here throws on a bad value: every problem is
/// recorded and a fallback returned, so that one start reports every error at once.
/// </summary>
internal sealed class ConfigReader
{
    private readonly List<ConfigError> _errors;
    private readonly Func<string, string?> _environment;

    public ConfigReader(string source, Func<string, string?> environment, List<ConfigError> errors)
    {
        Source = source;
        _environment = environment;
        _errors = errors;
    }

    /// <summary>The file name used in errors.</summary>
    public string Source { get; }

    public void Error(YamlNode? node, string path, string message) =>
        _errors.Add(new ConfigError(Source, node?.Start.Line ?? 1, path, message));

    /// <summary>Parses the text; null (with an error recorded) when it is not one YAML document.</summary>
    public YamlNode? Load(string yaml)
    {
        // YamlDotNet reports a tab in indentation at line 1; find it here so the line is right.
        int lineNumber = 0;
        foreach (var line in yaml.AsSpan().EnumerateLines())
        {
            lineNumber++;
            int indent = line.Length - line.TrimStart().Length;
            if (line[..indent].Contains('\t'))
            {
                _errors.Add(new ConfigError(Source, lineNumber, string.Empty, "invalid YAML: a tab in indentation; YAML indents with spaces only"));
                return null;
            }
        }

        var stream = new YamlStream();
        var parser = new Parser(new StringReader(yaml));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            // Start can be where the enclosing construct began (line 1 for a stray tab); End is the fault.
            _errors.Add(new ConfigError(Source, ex.End.Line, string.Empty, "invalid YAML: " + StripMark(ex)));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this on some malformed input (an unclosed flow list, for
            // one) instead of a YamlException; the last token read is the best location there is.
            long line = parser.Current?.End.Line ?? 1;
            _errors.Add(new ConfigError(Source, line, string.Empty, "invalid YAML after this line: look for an unclosed [, { or quote"));
            return null;
        }

        if (stream.Documents.Count == 0 || IsNull(stream.Documents[0].RootNode))
        {
            _errors.Add(new ConfigError(Source, 1, string.Empty, "the file is empty"));
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            Error(stream.Documents[1].RootNode, string.Empty, "more than one YAML document ('---'); put everything in one");
        }

        return stream.Documents[0].RootNode;
    }

    /// <summary>
    /// The entries of a mapping, with unknown keys reported (<paramref name="allowed"/> null
    /// accepts any key). A missing node or an empty value (<c>grpc:</c>) yields an empty mapping.
    /// </summary>
    /// <param name="node">The mapping; null when absent.</param>
    /// <param name="path">Its key path.</param>
    /// <param name="allowed">The keys it may hold; null accepts any.</param>
    /// <param name="location">Where errors about missing keys point: the mapping's own key, whose line is the one to fix.</param>
    public Fields Fields(YamlNode? node, string path, IReadOnlyList<string>? allowed, YamlNode? location = null)
    {
        var entries = new Dictionary<string, (YamlNode Key, YamlNode Value)>(StringComparer.Ordinal);
        if (node is null || IsNull(node))
        {
            return new Fields(this, node, path, entries, location);
        }

        if (node is not YamlMappingNode mapping)
        {
            Error(node, path, $"expected a mapping (key: value), got {Describe(node)}");
            return new Fields(this, null, path, entries, location);
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Error(keyNode, path, "keys must be plain names");
                continue;
            }

            string childPath = Join(path, key);
            if (allowed is not null && !allowed.Contains(key))
            {
                string? suggestion = Suggest(key, allowed);
                string hint = suggestion is null ? string.Empty : $" did you mean '{suggestion}'?";
                Error(keyNode, childPath, $"unknown key;{hint} Allowed: {string.Join(", ", allowed)}");
                continue;
            }

            entries[key] = (keyNode, value);
        }

        return new Fields(this, node, path, entries, location);
    }

    /// <summary>A scalar with environment variables expanded; null when empty (<c>key:</c>) or invalid.</summary>
    public string? Scalar(YamlNode node, string path, string expected)
    {
        if (node is not YamlScalarNode scalar)
        {
            Error(node, path, $"expected {expected}, got {Describe(node)}");
            return null;
        }

        if (IsNull(scalar))
        {
            return null;
        }

        string? value = EnvSubstitution.Expand(scalar.Value ?? string.Empty, _environment, out string? error);
        if (value is null)
        {
            Error(node, path, error!);
        }

        return value;
    }

    /// <summary>A list of names (<c>[a, b]</c>), each with its node for later errors.</summary>
    public List<(string Name, YamlNode Node)> Names(YamlNode? node, string path)
    {
        var names = new List<(string, YamlNode)>();
        foreach (var (item, itemPath) in Items(node, path))
        {
            string? name = Scalar(item, itemPath, "a component name");
            if (name is { Length: > 0 })
            {
                names.Add((name, item));
            }
            else if (name is not null || IsNull(item))
            {
                Error(item, itemPath, "expected a component name, got an empty value");
            }
        }

        return names;
    }

    /// <summary>The items of a list with their key paths (<c>keys[0]</c>); an empty value is an empty list.</summary>
    public List<(YamlNode Node, string Path)> Items(YamlNode? node, string path)
    {
        var items = new List<(YamlNode, string)>();
        if (node is null || IsNull(node))
        {
            return items;
        }

        if (node is not YamlSequenceNode sequence)
        {
            Error(node, path, $"expected a list ([a, b] or '- a' lines), got {Describe(node)}");
            return items;
        }

        for (int i = 0; i < sequence.Children.Count; i++)
        {
            items.Add((sequence.Children[i], $"{path}[{i}]"));
        }

        return items;
    }

    /// <summary>A subtree as plain objects for components configured elsewhere: strings, dictionaries and lists.</summary>
    public object? Raw(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (keyNode, value) in mapping.Children)
                {
                    string key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
                    map[key] = Raw(value, Join(path, key));
                }

                return map;
            case YamlSequenceNode sequence:
                var list = new List<object?>(sequence.Children.Count);
                for (int i = 0; i < sequence.Children.Count; i++)
                {
                    list.Add(Raw(sequence.Children[i], $"{path}[{i}]"));
                }

                return list;
            default:
                return Scalar(node, path, "a value");
        }
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar when IsNull(scalar) => "an empty value",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "an alias",
    };

    /// <summary>The closest allowed name to a misspelt one, or null when none is close.</summary>
    public static string? Suggest(string given, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        string lowered = given.ToLowerInvariant();
        foreach (string candidate in candidates)
        {
            int distance = Distance(lowered, candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        int limit = given.Length >= 5 ? 2 : 1;
        return bestDistance <= limit ? best : null;
    }

    // Edit distance counting a swap of neighbours as one edit (optimal string alignment): "bacth" is one step from "batch".
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static string StripMark(YamlException ex)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the line is already in our prefix.
        string message = ex.Message;
        int end = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && end >= 0 ? message[(end + 3)..] : message;
    }
}

/// <summary>The known entries of one mapping, read as typed values with defaults and ranges.</summary>
internal sealed class Fields
{
    private readonly ConfigReader _reader;
    private readonly Dictionary<string, (YamlNode Key, YamlNode Value)> _entries;

    private readonly YamlNode? _location;

    public Fields(ConfigReader reader, YamlNode? node, string path, Dictionary<string, (YamlNode Key, YamlNode Value)> entries, YamlNode? location)
    {
        _reader = reader;
        _location = location;
        Node = node;
        Path = path;
        _entries = entries;
    }

    /// <summary>The mapping's node; null when the mapping is absent.</summary>
    public YamlNode? Node { get; }

    public string Path { get; }

    public IEnumerable<string> Keys => _entries.Keys;

    public bool Has(string key) => _entries.ContainsKey(key);

    public YamlNode? Value(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    public YamlNode? KeyNode(string key) => _entries.TryGetValue(key, out var entry) ? entry.Key : null;

    public string Child(string key) => ConfigReader.Join(Path, key);

    public Fields Map(string key, IReadOnlyList<string>? allowed) => _reader.Fields(Value(key), Child(key), allowed, KeyNode(key) ?? _location);

    /// <summary>Records an error on a key's value, or on this mapping's own key when the key is absent.</summary>
    public void Error(string key, string message) => _reader.Error(Value(key) ?? _location ?? Node, Child(key), message);

    public string String(string key, string fallback) => Text(key) ?? fallback;

    /// <summary>The text of a key, or null when the key is absent, empty or invalid.</summary>
    public string? Text(string key)
    {
        var node = Value(key);
        return node is null ? null : _reader.Scalar(node, Child(key), "a string");
    }

    public bool Bool(string key, bool fallback)
    {
        string? text = Required(key, "true or false");
        if (text is null)
        {
            return fallback;
        }

        if (bool.TryParse(text, out bool value))
        {
            return value;
        }

        Error(key, $"expected true or false, got '{text}'");
        return fallback;
    }

    public int Int(string key, int fallback, int min, int max) => (int)Long(key, fallback, min, max);

    public long Long(string key, long fallback, long min, long max)
    {
        string? text = Required(key, "a whole number");
        if (text is null)
        {
            return fallback;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            Error(key, $"expected a whole number, got '{text}'");
            return fallback;
        }

        if (value < min || value > max)
        {
            Error(key, $"must be between {min} and {max}, got {value}");
            return fallback;
        }

        return value;
    }

    public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        string? text = Required(key, "a duration");
        if (text is null)
        {
            return fallback;
        }

        if (!GoDuration.TryParse(text, out TimeSpan value))
        {
            Error(key, $"expected a duration such as 200ms, 5s, 1m or 1h30m (units ns, us, ms, s, m, h), got '{text}'");
            return fallback;
        }

        if (value < min || value > max)
        {
            Error(key, $"must be between {GoDuration.Format(min)} and {GoDuration.Format(max)}, got {text}");
            return fallback;
        }

        return value;
    }

    /// <summary>One of a fixed set of words.</summary>
    public string Choice(string key, string fallback, IReadOnlyList<string> allowed)
    {
        string? text = Text(key);
        if (text is null || allowed.Contains(text))
        {
            return text ?? fallback;
        }

        Error(key, $"'{text}' is not allowed. Allowed: {string.Join(", ", allowed)}");
        return fallback;
    }

    private string? Required(string key, string expected)
    {
        var node = Value(key);
        if (node is null)
        {
            return null;
        }

        string? text = _reader.Scalar(node, Child(key), expected);
        if (text is null && ConfigReader.IsNull(node))
        {
            Error(key, $"expected {expected}, got an empty value");
        }

        return text;
    }
}
