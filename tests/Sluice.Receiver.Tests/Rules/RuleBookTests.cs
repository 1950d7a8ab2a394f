using System.Text;
using System.Text.Json;
using Sluice.Receiver.Rules;
using Sluice.Transforms.Processing.Rules;

namespace Sluice.Receiver.Tests.Rules;

public sealed class RuleBookTests
{
    private const string Yaml = """
        rules:
          - id: x-off
            match: {events: [X]}
            enabled: false
          - id: clicks-10pct
            match: {events: [ui.*], channels: [stable]}
            sampleRate: 0.1
          - id: editor-errors
            match: {product: Contoso.Editor, minVersion: "2.0", maxVersion: "2.4", events: [error]}
            cap: {count: 100, windowSeconds: 3600}
          - id: other-off
            match: {product: Other.App}
            enabled: false
        """;

    private static RuleBook Book(string yaml = Yaml) => new(RulesFile.Parse(yaml, "rules.yaml"));

    [Fact]
    public void DocumentFor_MatchingQuery_IsTheRulesMdDocumentInFileOrder()
    {
        var book = Book();

        byte[] document = book.DocumentFor("Contoso.Editor", "2.1.0", "stable");

        using var json = JsonDocument.Parse(document);
        var root = json.RootElement;
        Assert.Equal(book.VersionFor("Contoso.Editor"), root.GetProperty("version").GetString());
        var rules = root.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(["x-off", "clicks-10pct", "editor-errors"], rules.Select(r => r.GetProperty("id").GetString()));
        Assert.False(rules[0].GetProperty("enabled").GetBoolean());
        Assert.Equal("X", rules[0].GetProperty("match").GetProperty("events")[0].GetString());
        Assert.Equal(0.1, rules[1].GetProperty("sampleRate").GetDouble());
        Assert.Equal("stable", rules[1].GetProperty("match").GetProperty("channels")[0].GetString());
        Assert.Equal(100, rules[2].GetProperty("cap").GetProperty("count").GetInt64());
        Assert.Equal(3600, rules[2].GetProperty("cap").GetProperty("windowSeconds").GetInt64());
        Assert.Equal("2.0", rules[2].GetProperty("match").GetProperty("minVersion").GetString());

        // The same parser the server's enforcement uses accepts it, rule for rule.
        var parsed = RuleSnapshot.Parse(document);
        Assert.Equal(3, parsed.Rules.Count);
        Assert.Equal(RuleBook.Write(null, book.Rules.Take(3).ToList()), RuleBook.Write(null, parsed.Rules));
    }

    [Theory]
    [InlineData("2.4", "stable", new[] { "x-off", "clicks-10pct" })]
    [InlineData("1.9.9", "stable", new[] { "x-off", "clicks-10pct" })]
    [InlineData("2.0", "beta", new[] { "x-off", "editor-errors" })]
    [InlineData("2.3.9-beta.1", "beta", new[] { "x-off", "editor-errors" })]
    [InlineData("", "", new[] { "x-off" })]
    [InlineData("not-a-version", "beta", new[] { "x-off" })]
    public void DocumentFor_VersionAndChannel_ServesOnlyRulesWhoseBoundsAndChannelsFit(string version, string channel, string[] expected)
    {
        byte[] document = Book().DocumentFor("Contoso.Editor", version, channel);

        var ids = RuleSnapshot.Parse(document).Rules.Select(r => r.Id);
        Assert.Equal(expected, ids);
    }

    [Fact]
    public void VersionFor_EditOfAnotherProductsRule_LeavesThisProductsVersionAndETag()
    {
        var before = Book();
        var after = Book(Yaml.Replace("match: {product: Other.App}", "match: {product: Other.App, channels: [beta]}", StringComparison.Ordinal));

        Assert.Equal(before.VersionFor("Contoso.Editor"), after.VersionFor("Contoso.Editor"));
        Assert.Equal(before.ETagFor("Contoso.Editor"), after.ETagFor("Contoso.Editor"));
        Assert.NotEqual(before.VersionFor("Other.App"), after.VersionFor("Other.App"));
        Assert.NotEqual(before.Version, after.Version);
    }

    [Fact]
    public void VersionFor_EditOfASharedRule_ChangesEveryProductsVersion()
    {
        var before = Book();
        var after = Book(Yaml.Replace("sampleRate: 0.1", "sampleRate: 0.2", StringComparison.Ordinal));

        Assert.NotEqual(before.VersionFor("Contoso.Editor"), after.VersionFor("Contoso.Editor"));
        Assert.NotEqual(before.VersionFor("Other.App"), after.VersionFor("Other.App"));
    }

    [Fact]
    public void VersionFor_SameRulesDifferentComments_IsStableAcrossLoads()
    {
        var first = Book();
        var second = Book("# an SRE's note\n" + Yaml.Replace("enabled: false", "enabled: false   # kill switch", StringComparison.Ordinal));

        Assert.Equal(first.VersionFor("Contoso.Editor"), second.VersionFor("Contoso.Editor"));
        Assert.Matches("^[0-9a-f]{16}$", first.VersionFor("Contoso.Editor"));
        Assert.Equal("\"" + first.VersionFor("Contoso.Editor") + "\"", first.ETagFor("Contoso.Editor"));
    }

    [Fact]
    public void DocumentFor_NoRules_IsAValidEmptyDocument()
    {
        byte[] document = RuleBook.Empty.DocumentFor("p", "1.0", "stable");

        Assert.Equal($$"""{"version":"{{RuleBook.Empty.VersionFor("p")}}","rules":[]}""", Encoding.UTF8.GetString(document));
    }
}
