using Sluice.Sdk.Health;
using Sluice.Sdk.Rules;
using Sluice.Sdk.Tests.Testing;

namespace Sluice.Sdk.Tests.Health;

public sealed class HealthReporterTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Snapshot_AfterActivity_ReportsDeltasSinceLastReport()
    {
        var receiver = new FakeReceiver();
        await using var sdk = SdkHarness.Start(SdkHarness.DefaultOptions(_folder.Path), receiver);
        sdk.Runtime.Rules.Apply(RuleSet.Parse("""{"version":"h1","rules":[{"id":"off","match":{"events":["X"]},"enabled":false}]}"""u8));
        var reporter = new HealthReporter(sdk.Runtime, sdk.Telemetry);
        sdk.Telemetry.TrackEvent("X");
        sdk.Telemetry.TrackEvent("Y");
        sdk.Telemetry.TrackEvent("Z");
        await Wait.UntilAsync(() => sdk.Runtime.Channels[0].Counters.Sent == 2, "two sent");

        var first = reporter.Snapshot().ToDictionary(a => a.Key, a => a.Value);
        var second = reporter.Snapshot().ToDictionary(a => a.Key, a => a.Value);

        Assert.Equal(1L, first["sluice.health.dropped_by_rule"]);
        Assert.Equal(2L, first["sluice.health.main.queued"]);
        Assert.Equal(2L, first["sluice.health.main.sent"]);
        Assert.Equal(2L, first["sluice.health.main.persisted"]);
        Assert.Equal("h1", first["sluice.health.rules_version"]);
        Assert.Equal(0L, second["sluice.health.main.sent"]);
        Assert.Equal(0L, second["sluice.health.dropped_by_rule"]);
    }

    [Fact]
    public async Task Report_EmitsTheHealthEventThroughThePipeline()
    {
        var receiver = new FakeReceiver();
        await using var sdk = SdkHarness.Start(SdkHarness.DefaultOptions(_folder.Path), receiver);

        new HealthReporter(sdk.Runtime, sdk.Telemetry).Report();

        await Wait.UntilAsync(() => receiver.AcceptedRecords().Count == 1, "health event");
        var record = receiver.AcceptedRecords()[0];
        Assert.Equal(HealthReporter.EventName, record.EventName);
        Assert.Equal("sdk_health", record.Attributes["sluice.event.kind"]);
    }
}
