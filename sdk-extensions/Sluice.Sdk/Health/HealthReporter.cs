using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sluice.Sdk.Schema;

namespace Sluice.Sdk.Health;

/// <summary>
/// Emits the SDK's health event (<c>sluice.sdk.health</c>) every interval: what was queued,
/// sent, retried, persisted, evicted and dropped since the last report, so dashboards can show
/// loss on the client side. Counts are deltas; sum them over time.
/// </summary>
internal sealed class HealthReporter : BackgroundService
{
    /// <summary>The health event's name.</summary>
    public const string EventName = "sluice.sdk.health";

    private readonly SluiceRuntime _runtime;
    private readonly SluiceTelemetry _telemetry;
    private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);

    public HealthReporter(SluiceRuntime runtime, SluiceTelemetry telemetry)
    {
        _runtime = runtime;
        _telemetry = telemetry;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = _runtime.Options.HealthReportInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(interval, _runtime.Time, stoppingToken).ConfigureAwait(false);
                Report();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Emits one report now.</summary>
    internal void Report() => _telemetry.Emit(LogLevel.Information, EventName, Snapshot(), null);

    internal List<KeyValuePair<string, object?>> Snapshot()
    {
        var attributes = new List<KeyValuePair<string, object?>>
        {
            new(SluiceAttributes.EventKind, SluiceAttributes.EventKinds.SdkHealth),
        };
        var rules = _runtime.RuleCounters;
        var store = _runtime.Store;
        AddDelta(attributes, "sluice.health.dropped_by_rule", rules.DroppedByRule);
        AddDelta(attributes, "sluice.health.dropped_by_sampling", rules.DroppedBySampling);
        AddDelta(attributes, "sluice.health.dropped_by_cap", rules.DroppedByCap);
        AddDelta(attributes, "sluice.health.evicted", store.Counters.Evicted);
        AddDelta(attributes, "sluice.health.corrupt_files", store.Counters.CorruptFiles);
        AddDelta(attributes, "sluice.health.store_write_failures", store.Counters.WriteFailures);
        attributes.Add(new("sluice.health.store_bytes", store.TotalBytes));
        attributes.Add(new("sluice.health.store_files", (long)store.FileCount));
        attributes.Add(new("sluice.health.rules_version", _runtime.Rules.Version));
        foreach (var channel in _runtime.Channels)
        {
            var prefix = "sluice.health." + channel.Name.ToLowerInvariant() + ".";
            var c = channel.Counters;
            AddDelta(attributes, prefix + "queued", c.Queued);
            AddDelta(attributes, prefix + "persisted", c.Persisted);
            AddDelta(attributes, prefix + "sent", c.Sent);
            AddDelta(attributes, prefix + "retried", c.Retried);
            AddDelta(attributes, prefix + "permanent_failures", c.PermanentFailures);
            AddDelta(attributes, prefix + "dropped_queue_full", c.DroppedQueueFull);
            AddDelta(attributes, prefix + "requests", c.Requests);
        }

        return attributes;
    }

    private void AddDelta(List<KeyValuePair<string, object?>> attributes, string name, long total)
    {
        _last.TryGetValue(name, out var previous);
        _last[name] = total;
        attributes.Add(new(name, total - previous));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"HealthReporter({_runtime.Options.HealthReportInterval})");
}
