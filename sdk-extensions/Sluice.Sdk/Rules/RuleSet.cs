using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Sdk.Rules;

/// <summary>The rules document as served by <c>GET /v1/rules</c> (see sdk-extensions/RULES.md).</summary>
internal sealed record RuleSet
{
    /// <summary>The rule-set version; the receiver echoes it in <c>Sluice-Rules-Version</c>.</summary>
    [JsonPropertyName("version")]
    public string Version { get; set; } = string.Empty;

    [JsonPropertyName("rules")]
    public IReadOnlyList<Rule> Rules { get; set; } = [];

    public static readonly RuleSet Empty = new();

    /// <summary>Parses and validates a document; throws <see cref="FormatException"/> on anything the SDK would not apply faithfully.</summary>
    public static RuleSet Parse(ReadOnlySpan<byte> json)
    {
        RuleSet? set;
        try
        {
            set = JsonSerializer.Deserialize(json, RulesJsonContext.Default.RuleSet);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The rules document is not valid JSON for this format: " + ex.Message, ex);
        }

        if (set is null || set.Version.Length == 0)
        {
            throw new FormatException("The rules document has no version.");
        }

        foreach (var rule in set.Rules)
        {
            if (rule.SampleRate is <= 0 or > 1 || double.IsNaN(rule.SampleRate))
            {
                throw new FormatException($"Rule '{rule.Id}': sampleRate must be in (0, 1].");
            }

            if (rule.Cap is { } cap && (cap.Count < 0 || cap.WindowSeconds <= 0))
            {
                throw new FormatException($"Rule '{rule.Id}': cap needs count >= 0 and windowSeconds > 0.");
            }
        }

        return set;
    }
}

/// <summary>One rule: what it matches, and what it does to what it matches.</summary>
internal sealed record Rule
{
    [JsonPropertyName("id")]
    public string Id { get; set; } = string.Empty;

    [JsonPropertyName("match")]
    public RuleMatch Match { get; set; } = new();

    /// <summary>False turns the matched events off.</summary>
    [JsonPropertyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>Share of devices that keep the matched events, in (0, 1].</summary>
    [JsonPropertyName("sampleRate")]
    public double SampleRate { get; set; } = 1;

    /// <summary>Most events per device and event name per window.</summary>
    [JsonPropertyName("cap")]
    public RuleCap? Cap { get; set; }
}

/// <summary>What a rule applies to; a missing field matches everything.</summary>
internal sealed record RuleMatch
{
    [JsonPropertyName("product")]
    public string? Product { get; set; }

    [JsonPropertyName("minVersion")]
    public string? MinVersion { get; set; }

    [JsonPropertyName("maxVersion")]
    public string? MaxVersion { get; set; }

    [JsonPropertyName("channels")]
    public IReadOnlyList<string>? Channels { get; set; }

    [JsonPropertyName("events")]
    public IReadOnlyList<string>? Events { get; set; }
}

/// <summary>A per-device cap.</summary>
internal sealed record RuleCap
{
    [JsonPropertyName("count")]
    public long Count { get; set; }

    [JsonPropertyName("windowSeconds")]
    public long WindowSeconds { get; set; }
}

[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(RuleSet))]
[JsonSerializable(typeof(CachedRules))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class RulesJsonContext : JsonSerializerContext;

/// <summary>What the SDK keeps on disk: the last document and its ETag.</summary>
internal sealed record CachedRules(
    [property: JsonPropertyName("etag")] string? ETag,
    [property: JsonPropertyName("document")] JsonElement Document);
