using Sluice.Transforms.Model;
using Sluice.Transforms.Processing;
using Sluice.Transforms.Processing.Schema;
using static Sluice.Transforms.Tests.Processing.TestData;

namespace Sluice.Transforms.Tests.Processing.Schema;

public class SchemaNormalizerTests
{
    private static SchemaNormalizer Create(bool semantic = true) => new(semantic);

    [Fact]
    public void Process_V1Record_GetsV2NamesAndResourceFields()
    {
        var resource = Resource(("service.name", "unknown_service:app"));
        var log = Log(resource, "app.start",
            ("sluice.schema.version", "1"), ("UserId", "1abc"), ("SessionId", "s1"), ("Seq", "7"), ("TzOffsetMinutes", "60"),
            ("MachineId", "dev-1"), ("OsName", "Windows 11"), ("OsVersion", "10.0.22631"), ("OsArch", "amd64"),
            ("ProductName", "Editor"), ("ProductVersion", "3.1.0"), ("SdkName", "sluice.sdk.dotnet"), ("SdkVersion", "1.0.0"),
            ("Locale", "de-DE"), ("custom", "kept"));

        Create().Process(Batch("p", log));

        Assert.Equal("1abc", log.Attributes.Get("user.id"));
        Assert.Equal("s1", log.Attributes.Get("session.id"));
        Assert.Equal("7", log.Attributes.Get("sluice.session.seq"));
        Assert.Equal("60", log.Attributes.Get("sluice.tz_offset_minutes"));
        Assert.Equal("kept", log.Attributes.Get("custom"));
        Assert.Equal("1", log.Attributes.Get("sluice.schema.version"));
        Assert.Null(log.Attributes.Get("MachineId"));
        Assert.Null(log.Attributes.Get("UserId"));
        Assert.Equal("Editor", resource.Attributes.Get("service.name"));
        Assert.Equal("3.1.0", resource.Attributes.Get("service.version"));
        Assert.Equal("dev-1", resource.Attributes.Get("device.id"));
        Assert.Equal("Windows 11", resource.Attributes.Get("os.name"));
        Assert.Equal("amd64", resource.Attributes.Get("host.arch"));
        Assert.Equal("de-DE", resource.Attributes.Get("sluice.locale"));
    }

    [Fact]
    public void Process_V1RecordDifferingFromItsResource_KeepsItsOwnValueOnTheRecord()
    {
        var resource = Resource(("service.name", "Editor"), ("device.id", "dev-1"));
        var log = Log(resource, "e", ("sluice.schema.version", "1"), ("MachineId", "dev-2"), ("ProductName", "Editor"));

        Create().Process(Batch("p", log));

        Assert.Equal("dev-1", resource.Attributes.Get("device.id"));
        Assert.Equal("dev-2", log.Attributes.Get("device.id"));
        Assert.Null(log.Attributes.Get("service.name"));
    }

    [Fact]
    public void Process_V1WithoutTimestamp_UsesEventTime()
    {
        var log = Log(Resource(), "e", ("sluice.schema.version", "1"), ("EventTime", "1700000000123"));
        log.TimeUnixNano = 0;

        Create().Process(Batch("p", log));

        Assert.Equal(1_700_000_000_123_000_000UL, log.TimeUnixNano);
        Assert.Null(log.Attributes.Get("EventTime"));
    }

    [Theory]
    [InlineData("not a number")]
    [InlineData("-5")]
    [InlineData("99999999999999999999999")]
    public void Process_V1WithGarbageEventTime_KeepsRecordAndDropsTheField(string eventTime)
    {
        var log = Log(Resource(), "e", ("sluice.schema.version", "1"), ("EventTime", eventTime));
        log.TimeUnixNano = 0;
        var batch = Batch("p", log);

        Create().Process(batch);

        Assert.Single(batch.Logs);
        Assert.Equal(0UL, log.TimeUnixNano);
        Assert.Null(log.Attributes.Get("EventTime"));
    }

    [Fact]
    public void Process_PlainOpenTelemetryClient_MappedFromSemanticConventionsNeverRejected()
    {
        var resource = Resource(("service.name", "web"), ("host.id", "h-42"), ("os.description", "Ubuntu 24.04"), ("deployment.environment.name", "beta"));
        var log = Log(resource, string.Empty, ("enduser.id", "u1"), ("event.name", "checkout"));
        var bare = Log(Resource(), string.Empty);
        var batch = Batch("p", log, bare);

        Create().Process(batch);

        Assert.Equal(2, batch.Logs.Count);
        Assert.Equal("h-42", resource.Attributes.Get("device.id"));
        Assert.Equal("Ubuntu 24.04", resource.Attributes.Get("os.name"));
        Assert.Equal("beta", resource.Attributes.Get("sluice.release_channel"));
        Assert.Equal("u1", log.Attributes.Get("user.id"));
        Assert.Equal("checkout", log.EventName);
    }

    [Fact]
    public void Process_SemanticConventionsOff_LeavesPlainClientAlone()
    {
        var resource = Resource(("host.id", "h-42"));
        var log = Log(resource, "e", ("enduser.id", "u1"));

        Create(semantic: false).Process(Batch("p", log));

        Assert.Null(resource.Attributes.Get("device.id"));
        Assert.Null(log.Attributes.Get("user.id"));
    }

    [Fact]
    public void Process_V2Record_IsUnchanged()
    {
        var resource = Resource(("service.name", "Editor"), ("device.id", "d"), ("host.id", "other"));
        var log = Log(resource, "e", ("sluice.schema.version", "2"), ("user.id", "1xyz"), ("UserId", "looks v1 but is custom"));

        Create().Process(Batch("p", log));

        Assert.Equal(3, log.Attributes.Count);
        Assert.Equal("looks v1 but is custom", log.Attributes.Get("UserId"));
        Assert.Equal("d", resource.Attributes.Get("device.id"));
    }

    [Fact]
    public void Process_SpansAndMetricsResources_AreMappedToo()
    {
        var batch = new TelemetryBatch();
        var resource = Resource(("host.id", "h"));
        batch.Spans.Add(new SpanEvent { Resource = resource, Scope = new ScopeInfo() });
        batch.Metrics.Add(new MetricPoint { Resource = Resource(("host.id", "m")), Scope = new ScopeInfo() });

        Create().Process(batch);

        Assert.Equal("h", resource.Attributes.Get("device.id"));
        Assert.Equal("m", batch.Metrics[0].Resource.Attributes.Get("device.id"));
    }

    [Fact]
    public void Process_UnicodeAndEmptyValues_PassThrough()
    {
        var log = Log(Resource(), "ereignis.über", ("sluice.schema.version", "1"), ("UserId", string.Empty), ("SessionId", "会话-😀"));

        Create().Process(Batch("p", log));

        Assert.Equal(string.Empty, log.Attributes.Get("user.id"));
        Assert.Equal("会话-😀", log.Attributes.Get("session.id"));
        Assert.Equal("ereignis.über", log.EventName);
    }

    [Fact]
    public void Create_UnknownKey_IsReported()
    {
        var ex = Assert.Throws<TransformConfigException>(() => TelemetryProcessorFactory.Create("sluice_schema", Map(("semantic_convention", "true")), new ProcessorContext()));

        Assert.Equal(["processors.sluice_schema.semantic_convention: unknown key; allowed: semantic_conventions"], ex.Errors);
    }
}
