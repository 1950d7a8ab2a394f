using System.Diagnostics.Tracing;

namespace Sluice.Sdk.Tests.Testing;

/// <summary>Debug aid: prints SDK and OpenTelemetry self-diagnostics to the console.</summary>
public sealed class ConsoleEventListener : EventListener
{
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name.StartsWith("Sluice", StringComparison.Ordinal) || eventSource.Name.StartsWith("OpenTelemetry", StringComparison.Ordinal))
        {
            EnableEvents(eventSource, EventLevel.Warning);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        var payload = eventData.Payload is null ? string.Empty : string.Join(" | ", eventData.Payload);
        Console.WriteLine($"[{eventData.EventSource.Name}] {eventData.EventName}: {payload}");
    }
}
