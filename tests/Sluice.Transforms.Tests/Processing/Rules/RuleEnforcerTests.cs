using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Sluice.Transforms.Model;
using Sluice.Transforms.Processing;
using Sluice.Transforms.Processing.Rules;
using static Sluice.Transforms.Tests.Processing.TestData;

namespace Sluice.Transforms.Tests.Processing.Rules;

public class RuleEnforcerTests
{
    private sealed class MutableSource : IRuleSource
    {
        public RuleSnapshot Current { get; set; } = RuleSnapshot.Empty;
    }

    private static RuleSnapshot Rules(params TelemetryRule[] rules) => new("v1", rules);

    private static ResourceInfo Device(string id, string version = "2.0.0", string channel = "stable") =>
        Resource(("service.name", "Editor"), ("service.version", version), ("sluice.release_channel", channel), ("device.id", id));

    private static RuleEnforcer Create(IRuleSource source) =>
        (RuleEnforcer)TelemetryProcessorFactory.Create("sluice_rules", Map(), new ProcessorContext { Rules = source, Time = new FakeTimeProvider() });

    [Fact]
    public void Process_KillSwitch_DropsMatchingEventsOnly()
    {
        var source = new MutableSource { Current = Rules(new TelemetryRule { Id = "off", Match = new RuleMatch { Events = ["noisy.*"] }, Enabled = false }) };
        var enforcer = Create(source);
        var resource = Device("d1");
        var batch = Batch("tenant", Log(resource, "noisy.tick"), Log(resource, "page.view"), Log(resource, "noisy.other"));

        enforcer.Process(batch);

        Assert.Equal(["page.view"], batch.Logs.Select(l => l.EventName));
        Assert.Equal(2, enforcer.DroppedByRule);
    }

    [Fact]
    public void Process_RuleChangedInSource_HoldsFromTheNextBatch()
    {
        var source = new MutableSource();
        var enforcer = Create(source);
        var first = Batch("tenant", Log(Device("d1"), "e"));
        enforcer.Process(first);

        source.Current = Rules(new TelemetryRule { Id = "off", Enabled = false });
        var second = Batch("tenant", Log(Device("d1"), "e"));
        enforcer.Process(second);

        Assert.Single(first.Logs);
        Assert.Empty(second.Logs);
    }

    [Fact]
    public void Process_Sampling_IsDeterministicPerDeviceAndNearTheRate()
    {
        var source = new MutableSource { Current = Rules(new TelemetryRule { Id = "s", SampleRate = 0.25 }) };
        var enforcer = Create(source);
        var logs = new List<LogEvent>();
        for (int i = 0; i < 4000; i++)
        {
            logs.Add(Log(Device("device-" + i.ToString(CultureInfo.InvariantCulture)), "page.view"));
        }

        var batch = Batch("tenant", [.. logs]);
        enforcer.Process(batch);
        var again = Batch("tenant", [.. logs.Select(l => Log(l.Resource, "page.view"))]);
        enforcer.Process(again);

        Assert.InRange(batch.Logs.Count, 900, 1100);
        Assert.Equal(batch.Logs.Select(l => l.Resource.Attributes.Get("device.id")), again.Logs.Select(l => l.Resource.Attributes.Get("device.id")));
        Assert.All(batch.Logs, l => Assert.True(RuleSnapshot.SampleBucket(l.Resource.Attributes.Get("device.id")!, "page.view") < 0.25));
        Assert.All(batch.Logs, l => Assert.Equal(0.25, l.SampleRate));
        Assert.All(batch.Logs, l => Assert.Equal("0.25", l.Attributes.Get("sluice.sample_rate")));
        Assert.Equal(2 * (4000 - batch.Logs.Count), enforcer.DroppedBySampling);
    }

    [Fact]
    public void Process_SdkAlreadySampledLower_KeepsTheLowerRate()
    {
        var source = new MutableSource { Current = Rules(new TelemetryRule { Id = "s", SampleRate = 0.999999 }) };
        var log = Log(Device("d"), "e", ("sluice.sample_rate", "0.1"));

        Create(source).Process(Batch("tenant", log));

        Assert.Equal(0.1, log.SampleRate);
        Assert.Equal("0.1", log.Attributes.Get("sluice.sample_rate"));
    }

    [Fact]
    public void Process_Cap_AllowsCountPerDeviceAndWindowThenDrops()
    {
        var source = new MutableSource { Current = Rules(new TelemetryRule { Id = "c", Cap = new RuleCap(3, 60) }) };
        var enforcer = Create(source);
        ulong window = 1_700_000_040UL / 60 * 60 * 1_000_000_000;
        LogEvent At(string device, ulong offsetSeconds)
        {
            var log = Log(Device(device), "tick");
            log.TimeUnixNano = window + offsetSeconds * 1_000_000_000;
            return log;
        }

        var batch = Batch("tenant", At("a", 1), At("a", 2), At("b", 3), At("a", 4), At("a", 5), At("a", 61));
        enforcer.Process(batch);

        Assert.Equal([1UL, 2, 3, 4, 61], batch.Logs.Select(l => (l.TimeUnixNano - window) / 1_000_000_000));
        Assert.Equal(1, enforcer.DroppedByCap);
    }

    [Fact]
    public void Process_VersionAndChannelBounds_ApplyToMatchingResourcesOnly()
    {
        var source = new MutableSource
        {
            Current = Rules(new TelemetryRule { Id = "old-beta", Match = new RuleMatch { MaxVersion = "2.0", Channels = ["beta"] }, Enabled = false }),
        };
        var batch = Batch(
            "tenant",
            Log(Device("a", "1.9.9", "beta"), "e"),
            Log(Device("b", "2.0", "beta"), "e"),
            Log(Device("c", "1.0", "stable"), "e"),
            Log(Device("d", "garbage", "beta"), "e"));

        Create(source).Process(batch);

        Assert.Equal(["b", "c", "d"], batch.Logs.Select(l => l.Resource.Attributes.Get("device.id")));
    }

    [Fact]
    public void Process_NoDeviceId_FallsBackWithoutThrowing()
    {
        var source = new MutableSource { Current = Rules(new TelemetryRule { Id = "s", SampleRate = 0.5, Cap = new RuleCap(100, 1) }) };
        var batch = Batch("tenant", Log(Resource(), "e"), Log(Resource(), string.Empty, ("user.id", "u")));
        batch.Logs[0].TimeUnixNano = 0;

        Create(source).Process(batch);

        Assert.InRange(batch.Logs.Count, 0, 2);
    }

    [Fact]
    public void Create_UnknownSetting_IsReported()
    {
        var ex = Assert.Throws<TransformConfigException>(() =>
            TelemetryProcessorFactory.Create("sluice_rules", Map(("max_cap_counters", "0")), new ProcessorContext()));

        Assert.Equal(["processors.sluice_rules.max_cap_counters: must be between 1 and 100000000, got 0"], ex.Errors);
    }
}
