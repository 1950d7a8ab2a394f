using Sluice.Transforms.Model;
using Sluice.Transforms.Processing.Attributes;
using Sluice.Transforms.Processing.Enrichment;
using Sluice.Transforms.Processing.Filter;
using Sluice.Transforms.Processing.Privacy;
using Sluice.Transforms.Processing.Rules;
using Sluice.Transforms.Processing.Schema;

namespace Sluice.Transforms.Processing;

/// <summary>
/// Builds the transforms the receiver's config names under <c>processors</c>, from their raw YAML
/// settings. Every setting is validated here, and every error in one processor's settings is
/// reported at once with its key path (<c>processors.attributes/scrub.actions[2].action: ...</c>).
/// <c>batch</c> and <c>memory_limiter</c> are the receiver's own and are not built here.
/// </summary>
internal static class TelemetryProcessorFactory
{
    /// <summary>The processor types this factory builds.</summary>
    public static readonly IReadOnlyList<string> Types =
    [
        SchemaNormalizer.TypeName,
        PrivacyGuard.TypeName,
        RuleEnforcer.TypeName,
        Enricher.TypeName,
        AttributesProcessor.TypeName,
        FilterProcessor.TypeName,
    ];

    /// <summary>Whether <paramref name="type"/> (the part of a processor's name before the slash) is a transform built here.</summary>
    public static bool IsTransform(string type) => Types.Contains(type, StringComparer.Ordinal);

    /// <summary>
    /// Builds the processor named <paramref name="name"/> (<c>type</c> or <c>type/name</c>, e.g.
    /// <c>attributes/scrub</c>) from its settings; throws <see cref="TransformConfigException"/>
    /// listing every problem.
    /// </summary>
    public static TelemetryProcessor Create(string name, IReadOnlyDictionary<string, object?> settings, ProcessorContext context)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(context);
        var errors = new List<string>();
        TelemetryProcessor? processor = TryCreate(name, settings, context, errors);
        if (errors.Count > 0 || processor is null)
        {
            throw new TransformConfigException(errors);
        }

        return processor;
    }

    /// <summary>
    /// Builds a whole pipeline's transforms in order, as one processor; throws
    /// <see cref="TransformConfigException"/> listing the problems of every processor at once.
    /// </summary>
    public static TelemetryProcessor CreatePipeline(IEnumerable<(string Name, IReadOnlyDictionary<string, object?> Settings)> processors, ProcessorContext context)
    {
        ArgumentNullException.ThrowIfNull(processors);
        ArgumentNullException.ThrowIfNull(context);
        var errors = new List<string>();
        var built = new List<TelemetryProcessor>();
        foreach (var (name, settings) in processors)
        {
            if (TryCreate(name, settings, context, errors) is { } processor)
            {
                built.Add(processor);
            }
        }

        if (errors.Count > 0)
        {
            throw new TransformConfigException(errors);
        }

        return built.Count == 1 ? built[0] : new ProcessorChain([.. built]);
    }

    private static TelemetryProcessor? TryCreate(string name, IReadOnlyDictionary<string, object?>? settings, ProcessorContext context, List<string> errors)
    {
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        string type = slash < 0 ? name : name[..slash];
        var reader = new SettingsReader("processors." + name, settings, errors);
        int before = errors.Count;
        TelemetryProcessor? processor = type switch
        {
            SchemaNormalizer.TypeName => SchemaNormalizer.Create(reader),
            PrivacyGuard.TypeName => PrivacyGuard.Create(reader, context),
            RuleEnforcer.TypeName => RuleEnforcer.Create(reader, context),
            Enricher.TypeName => Enricher.Create(reader, context),
            AttributesProcessor.TypeName => AttributesProcessor.Create(reader, context),
            FilterProcessor.TypeName => FilterProcessor.Create(reader),
            _ => null,
        };

        if (processor is null)
        {
            errors.Add($"processors.{name}: '{type}' is not a transform; transforms are {string.Join(", ", Types)}");
        }

        return errors.Count > before ? null : processor;
    }
}

/// <summary>Transforms run one after another, in the config's order.</summary>
internal sealed class ProcessorChain(TelemetryProcessor[] processors) : TelemetryProcessor
{
    /// <summary>The processors, in order.</summary>
    public IReadOnlyList<TelemetryProcessor> Processors => processors;

    public override void Process(TelemetryBatch batch)
    {
        foreach (TelemetryProcessor processor in processors)
        {
            if (batch.Count == 0)
            {
                return;
            }

            processor.Process(batch);
        }
    }
}
