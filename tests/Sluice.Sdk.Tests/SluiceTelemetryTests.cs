using Sluice.Sdk.Events;
using Sluice.Sdk.Schema;
using Sluice.Sdk.Tests.Testing;

namespace Sluice.Sdk.Tests;

public sealed class SluiceTelemetryTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task TrackFeatureUsage_PropertiesOfUnknownCount_AllArriveWithPartB()
    {
        var receiver = new FakeReceiver();
        await using var sdk = SdkHarness.Start(SdkHarness.DefaultOptions(_folder.Path), receiver);

        // A lazy sequence (no count without enumerating) longer than the first guess at its size.
        var properties = Enumerable.Range(0, 10).Select(i => new KeyValuePair<string, object?>("p" + i, (long)i));
        sdk.Telemetry.TrackFeatureUsage(new FeatureUsage { Name = "export", Outcome = "completed" }, properties);
        sdk.Telemetry.TrackEvent("plain", [new("a", "1"), new("b", "2")]);

        await Wait.UntilAsync(() => receiver.AcceptedRecords().Count == 2, "two records");
        var usage = receiver.AcceptedRecords().Single(r => r.EventName == "feature_usage").Attributes;
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal((long)i, usage["p" + i]);
        }

        Assert.Equal("feature_usage", usage[SluiceAttributes.EventKind]);
        Assert.Equal("export", usage[SluiceAttributes.FeatureName]);
        Assert.Equal("completed", usage[SluiceAttributes.FeatureOutcome]);
        var plain = receiver.AcceptedRecords().Single(r => r.EventName == "plain").Attributes;
        Assert.Equal("1", plain["a"]);
        Assert.Equal("2", plain["b"]);
        Assert.False(plain.ContainsKey(SluiceAttributes.EventKind));
    }
}
