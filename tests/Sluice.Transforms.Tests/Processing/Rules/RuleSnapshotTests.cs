using System.IO.Hashing;
using System.Text;
using Sluice.Transforms.Processing.Rules;

namespace Sluice.Transforms.Tests.Processing.Rules;

public class RuleSnapshotTests
{
    private const string Document = """
        {
          // comments and trailing commas are allowed, as the SDK allows them
          "version": "2026-11-25.3",
          "rules": [
            { "id": "kill", "match": { "product": "Editor", "events": ["debug.*"] }, "enabled": false },
            { "id": "sample", "match": { "minVersion": "2.0", "maxVersion": "3.0", "channels": ["beta"] }, "sampleRate": 0.25 },
            { "id": "cap", "match": { "events": ["tick"] }, "cap": { "count": 3, "windowSeconds": 60 }, "unknown": 1 },
          ],
        }
        """;

    [Fact]
    public void Parse_SdkRulesDocument_ReadsEveryField()
    {
        RuleSnapshot snapshot = RuleSnapshot.Parse(Encoding.UTF8.GetBytes(Document));

        Assert.Equal("2026-11-25.3", snapshot.Version);
        Assert.Equal(3, snapshot.Rules.Count);
        Assert.False(snapshot.Rules[0].Enabled);
        Assert.Equal("Editor", snapshot.Rules[0].Match.Product);
        Assert.Equal(0.25, snapshot.Rules[1].SampleRate);
        Assert.Equal(["beta"], snapshot.Rules[1].Match.Channels);
        Assert.Equal(new RuleCap(3, 60), snapshot.Rules[2].Cap);
    }

    [Fact]
    public void Parse_InvalidDocument_ListsEveryProblem()
    {
        const string bad = """
            { "rules": [
                { "id": "a", "sampleRate": 0 },
                { "id": "b", "cap": { "count": -1, "windowSeconds": 60 } },
                { "id": "c", "match": { "minVersion": "two", "events": "x" } },
                "no"
            ] }
            """;

        var ex = Assert.Throws<FormatException>(() => RuleSnapshot.Parse(Encoding.UTF8.GetBytes(bad)));

        Assert.Contains("version: required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("rules[0].sampleRate: must be a number in (0, 1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("rules[1].cap: needs count >= 0 and windowSeconds > 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("rules[2].match.events: expected an array of strings", ex.Message, StringComparison.Ordinal);
        Assert.Contains("rules[2].match.minVersion: 'two' is not a version", ex.Message, StringComparison.Ordinal);
        Assert.Contains("rules[3]: expected an object", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{")]
    [InlineData("null")]
    public void Parse_NotADocument_ThrowsFormatException(string json)
    {
        Assert.Throws<FormatException>(() => RuleSnapshot.Parse(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Match_FirstMatchingRuleDecides()
    {
        RuleSnapshot snapshot = RuleSnapshot.Parse(Encoding.UTF8.GetBytes(Document));
        Version v25 = RuleSnapshot.ParseVersion("2.5.1-beta")!;

        Assert.Equal("kill", snapshot.Match("Editor", "tenant", v25, "beta", "debug.render")?.Id);
        Assert.Equal("kill", snapshot.Match("svc", "Editor", v25, "beta", "debug.render")?.Id);
        Assert.Equal("sample", snapshot.Match("Other", "tenant", v25, "beta", "debug.render")?.Id);
        Assert.Equal("cap", snapshot.Match("Other", "tenant", RuleSnapshot.ParseVersion("3.0"), "beta", "tick")?.Id);
        Assert.Equal("cap", snapshot.Match("Other", "tenant", null, "beta", "tick")?.Id);
        Assert.Null(snapshot.Match("Other", "tenant", v25, "stable", "page"));
    }

    [Theory]
    [InlineData("2", "2.0.0.0")]
    [InlineData("2.1", "2.1.0.0")]
    [InlineData("2.1.3-rc.1+sha", "2.1.3.0")]
    public void ParseVersion_MissingPartsAreZero(string text, string expected)
    {
        Assert.Equal(Version.Parse(expected), RuleSnapshot.ParseVersion(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("latest")]
    [InlineData("1.x")]
    public void ParseVersion_NotAVersion_IsNull(string text)
    {
        Assert.Null(RuleSnapshot.ParseVersion(text));
    }

    [Fact]
    public void SampleBucket_IsTheSdkFunction()
    {
        // The SDK's definition, restated: top 53 bits of XxHash64 (seed 0) of "device/event" in UTF-8.
        ulong hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes("dev-ü-1/app.start"));
        double expected = (hash >> 11) / (double)(1UL << 53);

        Assert.Equal(expected, RuleSnapshot.SampleBucket("dev-ü-1", "app.start"));
        Assert.InRange(RuleSnapshot.SampleBucket(new string('d', 5000), "e"), 0.0, 1.0);
    }
}
