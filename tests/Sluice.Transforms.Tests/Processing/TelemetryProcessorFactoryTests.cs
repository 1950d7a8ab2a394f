using Sluice.Transforms.Model;
using Sluice.Transforms.Processing;
using Sluice.Transforms.Processing.Attributes;
using Sluice.Transforms.Processing.Filter;
using static Sluice.Transforms.Tests.Processing.TestData;

namespace Sluice.Transforms.Tests.Processing;

public class TelemetryProcessorFactoryTests
{
    private static readonly ProcessorContext Context = new();

    [Fact]
    public void Create_UnknownAction_NamesPathAndAllowedActions()
    {
        var settings = Map(("actions", List(
            Map(("key", "a"), ("action", "delete")),
            Map(("key", "b"), ("action", "delete")),
            Map(("key", "c"), ("action", "upsertt"), ("value", "x")))));

        var ex = Assert.Throws<TransformConfigException>(() => TelemetryProcessorFactory.Create("attributes/scrub", settings, Context));

        Assert.Equal(
            ["processors.attributes/scrub.actions[2].action: unknown action 'upsertt'; allowed: insert, update, upsert, delete, rename, hash"],
            ex.Errors);
    }

    [Fact]
    public void Create_SeveralErrors_ReportsEveryOne()
    {
        var settings = Map(
            ("actions", List(
                Map(("action", "insert"), ("value", "x")),
                Map(("key", "b"), ("action", "rename")),
                "not a map")),
            ("colour", "blue"));

        var ex = Assert.Throws<TransformConfigException>(() => TelemetryProcessorFactory.Create("attributes", settings, Context));

        Assert.Contains("processors.attributes.actions[0].key: required: the attribute's key", ex.Errors);
        Assert.Contains("processors.attributes.actions[1].new_key: rename needs new_key, the key to rename to", ex.Errors);
        Assert.Contains("processors.attributes.actions[2]: expected a mapping (key: value), got 'not a map'", ex.Errors);
        Assert.Contains(ex.Errors, e => e.StartsWith("processors.attributes.colour: unknown key; allowed: actions", StringComparison.Ordinal));
        Assert.Equal(4, ex.Errors.Count);
    }

    [Fact]
    public void Create_ReceiverOwnOrUnknownType_IsRefused()
    {
        var ex = Assert.Throws<TransformConfigException>(() => TelemetryProcessorFactory.Create("batch", Map(), Context));

        Assert.StartsWith("processors.batch: 'batch' is not a transform; transforms are sluice_schema", ex.Errors[0], StringComparison.Ordinal);
        Assert.False(TelemetryProcessorFactory.IsTransform("memory_limiter"));
        Assert.True(TelemetryProcessorFactory.IsTransform("sluice_privacy"));
    }

    [Theory]
    [InlineData("sluice_schema")]
    [InlineData("sluice_privacy")]
    [InlineData("sluice_rules")]
    [InlineData("sluice_enrich")]
    public void Create_SluiceTransformWithNoSettings_UsesDefaults(string name)
    {
        TelemetryProcessor processor = TelemetryProcessorFactory.Create(name + "/x", Map(), Context);

        var batch = Batch("p");
        processor.Process(batch);
        Assert.Empty(batch.Logs);
    }

    [Fact]
    public void Create_WrongTypesInSettings_ReportsEachWithPath()
    {
        var settings = Map(("semantic_conventions", Map(("a", "b"))));

        var ex = Assert.Throws<TransformConfigException>(() => TelemetryProcessorFactory.Create("sluice_schema", settings, Context));

        Assert.Equal(["processors.sluice_schema.semantic_conventions: expected a value, got a mapping"], ex.Errors);
    }

    [Fact]
    public void CreatePipeline_RunsProcessorsInConfigOrder()
    {
        TelemetryProcessor pipeline = TelemetryProcessorFactory.CreatePipeline(
            [
                ("attributes/a", Map(("actions", List(Map(("key", "k"), ("action", "upsert"), ("value", "drop-me")))))),
                ("filter/b", Map(("attributes", List(Map(("key", "k"), ("value", "drop-me")))))),
            ],
            Context);

        var batch = Batch("p", Log(Resource(), "e"));
        pipeline.Process(batch);

        Assert.Empty(batch.Logs);
    }

    [Fact]
    public void CreatePipeline_ErrorsInSeveralProcessors_ReportsAllAtOnce()
    {
        var ex = Assert.Throws<TransformConfigException>(() => TelemetryProcessorFactory.CreatePipeline(
            [
                ("filter", Map()),
                ("sluice_enrich", Map(("skew_tolerance", "5 parsecs"))),
            ],
            Context));

        Assert.Equal(2, ex.Errors.Count);
        Assert.StartsWith("processors.filter.event_names: the filter has nothing to match", ex.Errors[0], StringComparison.Ordinal);
        Assert.Equal("processors.sluice_enrich.skew_tolerance: expected a duration such as 200ms, 5s, 1m or 1h30m, got '5 parsecs'", ex.Errors[1]);
    }

    [Fact]
    public void CreatePipeline_OneProcessor_IsReturnedItself()
    {
        TelemetryProcessor pipeline = TelemetryProcessorFactory.CreatePipeline([("filter", Map(("min_severity", "warn")))], Context);

        Assert.IsType<FilterProcessor>(pipeline);
    }

    [Theory]
    [InlineData("200ms", 2_000_000)]
    [InlineData("1h30m", 54_000_000_000)]
    [InlineData("1.5s", 15_000_000)]
    [InlineData("0", 0)]
    public void TryParseDuration_GoSyntax_Parses(string text, long ticks)
    {
        Assert.True(SettingsReader.TryParseDuration(text, out TimeSpan value));
        Assert.Equal(ticks, value.Ticks);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("")]
    [InlineData("5 s")]
    [InlineData("1d")]
    [InlineData("-")]
    public void TryParseDuration_NotADuration_Fails(string text)
    {
        Assert.False(SettingsReader.TryParseDuration(text, out _));
    }

    [Fact]
    public void Create_AttributesProcessorFromFactory_IsAttributesProcessor()
    {
        TelemetryProcessor processor = TelemetryProcessorFactory.Create("attributes", Map(("actions", List(Map(("key", "a"), ("action", "delete"))))), Context);

        Assert.IsType<AttributesProcessor>(processor);
        var batch = Batch("p", Log(Resource(), "e", ("a", "1"), ("b", "2")));
        batch.Spans.Add(new SpanEvent { Resource = Resource(), Scope = new ScopeInfo() });
        batch.Spans[0].Attributes.Add("a", "x");
        processor.Process(batch);
        Assert.Equal(["b"], batch.Logs[0].Attributes.Keys.ToArray());
        Assert.Equal(0, batch.Spans[0].Attributes.Count);
    }
}
