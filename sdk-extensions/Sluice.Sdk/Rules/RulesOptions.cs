namespace Sluice.Sdk.Rules;

/// <summary>Where the dynamic-telemetry rules come from.</summary>
public sealed class RulesOptions
{
    /// <summary>Whether rules are fetched at all; cached rules still apply when this is off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The receiver serving <c>/v1/rules</c>; default: the first channel's endpoint (its HTTP port).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The key for the rules endpoint; default: the first channel's key.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How often rules are polled; they are also fetched at once when a receiver announces a new version.</summary>
    public TimeSpan PollInterval { get; set; } = SluiceDefaults.RulesPollInterval;
}
