using Microsoft.Extensions.Time.Testing;
using Sluice.Transforms.Model;
using Sluice.Transforms.Processing;
using static Sluice.Transforms.Tests.Processing.TestData;

namespace Sluice.Transforms.Tests.Processing.Enrichment;

public class EnricherTests
{
    private const ulong Second = 1_000_000_000;
    private const ulong Received = 1_700_000_000 * Second;
    private static readonly FakeTimeProvider Time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    private static TelemetryProcessor Create(params (string Key, object? Value)[] settings) =>
        TelemetryProcessorFactory.Create("sluice_enrich", Map(settings), new ProcessorContext { Time = Time });

    private static LogEvent At(ulong time, params (string Key, string Value)[] attributes)
    {
        var log = Log(Resource(), "e", attributes);
        log.TimeUnixNano = time;
        return log;
    }

    [Fact]
    public void Process_NoClientSendTime_DelayIsReceiveMinusEventTime()
    {
        var log = At(Received - 90 * Second);

        Create().Process(Batch("p", log));

        Assert.Equal(Received, log.ReceivedUnixNano);
        Assert.Equal(90 * Second, log.IngestionDelayNanos);
        Assert.Equal(0, log.ClockSkewNanos);
        Assert.Equal(Received - 90 * Second, log.TimeUnixNano);
    }

    [Fact]
    public void Process_ClientClockADayAhead_CorrectsEventTimeAndDelay()
    {
        const ulong day = 86_400 * Second;
        // The client's clock reads a day ahead: it sent at received + 1 day, the event happened 30 s before that.
        var log = At(Received + day - 30 * Second);
        var batch = Batch("p", log);
        batch.ClientSentUnixNano = Received + day;

        Create().Process(batch);

        Assert.Equal((long)day, log.ClockSkewNanos);
        Assert.Equal(Received - 30 * Second, log.TimeUnixNano);
        Assert.Equal(30 * Second, log.IngestionDelayNanos);
    }

    [Fact]
    public void Process_ClientClockBehind_CorrectsForward()
    {
        var log = At(Received - 3600 * Second - 5 * Second);
        var batch = Batch("p", log);
        batch.ClientSentUnixNano = Received - 3600 * Second;

        Create().Process(batch);

        Assert.Equal(-3600L * (long)Second, log.ClockSkewNanos);
        Assert.Equal(5 * Second, log.IngestionDelayNanos);
    }

    [Fact]
    public void Process_SkewWithinTolerance_IsTransitTimeAndIgnored()
    {
        var log = At(Received - 10 * Second);
        var batch = Batch("p", log);
        batch.ClientSentUnixNano = Received - 2 * Second;

        Create().Process(batch);

        Assert.Equal(0, log.ClockSkewNanos);
        Assert.Equal(10 * Second, log.IngestionDelayNanos);
    }

    [Fact]
    public void Process_CorrectionOff_KeepsClientTimeButStillReportsSkew()
    {
        var log = At(Received + 100 * Second);
        var batch = Batch("p", log);
        batch.ClientSentUnixNano = Received + 110 * Second;

        Create(("correct_event_time", "false")).Process(batch);

        Assert.Equal(Received + 100 * Second, log.TimeUnixNano);
        Assert.Equal(110L * (long)Second, log.ClockSkewNanos);
        Assert.Equal(10 * Second, log.IngestionDelayNanos);
    }

    [Fact]
    public void Process_EventFromTheFuture_HasZeroDelayNotAWrappedOne()
    {
        var log = At(Received + 3600 * Second);

        Create().Process(Batch("p", log));

        Assert.Equal(0UL, log.IngestionDelayNanos);
    }

    [Theory]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL)]
    [InlineData(Received + (1UL << 63))]
    public void Process_HostileClientSendTime_DoesNotThrow(ulong sent)
    {
        var log = At(Received);
        var batch = Batch("p", log);
        batch.ClientSentUnixNano = sent;

        Create().Process(batch);

        Assert.Single(batch.Logs);
    }

    [Fact]
    public void Process_NoTimestampAnywhere_UsesReceiveTime()
    {
        var log = At(0);
        var batch = Batch("p", log);
        batch.ReceivedUnixNano = 0;

        Create().Process(batch);

        ulong now = 1_800_000_000 * Second;
        Assert.Equal(now, log.ReceivedUnixNano);
        Assert.Equal(now, log.TimeUnixNano);
        Assert.Equal(0UL, log.IngestionDelayNanos);
    }

    [Fact]
    public void Process_ProductFromApiKey_FillsMissingServiceNameOnly()
    {
        var bare = Log(Resource(), "e");
        var named = Log(Resource(("service.name", "Editor")), "e");

        Create().Process(Batch("tenant-a", bare, named));

        Assert.Equal("tenant-a", bare.Resource.Attributes.Get("service.name"));
        Assert.Equal("Editor", named.Resource.Attributes.Get("service.name"));
    }

    [Theory]
    [InlineData("0.5", 0.5)]
    [InlineData("1", 1)]
    [InlineData("0", 1)]
    [InlineData("-0.5", 1)]
    [InlineData("2", 1)]
    [InlineData("NaN", 1)]
    [InlineData("half", 1)]
    [InlineData("", 1)]
    public void Process_ClientSampleRate_IsRecordedWhenValid(string text, double expected)
    {
        var log = At(Received, ("sluice.sample_rate", text));

        Create().Process(Batch("p", log));

        Assert.Equal(expected, log.SampleRate);
    }
}
