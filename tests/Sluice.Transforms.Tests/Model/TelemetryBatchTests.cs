using System.Reflection;
using Sluice.Transforms.Model;

namespace Sluice.Transforms.Tests.Model;

public class TelemetryBatchTests
{
    [Fact]
    public void Reset_EveryPropertySet_AsANewRecord()
    {
        var log = new LogEvent
        {
            EventId = 7,
            TimeUnixNano = 1,
            ObservedTimeUnixNano = 2,
            TraceId = "t",
            SpanId = "s",
            TraceFlags = 1,
            SeverityText = "INFO",
            SeverityNumber = 9,
            Body = "b",
            EventName = "e",
            DroppedAttributesCount = 3,
            SampleRate = 0.5,
            ReceivedUnixNano = 4,
            IngestionDelayNanos = 5,
            ClockSkewNanos = -6,
            Resource = new ResourceInfo(),
            Scope = new ScopeInfo(),
        };
        log.Attributes.Add("k", "v");
        PropertyInfo[] properties = typeof(LogEvent).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var fresh = new LogEvent();
        foreach (PropertyInfo property in properties.Where(p => p.PropertyType != typeof(AttributeList)))
        {
            // A property added later must be set above (and then reset), or this fails.
            Assert.NotEqual(property.GetValue(fresh), property.GetValue(log));
        }

        log.Reset();

        foreach (PropertyInfo property in properties.Where(p => p.PropertyType != typeof(AttributeList)))
        {
            Assert.Equal(property.GetValue(fresh), property.GetValue(log));
        }

        Assert.Equal(0, log.Attributes.Count);
    }

    [Fact]
    public void NewLog_AfterClear_HandsOutTheReleasedRecordsResetAndKeepsTheRestNew()
    {
        var batch = new TelemetryBatch();
        LogEvent first = batch.NewLog(4);
        first.Body = "old";
        first.Attributes.Add("k", "v");
        batch.Logs.Add(first);
        LogEvent dropped = batch.NewLog(4);
        dropped.Body = "dropped";

        batch.Clear();
        LogEvent again = batch.NewLog(4);
        LogEvent other = batch.NewLog(4);

        Assert.Same(first, again);
        Assert.Equal(string.Empty, again.Body);
        Assert.Equal(0, again.Attributes.Count);
        Assert.NotSame(dropped, other);
        Assert.NotSame(first, other);
        Assert.Empty(batch.Logs);
    }
}
