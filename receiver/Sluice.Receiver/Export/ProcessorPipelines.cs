using Sluice.Receiver.Configuration;
using Sluice.Transforms.Model;
using Sluice.Transforms.Processing;

namespace Sluice.Receiver.Export;

/// <summary>
/// The transforms each signal's pipeline runs, in the order <c>service.pipelines.*.processors</c>
/// lists them, built once at start from their settings. <c>batch</c> is the exporter's own
/// grouping and is not a transform.
/// </summary>
internal sealed class ProcessorPipelines
{
    private readonly TelemetryProcessor?[] _bySignal = new TelemetryProcessor?[4];

    private ProcessorPipelines()
    {
    }

    /// <summary>No transforms at all (tests, and configs whose pipelines list only <c>batch</c>).</summary>
    public static ProcessorPipelines None { get; } = new();

    /// <summary>Builds every pipeline's transforms; throws <see cref="ConfigException"/> listing every settings error.</summary>
    public static ProcessorPipelines Build(ReceiverConfig config, ProcessorContext context)
    {
        var pipelines = new ProcessorPipelines();
        var errors = new List<string>();
        var settingsByName = config.Processors.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var (signalName, names) in config.Service.PipelineProcessors)
        {
            var transforms = new List<(string Name, IReadOnlyDictionary<string, object?> Settings)>();
            foreach (string name in names)
            {
                var processor = settingsByName[name];
                if (processor.Type is KnownComponents.BatchProcessor or KnownComponents.MemoryLimiter)
                {
                    // The exporter's batching and the admission's memory limiter, not transforms.
                    continue;
                }

                if (!TelemetryProcessorFactory.IsTransform(processor.Type))
                {
                    errors.Add($"processors.{name} (line {processor.Line}): the '{processor.Type}' processor is not implemented by this receiver yet; remove it from service.pipelines.{signalName}.processors");
                    continue;
                }

                transforms.Add((name, processor.Settings));
            }

            if (transforms.Count == 0)
            {
                continue;
            }

            try
            {
                pipelines._bySignal[(int)SignalOf(signalName)] = TelemetryProcessorFactory.CreatePipeline(transforms, context);
            }
            catch (TransformConfigException ex)
            {
                errors.AddRange(ex.Errors);
            }
        }

        return errors.Count == 0 ? pipelines : throw new ConfigException(errors.Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>Runs the pipeline of <paramref name="signal"/> over <paramref name="batch"/>, if it has transforms.</summary>
    public void Process(Signal signal, TelemetryBatch batch) => _bySignal[(int)signal]?.Process(batch);

    private static Signal SignalOf(string name) => name switch
    {
        "logs" => Signal.Logs,
        "traces" => Signal.Traces,
        _ => Signal.Metrics,
    };
}
