using System.Collections.Frozen;

namespace Sluice.Receiver.Configuration;

/// <summary>
/// The component types a config may name. Processor types are validated in depth by the
/// transforms' factories; this set only decides which names are typos. Extend it here when a
/// processor is added.
/// </summary>
internal static class KnownComponents
{
    /// <summary>Processor types (the part of <c>type/name</c> before the slash).</summary>
    public static readonly FrozenSet<string> ProcessorTypes = FrozenSet.Create(
        StringComparer.Ordinal,
        "batch",
        "memory_limiter",
        "attributes",
        "filter",
        "sluice_schema",
        "sluice_privacy",
        "sluice_rules",
        "sluice_enrich");

    /// <summary>The only receiver type.</summary>
    public const string OtlpReceiver = "otlp";

    /// <summary>The only exporter type.</summary>
    public const string ClickHouseExporter = "clickhouse";

    /// <summary>The processor type whose settings configure the ClickHouse writer's batching.</summary>
    public const string BatchProcessor = "batch";

    /// <summary>The processor type that refuses requests while memory use is over its limit.</summary>
    public const string MemoryLimiter = "memory_limiter";

    /// <summary>Extension names.</summary>
    public const string BearerTokenAuth = "bearertokenauth";

    /// <inheritdoc cref="BearerTokenAuth"/>
    public const string HealthCheck = "health_check";

    /// <inheritdoc cref="BearerTokenAuth"/>
    public const string FileStorage = "file_storage";

    /// <inheritdoc cref="BearerTokenAuth"/>
    public const string SluiceRules = "sluice_rules";

    /// <summary>Signals a pipeline may be declared for.</summary>
    public static readonly string[] Signals = ["logs", "traces", "metrics"];
}
