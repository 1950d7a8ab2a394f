using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace Sluice.Transforms.Processing.Rules;

/// <summary>
/// An immutable rule set, with the matcher both sides share: the SDK's semantics (first matching
/// rule decides; product, channel and version are the event's resource's; event patterns match
/// exactly or by prefix with a trailing <c>*</c>; sampling is deterministic per device and event
/// name), so the server agrees with every SDK that already applied the same rules.
/// </summary>
internal sealed class RuleSnapshot
{
    /// <summary>No rules: everything is kept.</summary>
    public static readonly RuleSnapshot Empty = new(string.Empty, []);

    private readonly (Version? Min, Version? Max)[] _versions;

    public RuleSnapshot(string version, IReadOnlyList<TelemetryRule> rules)
    {
        Version = version;
        Rules = rules;
        _versions = new (Version?, Version?)[rules.Count];
        for (int i = 0; i < rules.Count; i++)
        {
            RuleMatch match = rules[i].Match;
            _versions[i] = (match.MinVersion is null ? null : ParseVersion(match.MinVersion), match.MaxVersion is null ? null : ParseVersion(match.MaxVersion));
        }
    }

    /// <summary>The rule-set version (echoed to SDKs in <c>Sluice-Rules-Version</c>).</summary>
    public string Version { get; }

    public IReadOnlyList<TelemetryRule> Rules { get; }

    /// <summary>
    /// Parses the rules document as served at <c>GET /v1/rules</c>:
    /// <c>{"version": "...", "rules": [{"id", "match": {"product", "minVersion", "maxVersion",
    /// "channels", "events"}, "enabled", "sampleRate", "cap": {"count", "windowSeconds"}}]}</c>.
    /// Throws <see cref="FormatException"/> listing every problem, on anything the SDK would refuse.
    /// </summary>
    public static RuleSnapshot Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new FormatException("The rules document is not valid JSON: " + ex.Message, ex);
        }

        using (document)
        {
            var errors = new List<string>();
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The rules document must be a JSON object.");
            }

            string version = root.TryGetProperty("version", out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : string.Empty;
            if (version.Length == 0)
            {
                errors.Add("version: required, a non-empty string");
            }

            var rules = new List<TelemetryRule>();
            if (root.TryGetProperty("rules", out JsonElement list))
            {
                if (list.ValueKind != JsonValueKind.Array)
                {
                    errors.Add("rules: expected an array");
                }
                else
                {
                    int index = 0;
                    foreach (JsonElement item in list.EnumerateArray())
                    {
                        if (ReadRule(item, $"rules[{index}]", errors) is { } rule)
                        {
                            rules.Add(rule);
                        }

                        index++;
                    }
                }
            }

            if (errors.Count > 0)
            {
                throw new FormatException("Invalid rules document: " + string.Join("; ", errors));
            }

            return new RuleSnapshot(version, rules);
        }
    }

    /// <summary>
    /// The first rule that applies to an event, or null. <paramref name="productVersion"/> is
    /// already parsed by <see cref="ParseVersion"/> (null when absent or not a version: a rule with
    /// a version bound then does not apply, as in the SDK).
    /// </summary>
    public TelemetryRule? Match(string product, string alternateProduct, Version? productVersion, string channel, string eventName)
    {
        for (int i = 0; i < Rules.Count; i++)
        {
            TelemetryRule rule = Rules[i];
            RuleMatch match = rule.Match;
            if (match.Product is { } p && !string.Equals(p, product, StringComparison.Ordinal) && !string.Equals(p, alternateProduct, StringComparison.Ordinal))
            {
                continue;
            }

            if (match.Channels is { Count: > 0 } channels && !Contains(channels, channel))
            {
                continue;
            }

            var (min, max) = _versions[i];
            if (match.MinVersion is not null && (productVersion is null || min is null || productVersion < min))
            {
                continue;
            }

            if (match.MaxVersion is not null && (productVersion is null || max is null || productVersion >= max))
            {
                continue;
            }

            if (!MatchesEvent(match.Events, eventName))
            {
                continue;
            }

            return rule;
        }

        return null;
    }

    /// <summary>Exact name, or a prefix when the pattern ends in <c>*</c>; no patterns match everything.</summary>
    public static bool MatchesEvent(IReadOnlyList<string>? patterns, string eventName)
    {
        if (patterns is null || patterns.Count == 0)
        {
            return true;
        }

        for (int i = 0; i < patterns.Count; i++)
        {
            string pattern = patterns[i];
            if (pattern.EndsWith('*')
                ? eventName.AsSpan().StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)
                : string.Equals(pattern, eventName, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Where a device falls for an event name, uniformly in [0, 1): the top 53 bits of
    /// XxHash64 (seed 0) of the UTF-8 of <c>deviceId/eventName</c>. The SDK computes the same, so a
    /// device the SDK kept at a rate is kept by the server at that rate too.
    /// </summary>
    public static double SampleBucket(string deviceId, string eventName)
    {
        int length = Encoding.UTF8.GetByteCount(deviceId) + 1 + Encoding.UTF8.GetByteCount(eventName);
        byte[]? rented = null;
        Span<byte> bytes = length <= 512 ? stackalloc byte[length] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        int written = Encoding.UTF8.GetBytes(deviceId, bytes);
        bytes[written++] = (byte)'/';
        Encoding.UTF8.GetBytes(eventName, bytes[written..]);
        ulong hash = XxHash64.HashToUInt64(bytes);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }

        return (hash >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>A numeric dotted version; a pre-release or build suffix is ignored; missing parts are 0 (2.1 == 2.1.0).</summary>
    public static Version? ParseVersion(string text)
    {
        int end = text.AsSpan().IndexOfAny('-', '+');
        ReadOnlySpan<char> core = end >= 0 ? text.AsSpan(0, end) : text.AsSpan();
        if (!core.Contains('.'))
        {
            core = (core.ToString() + ".0").AsSpan();
        }

        if (!System.Version.TryParse(core, out Version? version))
        {
            return null;
        }

        return new Version(version.Major, version.Minor, Math.Max(version.Build, 0), Math.Max(version.Revision, 0));
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (string.Equals(values[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static TelemetryRule? ReadRule(JsonElement item, string path, List<string> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: expected an object");
            return null;
        }

        int before = errors.Count;
        string id = OptionalString(item, "id", path, errors) ?? string.Empty;
        bool enabled = true;
        if (item.TryGetProperty("enabled", out JsonElement e))
        {
            if (e.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                enabled = e.GetBoolean();
            }
            else
            {
                errors.Add($"{path}.enabled: expected true or false");
            }
        }

        double rate = 1;
        if (item.TryGetProperty("sampleRate", out JsonElement r))
        {
            if (r.ValueKind != JsonValueKind.Number || !r.TryGetDouble(out rate) || !(rate > 0 && rate <= 1))
            {
                errors.Add($"{path}.sampleRate: must be a number in (0, 1]");
                rate = 1;
            }
        }

        RuleCap? cap = null;
        if (item.TryGetProperty("cap", out JsonElement c) && c.ValueKind != JsonValueKind.Null)
        {
            if (c.ValueKind == JsonValueKind.Object
                && c.TryGetProperty("count", out JsonElement count) && count.TryGetInt64(out long n) && n >= 0
                && c.TryGetProperty("windowSeconds", out JsonElement window) && window.TryGetInt64(out long w) && w > 0)
            {
                cap = new RuleCap(n, w);
            }
            else
            {
                errors.Add($"{path}.cap: needs count >= 0 and windowSeconds > 0");
            }
        }

        var match = new RuleMatch();
        if (item.TryGetProperty("match", out JsonElement m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}.match: expected an object");
            }
            else
            {
                string matchPath = path + ".match";
                match = new RuleMatch
                {
                    Product = OptionalString(m, "product", matchPath, errors),
                    MinVersion = OptionalString(m, "minVersion", matchPath, errors),
                    MaxVersion = OptionalString(m, "maxVersion", matchPath, errors),
                    Channels = OptionalStrings(m, "channels", matchPath, errors),
                    Events = OptionalStrings(m, "events", matchPath, errors),
                };
                if (match.MinVersion is { } min && ParseVersion(min) is null)
                {
                    errors.Add($"{matchPath}.minVersion: '{min}' is not a version such as 2.1 or 2.1.3");
                }

                if (match.MaxVersion is { } max && ParseVersion(max) is null)
                {
                    errors.Add($"{matchPath}.maxVersion: '{max}' is not a version such as 2.1 or 2.1.3");
                }
            }
        }

        return errors.Count > before ? null : new TelemetryRule { Id = id, Match = match, Enabled = enabled, SampleRate = rate, Cap = cap };
    }

    private static string? OptionalString(JsonElement parent, string name, string path, List<string> errors)
    {
        if (!parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{path}.{name}: expected a string");
            return null;
        }

        return value.GetString();
    }

    private static List<string>? OptionalStrings(JsonElement parent, string name, string path, List<string> errors)
    {
        if (!parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{path}.{name}: expected an array of strings");
            return null;
        }

        var result = new List<string>();
        foreach (JsonElement item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                errors.Add($"{path}.{name}: expected an array of strings");
                return null;
            }

            result.Add(item.GetString()!);
        }

        return result;
    }

    internal static string Format(double rate) => rate.ToString("R", CultureInfo.InvariantCulture);
}
