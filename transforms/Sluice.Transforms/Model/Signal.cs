namespace Sluice.Transforms.Model;

/// <summary>The three OpenTelemetry signals the pipeline carries.</summary>
public enum Signal : byte
{
    /// <summary>Log records; product events are log records with an event name.</summary>
    Logs = 1,

    /// <summary>Spans.</summary>
    Traces = 2,

    /// <summary>Metric data points.</summary>
    Metrics = 3,
}
