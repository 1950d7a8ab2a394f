using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Sluice.Transforms.Processing.Rules;

namespace Sluice.Receiver.Rules;

/// <summary>
/// One loaded rules file: the rules in file order, what each product's SDKs are served, and
/// versions. A product's version is a hash of the rules that can apply to it (its own and those
/// without a product), so it changes exactly when that product's document changes, survives
/// restarts and agrees across receivers behind one load balancer; an edit for one product does
/// not make every other product's clients fetch again.
/// </summary>
internal sealed class RuleBook
{
    private const int MaxCachedDocuments = 4096;

    private readonly ConcurrentDictionary<string, ProductRules> _byProduct = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Product, string Version, string Channel), byte[]> _documents = new();

    public RuleBook(IReadOnlyList<TelemetryRule> rules)
    {
        Rules = rules;
        Version = Hash(rules);
        Snapshot = new RuleSnapshot(Version, rules);
    }

    /// <summary>No rules file.</summary>
    public static RuleBook Empty { get; } = new([]);

    public IReadOnlyList<TelemetryRule> Rules { get; }

    /// <summary>The version of the whole file (every product's rules), for logs.</summary>
    public string Version { get; }

    /// <summary>Every rule, for the server's own enforcement (<c>sluice_rules</c>).</summary>
    public RuleSnapshot Snapshot { get; }

    /// <summary>The version of the rules <paramref name="product"/> is served; what <c>Sluice-Rules-Version</c> carries and the ETag quotes.</summary>
    public string VersionFor(string product) => For(product).Version;

    /// <summary>The strong ETag of every document served to <paramref name="product"/> under this version.</summary>
    public string ETagFor(string product) => For(product).ETag;

    /// <summary>
    /// The rules document (RULES.md section 2) for a query: the product's rules whose version
    /// bounds and channels fit, in file order. Events, sampling and caps are the SDK's to evaluate.
    /// </summary>
    public byte[] DocumentFor(string product, string version, string channel)
    {
        var key = (product, version, channel);
        if (_documents.TryGetValue(key, out byte[]? cached))
        {
            return cached;
        }

        ProductRules rules = For(product);
        Version? parsed = version.Length == 0 ? null : RuleSnapshot.ParseVersion(version);
        var served = new List<TelemetryRule>(rules.Rules.Count);
        foreach (TelemetryRule rule in rules.Rules)
        {
            if (Fits(rule.Match, parsed, channel))
            {
                served.Add(rule);
            }
        }

        byte[] document = Write(rules.Version, served);

        // Queries carry client-chosen strings: bound the cache rather than let it grow without limit.
        if (_documents.Count < MaxCachedDocuments)
        {
            _documents.TryAdd(key, document);
        }

        return document;
    }

    private ProductRules For(string product) => _byProduct.GetOrAdd(product, static (p, rules) =>
    {
        var applicable = new List<TelemetryRule>();
        foreach (TelemetryRule rule in rules)
        {
            if (rule.Match.Product is null || string.Equals(rule.Match.Product, p, StringComparison.Ordinal))
            {
                applicable.Add(rule);
            }
        }

        return new ProductRules(Hash(applicable), applicable);
    }, Rules);

    private static bool Fits(RuleMatch match, Version? version, string channel)
    {
        if (match.Channels is { Count: > 0 } channels && !channels.Contains(channel, StringComparer.Ordinal))
        {
            return false;
        }

        // As in the SDK: a rule with a version bound does not apply to a version that does not parse.
        if (match.MinVersion is { } min && (version is null || version < RuleSnapshot.ParseVersion(min)))
        {
            return false;
        }

        return match.MaxVersion is not { } max || (version is not null && version < RuleSnapshot.ParseVersion(max));
    }

    /// <summary>16 hex digits of the SHA-256 of the rules' canonical JSON: printable, short enough for a header.</summary>
    private static string Hash(IReadOnlyList<TelemetryRule> rules)
    {
        byte[] canonical = Write(version: null, rules);
        return Convert.ToHexStringLower(SHA256.HashData(canonical), 0, 8);
    }

    /// <summary>The document as RULES.md defines it; with a null version, the rules alone (what versions hash).</summary>
    internal static byte[] Write(string? version, IReadOnlyList<TelemetryRule> rules)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (rules.Count * 128));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (version is not null)
            {
                json.WriteString("version", version);
            }

            json.WriteStartArray("rules");
            foreach (TelemetryRule rule in rules)
            {
                WriteRule(json, rule);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteRule(Utf8JsonWriter json, TelemetryRule rule)
    {
        json.WriteStartObject();
        if (rule.Id.Length > 0)
        {
            json.WriteString("id", rule.Id);
        }

        RuleMatch match = rule.Match;
        json.WriteStartObject("match");
        WriteOptional(json, "product", match.Product);
        WriteOptional(json, "minVersion", match.MinVersion);
        WriteOptional(json, "maxVersion", match.MaxVersion);
        WriteNames(json, "channels", match.Channels);
        WriteNames(json, "events", match.Events);
        json.WriteEndObject();

        json.WriteBoolean("enabled", rule.Enabled);
        if (rule.SampleRate < 1)
        {
            json.WriteNumber("sampleRate", rule.SampleRate);
        }

        if (rule.Cap is { } cap)
        {
            json.WriteStartObject("cap");
            json.WriteNumber("count", cap.Count);
            json.WriteNumber("windowSeconds", cap.WindowSeconds);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteNames(Utf8JsonWriter json, string name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private sealed record ProductRules(string Version, List<TelemetryRule> Rules)
    {
        public string ETag { get; } = "\"" + Version + "\"";
    }
}
