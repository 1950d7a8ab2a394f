namespace Sluice.Transforms.Processing.Rules;

/// <summary>
/// Where the rules in force come from. The receiver's rules store implements it (reloading the
/// rules file on change); <see cref="Current"/> is read once per batch, so a kill switch holds
/// for every client, old SDKs and plain OpenTelemetry ones included, within one batch of a reload.
/// </summary>
internal interface IRuleSource
{
    /// <summary>The rules in force now; never null (<see cref="RuleSnapshot.Empty"/> when there are none).</summary>
    RuleSnapshot Current { get; }
}

/// <summary>A rule source that never changes: for tests and for receivers without a rules file.</summary>
internal sealed class StaticRuleSource(RuleSnapshot snapshot) : IRuleSource
{
    /// <summary>No rules at all.</summary>
    public static readonly StaticRuleSource Empty = new(RuleSnapshot.Empty);

    public RuleSnapshot Current { get; } = snapshot;
}
