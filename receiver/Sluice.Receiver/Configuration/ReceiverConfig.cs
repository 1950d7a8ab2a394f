namespace Sluice.Receiver.Configuration;

// The receiver's configuration, in the OpenTelemetry Collector's shape. The YAML keys are the
// snake_case forms of these property names (see otel-config/receiver.yaml, which documents every
// key and its default). Defaults live here, in the initializers, and nowhere else.

/// <summary>The whole receiver configuration file.</summary>
internal sealed record ReceiverConfig
{
    public OtlpReceiverConfig Otlp { get; init; } = new();
    public BatchProcessorConfig Batch { get; init; } = new();

    /// <summary>The memory limiters the pipelines use (usually none or one), each with the signals whose pipelines list it.</summary>
    public IReadOnlyList<(MemoryLimiterConfig Limiter, IReadOnlySet<string> Signals)> MemoryLimiters { get; init; } = [];
    public ClickHouseExporterConfig ClickHouse { get; init; } = new();
    public AuthConfig Auth { get; init; } = new();
    public HealthCheckConfig HealthCheck { get; init; } = new();
    public SpoolConfig Spool { get; init; } = new();
    public RulesConfig Rules { get; init; } = new();
    public ServiceConfig Service { get; init; } = new();

    /// <summary>
    /// The processors the pipelines use, each once, in order of first use (logs, traces, metrics pipelines), by their config
    /// name (e.g. <c>batch</c>, <c>attributes/scrub</c>), with their raw settings for the transforms' factories.
    /// Each pipeline's own order is in <see cref="ServiceConfig.PipelineProcessors"/>.
    /// </summary>
    public IReadOnlyList<ProcessorConfig> Processors { get; init; } = [];
}

/// <summary><c>receivers.otlp</c>.</summary>
internal sealed record OtlpReceiverConfig
{
    /// <summary><c>protocols.grpc.endpoint</c>; null when the grpc protocol is not configured.</summary>
    public string? GrpcEndpoint { get; init; } = "127.0.0.1:4317";

    /// <summary><c>protocols.http.endpoint</c>; null when the http protocol is not configured.</summary>
    public string? HttpEndpoint { get; init; } = "127.0.0.1:4318";

    /// <summary><c>limits.max_request_body_size</c>: compressed body cap in bytes (the design's 256 KiB).</summary>
    public long MaxRequestBodyBytes { get; init; } = 256 * 1024;

    /// <summary><c>limits.max_decompressed_size</c>: cap on the body after gzip, in bytes.</summary>
    public long MaxDecompressedBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary><c>limits.max_items_per_request</c>.</summary>
    public int MaxItemsPerRequest { get; init; } = 10_000;

    /// <summary><c>limits.max_attribute_value_size</c>: an item with a longer attribute value or body is rejected.</summary>
    public int MaxAttributeValueBytes { get; init; } = 64 * 1024;

    /// <summary><c>limits.max_nesting_depth</c>: deepest array/kvlist nesting of an attribute value.</summary>
    public int MaxNestingDepth { get; init; } = 16;

    /// <summary><c>limits.max_future_skew</c>: an item dated further than this after its receipt is rejected.</summary>
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromDays(1);

    /// <summary><c>limits.max_concurrent_requests</c>: requests in flight before the receiver answers 429.</summary>
    public int MaxConcurrentRequests { get; init; } = 64;
}

/// <summary><c>processors.batch</c>: how the ClickHouse writer groups rows into inserts.</summary>
internal sealed record BatchProcessorConfig
{
    /// <summary><c>send_batch_size</c>: rows per insert before the timeout.</summary>
    public int SendBatchSize { get; init; } = 100_000;

    /// <summary><c>timeout</c>: longest wait before a partial batch is inserted.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// <c>processors.memory_limiter</c>, as in the Collector: memory use is measured every
/// <see cref="CheckInterval"/>; above the soft limit (hard limit minus spike limit) new requests
/// of the pipelines that list it are refused with 503/UNAVAILABLE and Retry-After, and above the
/// hard limit a full garbage collection is forced too. Limits in MiB, or in percent of the memory
/// available to the process (cgroup or heap hard limit included); MiB wins when both are set.
/// </summary>
internal sealed record MemoryLimiterConfig
{
    /// <summary>The processor's name in the config (<c>memory_limiter</c> or <c>memory_limiter/x</c>).</summary>
    public string Name { get; init; } = "memory_limiter";

    /// <summary><c>check_interval</c>; required, above zero (the Collector suggests 1s).</summary>
    public TimeSpan CheckInterval { get; init; }

    /// <summary><c>limit_mib</c>: the hard limit; 0 when <see cref="LimitPercentage"/> sets it.</summary>
    public long LimitMib { get; init; }

    /// <summary><c>spike_limit_mib</c>: how far use may grow between two checks; 0 means 20 % of the limit.</summary>
    public long SpikeLimitMib { get; init; }

    /// <summary><c>limit_percentage</c>: the hard limit as a percentage of the available memory.</summary>
    public int LimitPercentage { get; init; }

    /// <summary><c>spike_limit_percentage</c>: the spike limit as a percentage of the available memory.</summary>
    public int SpikeLimitPercentage { get; init; }

    /// <summary>The hard and soft limits in bytes, given the memory available to the process.</summary>
    public (long Hard, long Soft) Limits(long availableBytes)
    {
        const long MiB = 1024 * 1024;
        long hard = LimitMib > 0 ? LimitMib * MiB : availableBytes / 100 * LimitPercentage;
        long spike = LimitMib > 0
            ? (SpikeLimitMib > 0 ? SpikeLimitMib * MiB : hard / 5)
            : (SpikeLimitPercentage > 0 ? availableBytes / 100 * SpikeLimitPercentage : hard / 5);
        return (hard, hard - spike);
    }
}

/// <summary><c>exporters.clickhouse</c>.</summary>
internal sealed record ClickHouseExporterConfig
{
    /// <summary><c>endpoint</c>: the HTTP interface, e.g. <c>http://127.0.0.1:8123</c>.</summary>
    public string Endpoint { get; init; } = "http://127.0.0.1:8123";
    public string Database { get; init; } = "sluice";
    public string Username { get; init; } = "default";
    public string Password { get; init; } = string.Empty;

    /// <summary><c>create_schema</c>: apply the migrations at start.</summary>
    public bool CreateSchema { get; init; } = true;

    /// <summary><c>compress</c>: <c>gzip</c> or <c>none</c> (18.16 refuses zstd).</summary>
    public string Compress { get; init; } = "gzip";

    /// <summary><c>timeout</c>: per insert.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>retry_on_failure.enabled</c>: retry a failed insert (the spool keeps the data meanwhile); off, a failed insert stops the writer until restart.</summary>
    public bool RetryEnabled { get; init; } = true;

    /// <summary><c>retry_on_failure.initial_interval</c>.</summary>
    public TimeSpan RetryInitialInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>retry_on_failure.max_interval</c>.</summary>
    public TimeSpan RetryMaxInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <c>sending_queue.num_consumers</c>: inserts in flight at once (the Collector exporters' name
    /// for it). Each holds a batch's buffer, so memory grows with it; checkpoints still move in order.
    /// </summary>
    public int NumConsumers { get; init; } = 2;

    /// <summary><c>retention.days</c> per table name (<c>default</c> applies to tables not listed); 0 keeps forever.</summary>
    public IReadOnlyDictionary<string, int> RetentionDays { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal) { ["default"] = 90 };
}

/// <summary><c>extensions.bearertokenauth</c>: API keys, each bound to a product.</summary>
internal sealed record AuthConfig
{
    /// <summary><c>keys</c>: inline key → product pairs.</summary>
    public IReadOnlyList<ApiKeyConfig> Keys { get; init; } = [];

    /// <summary><c>keys_file</c>: a YAML file holding a <c>keys:</c> list of the same shape; read at start.</summary>
    public string? KeysFile { get; init; }
}

/// <summary>One API key.</summary>
internal sealed record ApiKeyConfig
{
    public string Key { get; init; } = string.Empty;
    public string Product { get; init; } = string.Empty;
}

/// <summary><c>extensions.health_check</c>: /healthz, /readyz and /metrics.</summary>
internal sealed record HealthCheckConfig
{
    public string Endpoint { get; init; } = "127.0.0.1:13133";
}

/// <summary><c>extensions.file_storage</c>: the spool requests are made durable in before they are acknowledged.</summary>
internal sealed record SpoolConfig
{
    public string Directory { get; init; } = ".sluice/spool";

    /// <summary><c>max_size_mib</c>: the spool's cap.</summary>
    public long MaxSizeBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary><c>segment_size_mib</c>: size at which a segment file is closed and a new one begun.</summary>
    public long SegmentSizeBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary><c>pushback_percent</c>: above this fill the receiver answers 503 + Retry-After.</summary>
    public int PushbackPercent { get; init; } = 90;

    /// <summary><c>fsync</c>: fsync each group commit (turn off only for benchmarks of the rest).</summary>
    public bool Fsync { get; init; } = true;
}

/// <summary><c>extensions.sluice_rules</c>: the dynamic-telemetry rules file served to SDKs.</summary>
internal sealed record RulesConfig
{
    /// <summary><c>file</c>: path of the rules YAML; null disables the rules endpoint.</summary>
    public string? File { get; init; }
}

/// <summary><c>service</c>.</summary>
internal sealed record ServiceConfig
{
    /// <summary><c>telemetry.logs.level</c>.</summary>
    public string LogLevel { get; init; } = "info";

    /// <summary><c>telemetry.metrics.level</c> is not <c>none</c>: the receiver sends its own metrics through its own pipeline into ClickHouse.</summary>
    public bool SelfMetrics { get; init; } = true;

    /// <summary><c>telemetry.metrics.interval</c>: how often the receiver exports its own metrics into its pipeline.</summary>
    public TimeSpan SelfMetricsInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The signals with a pipeline in <c>service.pipelines</c>; items of other signals get 404.</summary>
    public IReadOnlySet<string> Pipelines { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "logs", "traces", "metrics" };

    /// <summary>Each pipeline's processor names (keys of <see cref="ReceiverConfig.Processors"/>' <c>Name</c>), in pipeline order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PipelineProcessors { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
}

/// <summary>One entry of <c>processors</c> that a pipeline uses, in pipeline order.</summary>
internal sealed record ProcessorConfig
{
    /// <summary>The full config name, e.g. <c>attributes/scrub</c>.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The type, the part before the slash, e.g. <c>attributes</c>.</summary>
    public string Type { get; init; } = string.Empty;

    /// <summary>The processor's settings as parsed YAML (scalars as strings, maps and lists nested).</summary>
    public IReadOnlyDictionary<string, object?> Settings { get; init; } = new Dictionary<string, object?>();

    /// <summary>The line the processor is declared on, for errors.</summary>
    public int Line { get; init; }
}
