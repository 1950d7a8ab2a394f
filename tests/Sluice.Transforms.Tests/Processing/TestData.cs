using Sluice.Transforms.Model;

namespace Sluice.Transforms.Tests.Processing;

/// <summary>Builders for batches and raw settings as the config loader hands them over.</summary>
internal static class TestData
{
    public static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            map[key] = value;
        }

        return map;
    }

    public static List<object?> List(params object?[] items) => [.. items];

    public static ResourceInfo Resource(params (string Key, string Value)[] attributes)
    {
        var resource = new ResourceInfo();
        foreach (var (key, value) in attributes)
        {
            resource.Attributes.Add(key, value);
        }

        return resource;
    }

    public static LogEvent Log(ResourceInfo resource, string eventName = "", params (string Key, string Value)[] attributes)
    {
        var log = new LogEvent { Resource = resource, Scope = new ScopeInfo(), EventName = eventName, TimeUnixNano = 1_700_000_000_000_000_000 };
        foreach (var (key, value) in attributes)
        {
            log.Attributes.Add(key, value);
        }

        return log;
    }

    public static TelemetryBatch Batch(string product, params LogEvent[] logs)
    {
        var batch = new TelemetryBatch { Product = product, ReceivedUnixNano = 1_700_000_000_000_000_000 };
        batch.Logs.AddRange(logs);
        return batch;
    }
}
