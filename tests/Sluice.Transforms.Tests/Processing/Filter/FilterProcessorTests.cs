using Sluice.Transforms.Model;
using Sluice.Transforms.Processing;
using Sluice.Transforms.Processing.Filter;
using static Sluice.Transforms.Tests.Processing.TestData;

namespace Sluice.Transforms.Tests.Processing.Filter;

public class FilterProcessorTests
{
    private static FilterProcessor Create(params (string Key, object? Value)[] settings) =>
        (FilterProcessor)TelemetryProcessorFactory.Create("filter/t", Map(settings), new ProcessorContext());

    private static LogEvent Sev(string name, byte severity)
    {
        var log = Log(Resource(), name);
        log.SeverityNumber = severity;
        return log;
    }

    [Fact]
    public void Process_EventNames_DropsExactAndPrefixMatches()
    {
        var filter = Create(("event_names", List("heartbeat", "debug.*")));
        var batch = Batch("p", Log(Resource(), "heartbeat"), Log(Resource(), "debug.render"), Log(Resource(), "heartbeats"), Log(Resource(), "page.view"));

        filter.Process(batch);

        Assert.Equal(["heartbeats", "page.view"], batch.Logs.Select(l => l.EventName));
        Assert.Equal(2, filter.Dropped);
    }

    [Fact]
    public void Process_KeepAction_KeepsOnlyMatching()
    {
        var batch = Batch("p", Log(Resource(), "purchase"), Log(Resource(), "scroll"));

        Create(("action", "keep"), ("event_names", List("purchase"))).Process(batch);

        Assert.Equal(["purchase"], batch.Logs.Select(l => l.EventName));
    }

    [Fact]
    public void Process_MinSeverity_DropsBelowAndKeepsUnset()
    {
        var batch = Batch("p", Sev("a", 5), Sev("b", 9), Sev("c", 0), Sev("d", 17));

        Create(("min_severity", "info")).Process(batch);

        Assert.Equal(["b", "c", "d"], batch.Logs.Select(l => l.EventName));
    }

    [Fact]
    public void Process_Attributes_ValuePatternOrPresence()
    {
        var batch = Batch(
            "p",
            Log(Resource(), "a", ("env", "test")),
            Log(Resource(), "b", ("url", "https://internal.example/x")),
            Log(Resource(), "c", ("synthetic", "")),
            Log(Resource(), "d", ("env", "prod"), ("url", "https://example.com")));

        Create(("attributes", List(Map(("key", "env"), ("value", "test")), Map(("key", "url"), ("pattern", "^https://internal\\.")), Map(("key", "synthetic"))))).Process(batch);

        Assert.Equal(["d"], batch.Logs.Select(l => l.EventName));
    }

    [Fact]
    public void Process_SignalsRestricted_LeavesOtherSignals()
    {
        var batch = Batch("p", Log(Resource(), "health"));
        batch.Spans.Add(new SpanEvent { Name = "health", Resource = Resource(), Scope = new ScopeInfo() });
        batch.Metrics.Add(new MetricPoint { Name = "health", Resource = Resource(), Scope = new ScopeInfo() });

        Create(("event_names", List("health")), ("signals", List("traces"))).Process(batch);

        Assert.Single(batch.Logs);
        Assert.Empty(batch.Spans);
        Assert.Single(batch.Metrics);
    }

    [Fact]
    public void Process_EmptyNamesAndUnicode_MatchExactly()
    {
        var batch = Batch("p", Log(Resource(), string.Empty), Log(Resource(), "événement"), Log(Resource(), "évén"));

        Create(("event_names", List("événement"))).Process(batch);

        Assert.Equal([string.Empty, "évén"], batch.Logs.Select(l => l.EventName));
    }

    [Fact]
    public void Create_BadSettings_ReportsEach()
    {
        var ex = Assert.Throws<TransformConfigException>(() => Create(
            ("action", "remove"),
            ("event_names", "heartbeat"),
            ("min_severity", "loud"),
            ("signals", List("logs", "profiles")),
            ("attributes", List(Map(("value", "x")), Map(("key", "k"), ("value", "v"), ("pattern", "p"))))));

        Assert.Equal(
            [
                "processors.filter/t.action: unknown value 'remove'; allowed: drop, keep",
                "processors.filter/t.event_names: expected a list of values, got 'heartbeat'",
                "processors.filter/t.attributes[0].key: required: the attribute's key",
                "processors.filter/t.attributes[1].pattern: give value or pattern, not both",
                "processors.filter/t.min_severity: unknown severity 'loud'; allowed: trace, debug, info, warn, error, fatal or a number 1-24",
                "processors.filter/t.signals[1]: unknown signal 'profiles'; allowed: logs, traces, metrics",
            ],
            ex.Errors);
    }

    [Theory]
    [InlineData("WARN", 13)]
    [InlineData("error", 17)]
    [InlineData("24", 24)]
    public void TryParseSeverity_NamesAndNumbers(string text, int expected)
    {
        Assert.True(FilterProcessor.TryParseSeverity(text, out byte number));
        Assert.Equal(expected, number);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("25")]
    [InlineData("-1")]
    public void TryParseSeverity_OutOfRange_Fails(string text)
    {
        Assert.False(FilterProcessor.TryParseSeverity(text, out _));
    }
}
