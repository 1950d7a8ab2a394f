using Sluice.Receiver.Configuration;
using Sluice.Receiver.Rules;
using Sluice.Testing;

namespace Sluice.Receiver.Tests.Rules;

public sealed class RulesFileTests
{
    private static string ShippedPath => Path.Combine(RepositoryRoot.Find(), "otel-config", "rules.yaml");

    [Fact]
    public void Load_ShippedRulesYaml_HoldsTheIssuesFourExamples()
    {
        var rules = RulesFile.Load(ShippedPath);

        Assert.Equal(["x-off", "clicks-10pct", "editor-errors-capped", "editor-1.9-off"], rules.Select(r => r.Id));
        Assert.False(rules[0].Enabled);
        Assert.Equal(["X"], rules[0].Match.Events!);
        Assert.Equal(0.1, rules[1].SampleRate);
        Assert.Equal(["stable"], rules[1].Match.Channels!);
        Assert.Equal(new Transforms.Processing.Rules.RuleCap(100, 3600), rules[2].Cap);
        Assert.Equal(("Contoso.Editor", "2.0", "2.4"), (rules[2].Match.Product, rules[2].Match.MinVersion, rules[2].Match.MaxVersion));
        Assert.False(rules[3].Enabled);
        Assert.Equal(["*"], rules[3].Match.Events!);
    }

    [Fact]
    public void Parse_ShippedCopyWithUnknownKey_FailsNamingRuleKeyAndLine()
    {
        string yaml = File.ReadAllText(ShippedPath).Replace("    sampleRate: 0.1", "    sampleRat: 0.1", StringComparison.Ordinal);

        var ex = Assert.Throws<ConfigException>(() => RulesFile.Parse(yaml, "rules.yaml"));

        string error = Assert.Single(ex.Errors);
        Assert.Matches(@"^rules\.yaml:\d+: rules\[1\] \(clicks-10pct\)\.sampleRat: unknown key; did you mean 'sampleRate'\?", error);
        int line = int.Parse(error.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("sampleRat:", File.ReadAllText(ShippedPath).Replace("    sampleRate: 0.1", "    sampleRat: 0.1", StringComparison.Ordinal).Split('\n')[line - 1], StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ShippedCopyWithWrongTypes_FailsNamingEachKey()
    {
        string yaml = File.ReadAllText(ShippedPath)
            .Replace("    sampleRate: 0.1", "    sampleRate: ten percent", StringComparison.Ordinal)
            .Replace("      count: 100", "      count: lots", StringComparison.Ordinal)
            .Replace("      events: [X]", "      events: X", StringComparison.Ordinal)
            .Replace("    enabled: false                # false turns", "    enabled: nope                # false turns", StringComparison.Ordinal);

        var ex = Assert.Throws<ConfigException>(() => RulesFile.Parse(yaml, "rules.yaml"));

        Assert.Equal(4, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.Contains("rules[0] (x-off).match.events: expected a list", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("rules[0] (x-off).enabled: expected true or false, got 'nope'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("rules[1] (clicks-10pct).sampleRate: expected a number greater than 0 and at most 1", StringComparison.Ordinal) && e.Contains("'ten percent'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("rules[2] (editor-errors-capped).cap.count: expected a whole number, got 'lots'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("rules:\n  - id: a\n    sampleRate: 0\n", "rules[0] (a).sampleRate: expected a number greater than 0")]
    [InlineData("rules:\n  - id: a\n    sampleRate: 1.5\n", "rules[0] (a).sampleRate: expected a number greater than 0")]
    [InlineData("rules:\n  - id: a\n    cap: {count: 5}\n", "rules[0] (a).cap.windowSeconds: required")]
    [InlineData("rules:\n  - id: a\n    cap: {count: -1, windowSeconds: 60}\n", "rules[0] (a).cap.count: must be between 0 and")]
    [InlineData("rules:\n  - id: a\n    match: {minVersion: two}\n", "rules[0] (a).match.minVersion: 'two' is not a version")]
    [InlineData("rules:\n  - id: a\n    match: {minVersion: '2.4', maxVersion: '2.0'}\n", "rules[0] (a).match.maxVersion: '2.0' must be above minVersion")]
    [InlineData("rules:\n  - id: a\n    match: {events: ['ui*click']}\n", "rules[0] (a).match.events: 'ui*click': '*' may only end a pattern")]
    [InlineData("rules:\n  - id: a\n  - id: a\n", "rules[1] (a).id: 'a' is also the id of rules[0]")]
    [InlineData("rules:\n  - id: a\n    enabled: false\n    sampleRate: 0.5\n", "rules[0] (a).enabled: a rule that turns events off has nothing to sample")]
    [InlineData("rulez: []\n", "rulez: unknown key; did you mean 'rules'?")]
    [InlineData("rules:\n  - just-a-name\n", "rules[0]: expected a rule")]
    [InlineData("rules: [\n", "invalid YAML")]
    public void Parse_InvalidRule_FailsWithMessageNamingRuleAndKey(string yaml, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => RulesFile.Parse(yaml, "rules.yaml"));

        Assert.Contains(ex.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NoRules_IsValidAndEmpty()
    {
        Assert.Empty(RulesFile.Parse("rules: []\n", "rules.yaml"));
        Assert.Empty(RulesFile.Parse("# nothing yet\nrules:\n", "rules.yaml"));
    }

    [Fact]
    public void Parse_RuleWithoutIdOrMatch_MatchesEverything()
    {
        var rule = Assert.Single(RulesFile.Parse("rules:\n  - sampleRate: 0.5\n", "rules.yaml"));

        Assert.Equal(string.Empty, rule.Id);
        Assert.Null(rule.Match.Events);
        Assert.Null(rule.Match.Product);
        Assert.Equal(0.5, rule.SampleRate);
    }
}
