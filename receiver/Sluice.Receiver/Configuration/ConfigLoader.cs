using System.Net;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Sluice.Receiver.Configuration;

/// <summary>
/// Loads the receiver's YAML config, written in the OpenTelemetry Collector's shape
/// (<c>receivers</c>, <c>processors</c>, <c>exporters</c>, <c>extensions</c>, <c>service</c>),
/// into a <see cref="ReceiverConfig"/>. Every problem in the file is collected and reported at
/// once in a <see cref="ConfigException"/>, each with file, line and key path, so an SRE fixes a
/// config in one round rather than one error per restart.
/// </summary>
internal static partial class ConfigLoader
{
    private const long MiB = 1024L * 1024;

    private static readonly string[] TopKeys = ["receivers", "processors", "exporters", "extensions", "service"];
    private static readonly string[] ReceiverKeys = [KnownComponents.OtlpReceiver];
    private static readonly string[] OtlpKeys = ["protocols", "limits", "auth"];
    private static readonly string[] ProtocolKeys = ["grpc", "http"];
    private static readonly string[] ProtocolSettingKeys = ["endpoint", "auth"];
    private static readonly string[] AuthKeys = ["authenticator"];
    private static readonly string[] LimitKeys =
    [
        "max_request_body_size", "max_decompressed_size", "max_items_per_request", "max_attribute_value_size",
        "max_nesting_depth", "max_future_skew", "max_concurrent_requests",
    ];

    private static readonly string[] BatchKeys = ["send_batch_size", "timeout"];
    private static readonly string[] MemoryLimiterKeys = ["check_interval", "limit_mib", "spike_limit_mib", "limit_percentage", "spike_limit_percentage"];
    private static readonly string[] ClickHouseKeys =
        ["endpoint", "database", "username", "password", "create_schema", "compress", "timeout", "retry_on_failure", "sending_queue", "retention"];

    private static readonly string[] SendingQueueKeys = ["num_consumers"];

    private static readonly string[] RetryKeys = ["enabled", "initial_interval", "max_interval"];
    private static readonly string[] CompressionChoices = ["gzip", "none"];
    private static readonly string[] ExtensionKeys =
        [KnownComponents.BearerTokenAuth, KnownComponents.HealthCheck, KnownComponents.FileStorage, KnownComponents.SluiceRules];

    private static readonly string[] BearerTokenKeys = ["keys", "keys_file"];
    private static readonly string[] KeyFileKeys = ["keys"];
    private static readonly string[] ApiKeyKeys = ["key", "product"];
    private static readonly string[] HealthCheckKeys = ["endpoint"];
    private static readonly string[] FileStorageKeys = ["directory", "max_size_mib", "segment_size_mib", "pushback_percent", "fsync"];
    private static readonly string[] RulesKeys = ["file"];
    private static readonly string[] ServiceKeys = ["extensions", "pipelines", "telemetry"];
    private static readonly string[] TelemetryKeys = ["logs", "metrics"];
    private static readonly string[] TelemetryMetricsKeys = ["level", "interval"];
    private static readonly string[] MetricsLevels = ["none", "basic", "normal", "detailed"];
    private static readonly string[] TelemetryLogKeys = ["level"];
    private static readonly string[] LogLevels = ["debug", "info", "warn", "error"];
    private static readonly string[] PipelineKeys = ["receivers", "processors", "exporters"];

    /// <summary>Reads and validates a config file; relative paths inside it resolve against the current directory.</summary>
    /// <exception cref="ConfigException">The file cannot be read or is invalid.</exception>
    public static ReceiverConfig LoadFile(string path, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([$"{path}: cannot read the config file: {ex.Message}"]);
        }

        return Parse(yaml, path, environment);
    }

    /// <summary>Validates config text; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="ConfigException">The config is invalid.</exception>
    public static ReceiverConfig Parse(string yaml, string sourceName, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        var errors = new List<ConfigError>();
        var reader = new ConfigReader(sourceName, environment ?? Environment.GetEnvironmentVariable, errors);
        YamlNode? root = reader.Load(yaml);
        ReceiverConfig config = root is null ? new ReceiverConfig() : Build(reader, root, environment ?? Environment.GetEnvironmentVariable, errors);
        if (errors.Count > 0)
        {
            // File order reads best: the main file first, then any keys file, each by line.
            var sources = new List<string>();
            foreach (var error in errors)
            {
                if (!sources.Contains(error.Source))
                {
                    sources.Add(error.Source);
                }
            }

            var ordered = errors.OrderBy(e => sources.IndexOf(e.Source)).ThenBy(e => e.Line).Select(e => e.ToString()).ToList();
            throw new ConfigException(ordered);
        }

        return config;
    }

    private static ReceiverConfig Build(ConfigReader reader, YamlNode root, Func<string, string?> environment, List<ConfigError> errors)
    {
        var top = reader.Fields(root, string.Empty, TopKeys);

        var extensions = top.Map("extensions", ExtensionKeys);
        var receivers = top.Map("receivers", ReceiverKeys);
        var authenticators = new List<(YamlNode Node, string Path)>();
        var otlp = ReadOtlp(reader, receivers, authenticators);
        // Components whose definition is already reported; pipelines naming them add no second error.
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var processors = ReadProcessors(reader, top, reported);
        var exporters = ReadExporters(reader, top, reported);
        var clickHouse = exporters.Values.Select(e => e.ClickHouse).FirstOrDefault(c => c is not null) ?? new ClickHouseExporterConfig();

        var service = top.Map("service", ServiceKeys);
        if (!top.Has("service"))
        {
            top.Error("service", "required: service.pipelines says which signals are accepted (see otel-config/receiver.yaml)");
        }

        var enabledExtensions = ReadServiceExtensions(reader, service, extensions);
        var (signals, pipelineProcessors, usedProcessors) = ReadPipelines(reader, service, receivers, processors, exporters, reported);
        var telemetry = service.Map("telemetry", TelemetryKeys);
        string logLevel = telemetry.Map("logs", TelemetryLogKeys).Choice("level", new ServiceConfig().LogLevel, LogLevels);
        var telemetryMetrics = telemetry.Map("metrics", TelemetryMetricsKeys);
        bool selfMetrics = telemetryMetrics.Choice("level", "normal", MetricsLevels) != "none";
        var selfMetricsInterval = telemetryMetrics.Duration("interval", new ServiceConfig().SelfMetricsInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));

        CheckAuthenticators(reader, extensions, enabledExtensions, authenticators, receivers);
        var auth = ReadAuth(reader, extensions, environment, errors);
        var rules = enabledExtensions.Contains(KnownComponents.SluiceRules) ? ReadRules(extensions) : new RulesConfig();

        var batch = new BatchProcessorConfig();
        foreach (var processor in usedProcessors)
        {
            if (processor.Type == KnownComponents.BatchProcessor)
            {
                batch = processors[processor.Name].Batch!;
                break;
            }
        }

        var limiters = usedProcessors
            .Where(p => p.Type == KnownComponents.MemoryLimiter)
            .Select(p => (processors[p.Name].MemoryLimiter!, (IReadOnlySet<string>)pipelineProcessors.Where(kv => kv.Value.Contains(p.Name)).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal)))
            .ToList();

        var healthCheck = ReadHealthCheck(extensions);
        CheckDistinctEndpoints(receivers, extensions, otlp, healthCheck);

        return new ReceiverConfig
        {
            Otlp = otlp,
            Batch = batch,
            MemoryLimiters = limiters,
            ClickHouse = clickHouse,
            Auth = auth,
            HealthCheck = healthCheck,
            Spool = ReadSpool(extensions),
            Rules = rules,
            Service = new ServiceConfig
            {
                LogLevel = logLevel,
                Pipelines = signals,
                PipelineProcessors = pipelineProcessors,
                SelfMetrics = selfMetrics,
                SelfMetricsInterval = selfMetricsInterval,
            },
            Processors = usedProcessors,
        };
    }

    private static OtlpReceiverConfig ReadOtlp(ConfigReader reader, Fields receivers, List<(YamlNode, string)> authenticators)
    {
        var defaults = new OtlpReceiverConfig();
        if (!receivers.Has(KnownComponents.OtlpReceiver))
        {
            receivers.Error(KnownComponents.OtlpReceiver, "required: the otlp receiver is how telemetry arrives");
            return defaults;
        }

        var otlp = receivers.Map(KnownComponents.OtlpReceiver, OtlpKeys);
        var protocols = otlp.Map("protocols", ProtocolKeys);
        string? grpc = null;
        string? http = null;
        if (protocols.Has("grpc"))
        {
            var settings = protocols.Map("grpc", ProtocolSettingKeys);
            grpc = HostPort(settings, "endpoint", defaults.GrpcEndpoint!);
            AddAuthenticator(settings, authenticators);
        }

        if (protocols.Has("http"))
        {
            var settings = protocols.Map("http", ProtocolSettingKeys);
            http = HostPort(settings, "endpoint", defaults.HttpEndpoint!);
            AddAuthenticator(settings, authenticators);
        }

        if (grpc is null && http is null)
        {
            otlp.Error("protocols", "at least one protocol is required: grpc (endpoint, e.g. 127.0.0.1:4317) or http (e.g. 127.0.0.1:4318)");
        }

        AddAuthenticator(otlp, authenticators);
        if (authenticators.Count == 0)
        {
            otlp.Error("auth", $"required: Sluice accepts only authenticated requests; add 'auth: {{authenticator: {KnownComponents.BearerTokenAuth}}}'");
        }

        var limits = otlp.Map("limits", LimitKeys);
        long body = limits.Long("max_request_body_size", defaults.MaxRequestBodyBytes, 1024, 1024 * MiB);
        long decompressed = limits.Long("max_decompressed_size", defaults.MaxDecompressedBytes, 1024, 4096 * MiB);
        if (decompressed < body)
        {
            limits.Error("max_decompressed_size", $"must be at least max_request_body_size ({body}), got {decompressed}");
        }

        return new OtlpReceiverConfig
        {
            GrpcEndpoint = grpc,
            HttpEndpoint = http,
            MaxRequestBodyBytes = body,
            MaxDecompressedBytes = decompressed,
            MaxItemsPerRequest = limits.Int("max_items_per_request", defaults.MaxItemsPerRequest, 1, 10_000_000),
            MaxAttributeValueBytes = limits.Int("max_attribute_value_size", defaults.MaxAttributeValueBytes, 1, (int)(64 * MiB)),
            MaxNestingDepth = limits.Int("max_nesting_depth", defaults.MaxNestingDepth, 1, 128),
            MaxFutureSkew = limits.Duration("max_future_skew", defaults.MaxFutureSkew, TimeSpan.Zero, TimeSpan.FromDays(365)),
            MaxConcurrentRequests = limits.Int("max_concurrent_requests", defaults.MaxConcurrentRequests, 1, 1_000_000),
        };
    }

    private static void AddAuthenticator(Fields owner, List<(YamlNode, string)> authenticators)
    {
        if (!owner.Has("auth"))
        {
            return;
        }

        var auth = owner.Map("auth", AuthKeys);
        string? name = auth.Text("authenticator");
        if (name is null)
        {
            auth.Error("authenticator", $"required: the extension that checks requests ({KnownComponents.BearerTokenAuth})");
        }
        else if (name != KnownComponents.BearerTokenAuth)
        {
            auth.Error("authenticator", $"'{name}' is not supported. Allowed: {KnownComponents.BearerTokenAuth}");
        }
        else
        {
            authenticators.Add((auth.Value("authenticator")!, auth.Child("authenticator")));
        }
    }

    private sealed record ProcessorDefinition(ProcessorConfig Config, BatchProcessorConfig? Batch, MemoryLimiterConfig? MemoryLimiter = null);

    private static Dictionary<string, ProcessorDefinition> ReadProcessors(ConfigReader reader, Fields top, HashSet<string> reported)
    {
        var definitions = new Dictionary<string, ProcessorDefinition>(StringComparer.Ordinal);
        var processors = top.Map("processors", allowed: null);
        foreach (string id in processors.Keys)
        {
            string path = processors.Child(id);
            YamlNode keyNode = processors.KeyNode(id)!;
            string? type = ComponentType(reader, keyNode, path, id);
            if (type is null)
            {
                reported.Add(path);
                continue;
            }

            if (!KnownComponents.ProcessorTypes.Contains(type))
            {
                string? suggestion = ConfigReader.Suggest(type, KnownComponents.ProcessorTypes);
                string hint = suggestion is null ? string.Empty : $" did you mean '{suggestion}'?";
                reader.Error(keyNode, path, $"unknown processor type '{type}';{hint} Allowed: {string.Join(", ", KnownComponents.ProcessorTypes.Order(StringComparer.Ordinal))}");
                reported.Add(path);
                continue;
            }

            YamlNode value = processors.Value(id)!;
            BatchProcessorConfig? batch = null;
            if (type == KnownComponents.BatchProcessor)
            {
                var defaults = new BatchProcessorConfig();
                var fields = reader.Fields(value, path, BatchKeys);
                batch = new BatchProcessorConfig
                {
                    SendBatchSize = fields.Int("send_batch_size", defaults.SendBatchSize, 1, 10_000_000),
                    Timeout = fields.Duration("timeout", defaults.Timeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)),
                };
            }

            MemoryLimiterConfig? limiter = type == KnownComponents.MemoryLimiter ? ReadMemoryLimiter(reader, value, path, id) : null;
            IReadOnlyDictionary<string, object?> settings = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (!ConfigReader.IsNull(value))
            {
                if (reader.Raw(value, path) is Dictionary<string, object?> map)
                {
                    settings = map;
                }
                else
                {
                    reader.Error(value, path, $"expected the processor's settings as a mapping (key: value), got {ConfigReader.Describe(value)}");
                }
            }

            var config = new ProcessorConfig { Name = id, Type = type, Settings = settings, Line = (int)keyNode.Start.Line };
            definitions[id] = new ProcessorDefinition(config, batch, limiter);
        }

        return definitions;
    }

    // The Collector's memory_limiter settings and checks.
    private static MemoryLimiterConfig ReadMemoryLimiter(ConfigReader reader, YamlNode value, string path, string id)
    {
        var fields = reader.Fields(value, path, MemoryLimiterKeys);
        var limiter = new MemoryLimiterConfig
        {
            Name = id,
            CheckInterval = fields.Duration("check_interval", TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromHours(1)),
            LimitMib = fields.Long("limit_mib", 0, 0, 1L << 30),
            SpikeLimitMib = fields.Long("spike_limit_mib", 0, 0, 1L << 30),
            LimitPercentage = fields.Int("limit_percentage", 0, 0, 100),
            SpikeLimitPercentage = fields.Int("spike_limit_percentage", 0, 0, 100),
        };
        if (limiter.CheckInterval <= TimeSpan.Zero)
        {
            fields.Error("check_interval", "required: how often memory use is measured, above zero (1s suits most receivers)");
        }

        if (limiter.LimitMib == 0 && limiter.LimitPercentage == 0)
        {
            fields.Error("limit_mib", "required: the hard memory limit in MiB (or limit_percentage of the available memory)");
        }
        else if (limiter.LimitMib > 0 && limiter.SpikeLimitMib >= limiter.LimitMib)
        {
            fields.Error("spike_limit_mib", $"must be below limit_mib ({limiter.LimitMib}), got {limiter.SpikeLimitMib}; the soft limit is limit_mib - spike_limit_mib");
        }
        else if (limiter.LimitMib == 0 && limiter.SpikeLimitPercentage >= limiter.LimitPercentage)
        {
            fields.Error("spike_limit_percentage", $"must be below limit_percentage ({limiter.LimitPercentage}), got {limiter.SpikeLimitPercentage}");
        }

        return limiter;
    }

    private sealed record ExporterDefinition(YamlNode Node, string Type, ClickHouseExporterConfig? ClickHouse);

    private static Dictionary<string, ExporterDefinition> ReadExporters(ConfigReader reader, Fields top, HashSet<string> reported)
    {
        var definitions = new Dictionary<string, ExporterDefinition>(StringComparer.Ordinal);
        var exporters = top.Map("exporters", allowed: null);
        foreach (string id in exporters.Keys)
        {
            string path = exporters.Child(id);
            YamlNode keyNode = exporters.KeyNode(id)!;
            string? type = ComponentType(reader, keyNode, path, id);
            if (type is null)
            {
                reported.Add(path);
                continue;
            }

            if (type != KnownComponents.ClickHouseExporter)
            {
                reader.Error(keyNode, path, $"unknown exporter type '{type}'; Sluice writes only to ClickHouse. Allowed: {KnownComponents.ClickHouseExporter}");
                reported.Add(path);
                continue;
            }

            if (definitions.Count > 0)
            {
                reader.Error(keyNode, path, $"only one clickhouse exporter is supported; '{definitions.Keys.First()}' is already defined");
                reported.Add(path);
                continue;
            }

            definitions[id] = new ExporterDefinition(keyNode, type, ReadClickHouse(reader.Fields(exporters.Value(id), path, ClickHouseKeys)));
        }

        return definitions;
    }

    private static ClickHouseExporterConfig ReadClickHouse(Fields ch)
    {
        var defaults = new ClickHouseExporterConfig();
        string endpoint = ch.String("endpoint", defaults.Endpoint);
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            ch.Error("endpoint", $"expected ClickHouse's HTTP interface as an http:// or https:// URL, e.g. http://127.0.0.1:8123, got '{endpoint}'");
        }

        string database = ch.String("database", defaults.Database);
        if (!IdentifierPattern().IsMatch(database))
        {
            ch.Error("database", $"expected a database name (letters, digits and _, not starting with a digit), got '{database}'");
        }

        string username = ch.String("username", defaults.Username);
        if (username.Length == 0)
        {
            ch.Error("username", "must not be empty (ClickHouse's default user is 'default')");
        }

        var retry = ch.Map("retry_on_failure", RetryKeys);
        var initial = retry.Duration("initial_interval", defaults.RetryInitialInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        var max = retry.Duration("max_interval", defaults.RetryMaxInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(24));
        if (max < initial)
        {
            retry.Error("max_interval", $"must be at least initial_interval ({GoDuration.Format(initial)}), got {GoDuration.Format(max)}");
        }

        var retentionDays = new Dictionary<string, int>(defaults.RetentionDays, StringComparer.Ordinal);
        var retention = ch.Map("retention", allowed: null);
        foreach (string table in retention.Keys)
        {
            if (!IdentifierPattern().IsMatch(table))
            {
                retention.Error(table, "expected a table name (letters, digits and _) or 'default'");
                continue;
            }

            retentionDays[table] = retention.Int(table, retentionDays.GetValueOrDefault(table, 0), 0, 36_500);
        }

        return new ClickHouseExporterConfig
        {
            Endpoint = endpoint,
            Database = database,
            Username = username,
            Password = ch.String("password", defaults.Password),
            CreateSchema = ch.Bool("create_schema", defaults.CreateSchema),
            Compress = ch.Choice("compress", defaults.Compress, CompressionChoices),
            Timeout = ch.Duration("timeout", defaults.Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            RetryEnabled = retry.Bool("enabled", defaults.RetryEnabled),
            RetryInitialInterval = initial,
            RetryMaxInterval = max,
            NumConsumers = ch.Map("sending_queue", SendingQueueKeys).Int("num_consumers", defaults.NumConsumers, 1, 8),
            RetentionDays = retentionDays,
        };
    }

    private static HashSet<string> ReadServiceExtensions(ConfigReader reader, Fields service, Fields extensions)
    {
        var enabled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, node) in reader.Names(service.Value("extensions"), service.Child("extensions")))
        {
            if (!extensions.Has(name))
            {
                reader.Error(node, service.Child("extensions"), Undefined("extension", name, extensions.Keys, "extensions"));
            }
            else if (!enabled.Add(name))
            {
                reader.Error(node, service.Child("extensions"), $"'{name}' is listed twice");
            }
        }

        return enabled;
    }

    private static (HashSet<string> Signals, Dictionary<string, IReadOnlyList<string>> Processors, List<ProcessorConfig> Used) ReadPipelines(
        ConfigReader reader,
        Fields service,
        Fields receivers,
        Dictionary<string, ProcessorDefinition> processors,
        Dictionary<string, ExporterDefinition> exporters,
        HashSet<string> reported)
    {
        var signals = new HashSet<string>(StringComparer.Ordinal);
        var perPipeline = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var used = new List<ProcessorConfig>();
        var pipelines = service.Map("pipelines", KnownComponents.Signals);
        if (service.Node is not null && pipelines.Keys.FirstOrDefault() is null)
        {
            service.Error("pipelines", $"at least one pipeline is required ({string.Join(", ", KnownComponents.Signals)}); the receiver would accept nothing");
        }

        foreach (string signal in KnownComponents.Signals)
        {
            if (!pipelines.Has(signal))
            {
                continue;
            }

            signals.Add(signal);
            var pipeline = pipelines.Map(signal, PipelineKeys);

            var pipelineReceivers = reader.Names(pipeline.Value("receivers"), pipeline.Child("receivers"));
            if (pipelineReceivers.Count == 0)
            {
                pipeline.Error("receivers", $"at least one receiver is required: [{KnownComponents.OtlpReceiver}]");
            }

            foreach (var (name, node) in pipelineReceivers)
            {
                if (!receivers.Has(name))
                {
                    reader.Error(node, pipeline.Child("receivers"), Undefined("receiver", name, receivers.Keys, "receivers"));
                }
            }

            var names = new List<string>();
            foreach (var (name, node) in reader.Names(pipeline.Value("processors"), pipeline.Child("processors")))
            {
                if (reported.Contains("processors." + name))
                {
                    continue;
                }

                if (!processors.TryGetValue(name, out var definition))
                {
                    reader.Error(node, pipeline.Child("processors"), Undefined("processor", name, processors.Keys, "processors"));
                    continue;
                }

                if (names.Contains(name))
                {
                    reader.Error(node, pipeline.Child("processors"), $"'{name}' is listed twice");
                    continue;
                }

                names.Add(name);
                if (!used.Contains(definition.Config))
                {
                    used.Add(definition.Config);
                }
            }

            perPipeline[signal] = names;

            var pipelineExporters = reader.Names(pipeline.Value("exporters"), pipeline.Child("exporters"));
            if (pipelineExporters.Count == 0)
            {
                pipeline.Error("exporters", $"at least one exporter is required: [{KnownComponents.ClickHouseExporter}]");
            }

            foreach (var (name, node) in pipelineExporters)
            {
                if (reported.Contains("exporters." + name))
                {
                    continue;
                }

                if (!exporters.TryGetValue(name, out var exporter))
                {
                    string type = name.Split('/')[0];
                    string message = type == KnownComponents.ClickHouseExporter
                        ? Undefined("exporter", name, exporters.Keys, "exporters")
                        : $"'{name}' is not a clickhouse exporter; Sluice pipelines export only to ClickHouse. Defined: {(exporters.Count == 0 ? "none" : string.Join(", ", exporters.Keys))}";
                    reader.Error(node, pipeline.Child("exporters"), message);
                }
                else if (exporter.Type != KnownComponents.ClickHouseExporter)
                {
                    reader.Error(node, pipeline.Child("exporters"), $"'{name}' is not a clickhouse exporter; Sluice pipelines export only to ClickHouse");
                }
            }
        }

        return (signals, perPipeline, used);
    }

    private static void CheckAuthenticators(
        ConfigReader reader, Fields extensions, HashSet<string> enabled, List<(YamlNode Node, string Path)> authenticators, Fields receivers)
    {
        foreach (var (node, path) in authenticators)
        {
            if (!extensions.Has(KnownComponents.BearerTokenAuth))
            {
                reader.Error(node, path, $"extension '{KnownComponents.BearerTokenAuth}' is not defined; add it under extensions with its keys");
            }
            else if (!enabled.Contains(KnownComponents.BearerTokenAuth))
            {
                reader.Error(node, path, $"extension '{KnownComponents.BearerTokenAuth}' is not enabled; add it to service.extensions");
            }
        }

        if (authenticators.Count == 0 && receivers.Has(KnownComponents.OtlpReceiver) && !extensions.Has(KnownComponents.BearerTokenAuth))
        {
            extensions.Error(KnownComponents.BearerTokenAuth, "required: no API keys are configured, so every request would be refused");
        }
    }

    private static AuthConfig ReadAuth(ConfigReader reader, Fields extensions, Func<string, string?> environment, List<ConfigError> errors)
    {
        if (!extensions.Has(KnownComponents.BearerTokenAuth))
        {
            return new AuthConfig();
        }

        var auth = extensions.Map(KnownComponents.BearerTokenAuth, BearerTokenKeys);
        var keys = new List<ApiKeyConfig>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        int entries = ReadKeys(reader, auth.Value("keys"), auth.Child("keys"), keys, seen);

        string? keysFile = null;
        string? written = auth.Text("keys_file");
        if (written is { Length: > 0 })
        {
            keysFile = Path.GetFullPath(written);
            if (!File.Exists(keysFile))
            {
                entries++; // the missing file is the error to fix, not an empty key list
                auth.Error("keys_file", $"file '{written}' does not exist (resolved against the current directory to '{keysFile}')");
            }
            else
            {
                var fileReader = new ConfigReader(written, environment, errors);
                string text;
                try
                {
                    text = File.ReadAllText(keysFile);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    auth.Error("keys_file", $"cannot read '{keysFile}': {ex.Message}");
                    text = string.Empty;
                }

                YamlNode? root = text.Length == 0 ? null : fileReader.Load(text);
                if (root is not null)
                {
                    var file = fileReader.Fields(root, string.Empty, KeyFileKeys);
                    entries += ReadKeys(fileReader, file.Value("keys"), "keys", keys, seen);
                }
            }
        }

        if (entries == 0)
        {
            reader.Error(extensions.KeyNode(KnownComponents.BearerTokenAuth), extensions.Child(KnownComponents.BearerTokenAuth),
                "no API keys: add keys: [{key: ..., product: ...}] or a keys_file; without keys every request is refused");
        }

        return new AuthConfig { Keys = keys, KeysFile = keysFile };
    }

    /// <summary>Adds the valid keys of a <c>keys</c> list; returns how many entries the list had, valid or not.</summary>
    private static int ReadKeys(ConfigReader reader, YamlNode? node, string path, List<ApiKeyConfig> keys, Dictionary<string, string> seen)
    {
        var items = reader.Items(node, path);
        foreach (var (item, itemPath) in items)
        {
            var fields = reader.Fields(item, itemPath, ApiKeyKeys);
            string? key = RequiredText(fields, "key", "the API key clients send as 'Authorization: Bearer <key>'");
            string? product = RequiredText(fields, "product", "the product the key's telemetry is stored under");
            if (key is null || product is null)
            {
                continue;
            }

            if (!seen.TryAdd(key, $"{reader.Source}:{item.Start.Line}"))
            {
                fields.Error("key", $"duplicate API key (also at {seen[key]}); each key maps to one product");
                continue;
            }

            keys.Add(new ApiKeyConfig { Key = key, Product = product });
        }

        return items.Count;
    }

    /// <summary>A non-blank string; null with an error unless the reason (an unset variable) was reported already.</summary>
    private static string? RequiredText(Fields fields, string key, string what)
    {
        string? text = fields.Text(key);
        if (!string.IsNullOrWhiteSpace(text))
        {
            return text;
        }

        bool reported = text is null && fields.Value(key) is { } node && !ConfigReader.IsNull(node);
        if (!reported)
        {
            fields.Error(key, "required: " + what);
        }

        return null;
    }

    private static HealthCheckConfig ReadHealthCheck(Fields extensions)
    {
        var defaults = new HealthCheckConfig();
        var fields = extensions.Map(KnownComponents.HealthCheck, HealthCheckKeys);
        return new HealthCheckConfig { Endpoint = HostPort(fields, "endpoint", defaults.Endpoint) };
    }

    private static SpoolConfig ReadSpool(Fields extensions)
    {
        var defaults = new SpoolConfig();
        var fields = extensions.Map(KnownComponents.FileStorage, FileStorageKeys);
        string directory = fields.String("directory", defaults.Directory);
        if (directory.Length == 0)
        {
            fields.Error("directory", "must not be empty");
            directory = defaults.Directory;
        }

        long maxMib = fields.Long("max_size_mib", defaults.MaxSizeBytes / MiB, 1, 16L * 1024 * 1024);
        long segmentMib = fields.Long("segment_size_mib", defaults.SegmentSizeBytes / MiB, 1, 4096);
        if (segmentMib > maxMib)
        {
            fields.Error("segment_size_mib", $"must not exceed max_size_mib ({maxMib}), got {segmentMib}");
        }

        return new SpoolConfig
        {
            Directory = Path.GetFullPath(directory),
            MaxSizeBytes = maxMib * MiB,
            SegmentSizeBytes = segmentMib * MiB,
            PushbackPercent = fields.Int("pushback_percent", defaults.PushbackPercent, 1, 100),
            Fsync = fields.Bool("fsync", defaults.Fsync),
        };
    }

    private static RulesConfig ReadRules(Fields extensions)
    {
        var fields = extensions.Map(KnownComponents.SluiceRules, RulesKeys);
        string? file = fields.Text("file");
        if (string.IsNullOrEmpty(file))
        {
            fields.Error("file", "required: the path of the rules YAML the receiver serves to SDKs");
            return new RulesConfig();
        }

        return new RulesConfig { File = Path.GetFullPath(file) };
    }

    private static void CheckDistinctEndpoints(Fields receivers, Fields extensions, OtlpReceiverConfig otlp, HealthCheckConfig health)
    {
        // gRPC needs a port of its own: one address with the port on all interfaces (0.0.0.0) and
        // another with it on one of them cannot both be listened on.
        if (otlp.GrpcEndpoint is not null && otlp.HttpEndpoint is not null && SharePort(otlp.GrpcEndpoint, otlp.HttpEndpoint))
        {
            receivers.Map("otlp", null).Map("protocols", null).Map("http", null)
                .Error("endpoint", $"'{otlp.HttpEndpoint}' takes the port of the grpc endpoint '{otlp.GrpcEndpoint}'; each needs its own port");
        }

        if (health.Endpoint == otlp.HttpEndpoint || (otlp.GrpcEndpoint is not null && SharePort(health.Endpoint, otlp.GrpcEndpoint)))
        {
            extensions.Map(KnownComponents.HealthCheck, null).Error("endpoint", $"'{health.Endpoint}' takes the port of an otlp endpoint; health_check needs its own port");
        }
    }

    // Whether two endpoints (already checked by HostPort) ask for the same port on the same or
    // overlapping addresses: one on every interface overlaps all of them.
    private static bool SharePort(string a, string b)
    {
        IPEndPoint x = ListenEndpoint.Parse(a), y = ListenEndpoint.Parse(b);
        return x.Port == y.Port && (x.Address.Equals(y.Address) || ListenEndpoint.IsEveryInterface(x.Address) || ListenEndpoint.IsEveryInterface(y.Address));
    }

    /// <summary>The type of a <c>type[/name]</c> component id, or null (with an error) when the id is malformed.</summary>
    private static string? ComponentType(ConfigReader reader, YamlNode keyNode, string path, string id)
    {
        int slash = id.IndexOf('/', StringComparison.Ordinal);
        string type = slash < 0 ? id : id[..slash];
        if (!IdentifierPattern().IsMatch(type) || (slash >= 0 && slash == id.Length - 1))
        {
            reader.Error(keyNode, path, "expected a component id 'type' or 'type/name' (e.g. attributes/scrub)");
            return null;
        }

        return type;
    }

    private static string Undefined(string kind, string name, IEnumerable<string> defined, string section)
    {
        var names = defined.ToList();
        string? suggestion = ConfigReader.Suggest(name, names);
        string hint = suggestion is null ? string.Empty : $" did you mean '{suggestion}'?";
        string list = names.Count == 0 ? "none" : string.Join(", ", names);
        return $"{kind} '{name}' is not defined under {section};{hint} Defined: {list}";
    }

    private static string HostPort(Fields fields, string key, string fallback)
    {
        string endpoint = fields.String(key, fallback);
        if (!ListenEndpoint.TrySplit(endpoint, out string host, out _))
        {
            fields.Error(key, $"expected host:port, e.g. 127.0.0.1:4317, 0.0.0.0:4317 or [::1]:4317, got '{endpoint}'");
            return fallback;
        }

        if (ListenEndpoint.Address(host) is null)
        {
            fields.Error(key, $"'{host}' is not an IP address: the receiver listens on an address of this machine, e.g. 127.0.0.1 (this machine only), 0.0.0.0 (every interface), [::1] or localhost; got '{endpoint}'");
            return fallback;
        }

        return endpoint;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierPattern();
}
