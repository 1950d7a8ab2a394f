namespace Sluice.Transforms.Processing.Rules;

/// <summary>
/// One dynamic-telemetry rule, as the rules document (sdk-extensions/RULES.md) defines it: what
/// it matches and what it does to what it matches. The first rule matching an event decides.
/// </summary>
internal sealed record TelemetryRule
{
    public string Id { get; init; } = string.Empty;

    public RuleMatch Match { get; init; } = new();

    /// <summary>False turns the matched events off (the kill switch).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Share of devices that keep the matched events, in (0, 1].</summary>
    public double SampleRate { get; init; } = 1;

    /// <summary>Most events per device and event name per window; null for none.</summary>
    public RuleCap? Cap { get; init; }
}

/// <summary>What a rule applies to; a null field matches everything.</summary>
internal sealed record RuleMatch
{
    /// <summary>The product (<c>service.name</c>, or the product bound to the API key).</summary>
    public string? Product { get; init; }

    /// <summary>Lowest product version matched (inclusive).</summary>
    public string? MinVersion { get; init; }

    /// <summary>Version from which the rule no longer applies (exclusive).</summary>
    public string? MaxVersion { get; init; }

    /// <summary>Release channels matched; null or empty for all.</summary>
    public IReadOnlyList<string>? Channels { get; init; }

    /// <summary>Event names matched; a trailing <c>*</c> matches a prefix; null or empty for all.</summary>
    public IReadOnlyList<string>? Events { get; init; }
}

/// <summary>A per-device cap: at most <see cref="Count"/> events per <see cref="WindowSeconds"/>, windows aligned on the Unix epoch.</summary>
internal sealed record RuleCap(long Count, long WindowSeconds);
