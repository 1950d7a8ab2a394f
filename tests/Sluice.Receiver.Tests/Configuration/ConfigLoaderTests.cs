using Sluice.Receiver.Configuration;

namespace Sluice.Receiver.Tests.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    // The smallest valid config; tests change one thing in it.
    private const string Minimal = """
        receivers:
          otlp:
            protocols:
              grpc:
              http:
                endpoint: 127.0.0.1:4318
            auth:
              authenticator: bearertokenauth
        processors:
          batch:
        exporters:
          clickhouse:
            endpoint: http://127.0.0.1:8123
        extensions:
          bearertokenauth:
            keys:
              - key: secret-1
                product: demo
        service:
          extensions: [bearertokenauth]
          pipelines:
            logs:
              receivers: [otlp]
              processors: [batch]
              exporters: [clickhouse]
        """;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sluice-config-" + Guid.NewGuid().ToString("N"));

    public ConfigLoaderTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => Array.Find(variables, v => v.Name == name).Value;

    private static ReceiverConfig Parse(string yaml, Func<string, string?>? env = null) =>
        ConfigLoader.Parse(yaml, "receiver.yaml", env ?? Env());

    private static IReadOnlyList<string> Errors(string yaml, Func<string, string?>? env = null) =>
        Assert.Throws<ConfigException>(() => Parse(yaml, env)).Errors;

    // The 1-based line of the first line containing the text, as errors report it.
    private static int LineOf(string yaml, string text)
    {
        string[] lines = yaml.Split('\n');
        int index = Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(index >= 0, $"'{text}' is not in the yaml");
        return index + 1;
    }

    private static string Replace(string yaml, string from, string to)
    {
        Assert.Contains(from, yaml, StringComparison.Ordinal);
        return yaml.Replace(from, to, StringComparison.Ordinal);
    }

    private static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sluice.slnx")))
            {
                return Path.Combine(dir.FullName, relative);
            }
        }

        throw new InvalidOperationException("the repository root (Sluice.slnx) was not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void LoadFile_ShippedReceiverYaml_YieldsDocumentedDefaults()
    {
        var config = ConfigLoader.LoadFile(RepositoryFile("otel-config/receiver.yaml"), Env(("SLUICE_API_KEY", "dev-key")));

        Assert.Equal(new OtlpReceiverConfig(), config.Otlp);
        Assert.Equal(new BatchProcessorConfig(), config.Batch);
        var clickHouseDefaults = new ClickHouseExporterConfig();
        Assert.Equal(clickHouseDefaults with { RetentionDays = config.ClickHouse.RetentionDays }, config.ClickHouse);
        Assert.Equal(clickHouseDefaults.RetentionDays, config.ClickHouse.RetentionDays);
        Assert.Equal(new HealthCheckConfig(), config.HealthCheck);
        Assert.Equal(new SpoolConfig() with { Directory = Path.GetFullPath(".sluice/spool") }, config.Spool);
        Assert.Equal(Path.GetFullPath("otel-config/rules.yaml"), config.Rules.File);
        Assert.Equal("info", config.Service.LogLevel);
        Assert.Equal(new ServiceConfig().Pipelines.Order(), config.Service.Pipelines.Order());
        Assert.Equal(["memory_limiter", "sluice_schema", "sluice_privacy", "sluice_rules", "sluice_enrich", "batch"], config.Service.PipelineProcessors["logs"]);
        Assert.Equal(["memory_limiter", "batch"], config.Service.PipelineProcessors["traces"]);
        Assert.Equal(["memory_limiter", "batch"], config.Service.PipelineProcessors["metrics"]);
        Assert.Equal(3, config.Service.PipelineProcessors.Count);
        Assert.Equal(["memory_limiter", "sluice_schema", "sluice_privacy", "sluice_rules", "sluice_enrich", "batch"], config.Processors.Select(p => p.Type));
        var (limiter, limited) = Assert.Single(config.MemoryLimiters);
        Assert.Equal(new MemoryLimiterConfig { CheckInterval = TimeSpan.FromSeconds(1), LimitMib = 1024, SpikeLimitMib = 256 }, limiter);
        Assert.Equal(["logs", "metrics", "traces"], limited.Order());

        // The shipped transforms' settings are valid for their factories too.
        _ = Sluice.Receiver.Export.ProcessorPipelines.Build(config, new Sluice.Transforms.Processing.ProcessorContext());
        var key = Assert.Single(config.Auth.Keys);
        Assert.Equal(new ApiKeyConfig { Key = "dev-key", Product = "default" }, key);
        Assert.Null(config.Auth.KeysFile);
    }

    [Fact]
    public void LoadFile_ShippedReceiverYamlWithSluiceVariables_UsesThem()
    {
        var config = ConfigLoader.LoadFile(
            RepositoryFile("otel-config/receiver.yaml"),
            Env(("SLUICE_API_KEY", "k"), ("SLUICE_PRODUCT", "shop"), ("SLUICE_HOME", "/var/lib/sluice"), ("SLUICE_CLICKHOUSE_URL", "http://db:8123")));

        Assert.Equal("shop", config.Auth.Keys[0].Product);
        Assert.Equal("/var/lib/sluice/spool", config.Spool.Directory);
        Assert.Equal("http://db:8123", config.ClickHouse.Endpoint);
    }

    [Fact]
    public void LoadFile_ShippedReceiverYamlWithoutApiKey_ErrorNamesVariableKeyAndLine()
    {
        string path = RepositoryFile("otel-config/receiver.yaml");
        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(path, Env())).Errors;

        int line = LineOf(File.ReadAllText(path), "key: ${env:SLUICE_API_KEY}");
        string error = Assert.Single(errors);
        Assert.StartsWith($"{path}:{line}: extensions.bearertokenauth.keys[0].key: environment variable 'SLUICE_API_KEY' is not set", error, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_MissingFile_ThrowsConfigExceptionNamingIt()
    {
        string path = Path.Combine(_dir, "absent.yaml");
        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(path, Env())).Errors);
        Assert.StartsWith(path + ": cannot read", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MinimalConfig_FillsDefaultsAndOmitsAbsentPipelines()
    {
        var config = Parse(Minimal);

        Assert.Equal("127.0.0.1:4317", config.Otlp.GrpcEndpoint);
        Assert.Equal("127.0.0.1:4318", config.Otlp.HttpEndpoint);
        Assert.Equal(["logs"], config.Service.Pipelines);
        Assert.Equal(new SpoolConfig() with { Directory = Path.GetFullPath(".sluice/spool") }, config.Spool);
    }

    [Fact]
    public void Parse_ProtocolAbsent_IsNotServed()
    {
        var config = Parse(Replace(Minimal, "      grpc:\n", string.Empty));

        Assert.Null(config.Otlp.GrpcEndpoint);
        Assert.Equal("127.0.0.1:4318", config.Otlp.HttpEndpoint);
    }

    [Fact]
    public void Parse_EveryKey_IsParsedIntoTheRecord()
    {
        string keysFile = Path.Combine(_dir, "keys.yaml");
        File.WriteAllText(keysFile, "keys:\n  - key: from-file\n    product: ${env:FILE_PRODUCT}\n");
        string relativeKeysFile = Path.GetRelativePath(Directory.GetCurrentDirectory(), keysFile);
        string yaml = $$"""
            receivers:
              otlp:
                protocols:
                  grpc:
                    endpoint: 0.0.0.0:14317
                    auth:
                      authenticator: bearertokenauth
                  http:
                    endpoint: "[::1]:14318"
                limits:
                  max_request_body_size: 524288
                  max_decompressed_size: 1048576
                  max_items_per_request: 500
                  max_attribute_value_size: 4096
                  max_nesting_depth: 4
                  max_future_skew: 1h30m
                  max_concurrent_requests: 48
            processors:
              batch:
                send_batch_size: 5000
                timeout: 200ms
              attributes/scrub:
                actions:
                  - key: user.email
                    action: delete
                  - key: env
                    value: ${env:DEPLOY_ENV:-prod}
              sluice_schema:
              memory_limiter:
                check_interval: 1s
                limit_mib: 512
            exporters:
              clickhouse:
                endpoint: https://ch.example:8443
                database: telemetry
                username: writer
                password: ${env:CH_PASSWORD}
                create_schema: false
                compress: none
                timeout: 45s
                retry_on_failure:
                  enabled: false
                  initial_interval: 500ms
                  max_interval: 2m
                sending_queue:
                  num_consumers: 3
                retention:
                  default: 120
                  otel_logs: 30
            extensions:
              bearertokenauth:
                keys:
                  - key: inline-1
                    product: shop
                  - {key: inline-2, product: game}
                keys_file: {{relativeKeysFile}}
              health_check:
                endpoint: 0.0.0.0:13134
              file_storage:
                directory: spool-here
                max_size_mib: 2048
                segment_size_mib: 16
                pushback_percent: 75
                fsync: false
              sluice_rules:
                file: otel-config/rules.yaml
            service:
              extensions: [bearertokenauth, health_check, file_storage, sluice_rules]
              pipelines:
                logs:
                  receivers: [otlp]
                  processors: [sluice_schema, attributes/scrub, batch]
                  exporters: [clickhouse]
                traces:
                  receivers: [otlp]
                  processors: [memory_limiter, batch]
                  exporters: [clickhouse]
              telemetry:
                logs:
                  level: debug
            """;

        var config = Parse(yaml, Env(("CH_PASSWORD", "s3cret"), ("FILE_PRODUCT", "tools")));

        Assert.Equal(
            new OtlpReceiverConfig
            {
                GrpcEndpoint = "0.0.0.0:14317",
                HttpEndpoint = "[::1]:14318",
                MaxRequestBodyBytes = 524288,
                MaxDecompressedBytes = 1048576,
                MaxItemsPerRequest = 500,
                MaxAttributeValueBytes = 4096,
                MaxNestingDepth = 4,
                MaxFutureSkew = TimeSpan.FromMinutes(90),
                MaxConcurrentRequests = 48,
            },
            config.Otlp);
        Assert.Equal(new BatchProcessorConfig { SendBatchSize = 5000, Timeout = TimeSpan.FromMilliseconds(200) }, config.Batch);

        var ch = config.ClickHouse;
        Assert.Equal(
            new ClickHouseExporterConfig
            {
                Endpoint = "https://ch.example:8443",
                Database = "telemetry",
                Username = "writer",
                Password = "s3cret",
                CreateSchema = false,
                Compress = "none",
                Timeout = TimeSpan.FromSeconds(45),
                RetryEnabled = false,
                RetryInitialInterval = TimeSpan.FromMilliseconds(500),
                RetryMaxInterval = TimeSpan.FromMinutes(2),
                NumConsumers = 3,
                RetentionDays = ch.RetentionDays,
            },
            ch);
        Assert.Equal(new Dictionary<string, int> { ["default"] = 120, ["otel_logs"] = 30 }, ch.RetentionDays);

        Assert.Equal(
            [new ApiKeyConfig { Key = "inline-1", Product = "shop" }, new ApiKeyConfig { Key = "inline-2", Product = "game" }, new ApiKeyConfig { Key = "from-file", Product = "tools" }],
            config.Auth.Keys);
        Assert.Equal(keysFile, config.Auth.KeysFile);
        Assert.Equal("0.0.0.0:13134", config.HealthCheck.Endpoint);
        Assert.Equal(
            new SpoolConfig { Directory = Path.GetFullPath("spool-here"), MaxSizeBytes = 2048L << 20, SegmentSizeBytes = 16L << 20, PushbackPercent = 75, Fsync = false },
            config.Spool);
        Assert.Equal(Path.GetFullPath("otel-config/rules.yaml"), config.Rules.File);

        Assert.Equal("debug", config.Service.LogLevel);
        Assert.Equal(["logs", "traces"], config.Service.Pipelines.Order());
        Assert.Equal(["sluice_schema", "attributes/scrub", "batch"], config.Service.PipelineProcessors["logs"]);
        Assert.Equal(["memory_limiter", "batch"], config.Service.PipelineProcessors["traces"]);

        Assert.Equal(["sluice_schema", "attributes/scrub", "batch", "memory_limiter"], config.Processors.Select(p => p.Name));
        var scrub = config.Processors[1];
        Assert.Equal("attributes", scrub.Type);
        Assert.Equal(LineOf(yaml, "attributes/scrub:"), scrub.Line);
        var actions = Assert.IsType<List<object?>>(scrub.Settings["actions"]);
        var second = Assert.IsType<Dictionary<string, object?>>(actions[1]);
        Assert.Equal("prod", second["value"]);
        Assert.Equal("delete", Assert.IsType<Dictionary<string, object?>>(actions[0])["action"]);
        Assert.Empty(config.Processors[0].Settings);
        Assert.Equal("512", config.Processors[3].Settings["limit_mib"]);
        var (limiter, signals) = Assert.Single(config.MemoryLimiters);
        Assert.Equal(new MemoryLimiterConfig { Name = "memory_limiter", CheckInterval = TimeSpan.FromSeconds(1), LimitMib = 512 }, limiter);
        Assert.Equal(["traces"], signals);
    }

    [Fact]
    public void Parse_NumConsumersOutOfRange_ErrorGivesTheRange()
    {
        string yaml = Replace(Minimal, "    endpoint: http://127.0.0.1:8123\n", "    endpoint: http://127.0.0.1:8123\n    sending_queue:\n      num_consumers: 0\n");

        Assert.Equal(
            $"receiver.yaml:{LineOf(yaml, "num_consumers")}: exporters.clickhouse.sending_queue.num_consumers: must be between 1 and 8, got 0",
            Assert.Single(Errors(yaml)));
    }

    [Theory]
    [InlineData("check_interval: 1s\n    limit_mib: 1000", 1000, 800)]
    [InlineData("check_interval: 1s\n    limit_mib: 1000\n    spike_limit_mib: 100", 1000, 900)]
    [InlineData("check_interval: 1s\n    limit_percentage: 50", 2000, 1600)]
    [InlineData("check_interval: 1s\n    limit_percentage: 50\n    spike_limit_percentage: 10", 2000, 1600)]
    [InlineData("check_interval: 1s\n    limit_percentage: 50\n    spike_limit_percentage: 25", 2000, 1000)]
    public void Parse_MemoryLimiter_HardAndSoftLimitsAsTheCollectorComputesThem(string settings, long hardMib, long softMib)
    {
        string yaml = Replace(Minimal, "  batch:\n", "  batch:\n  memory_limiter:\n    " + settings + "\n");
        yaml = Replace(yaml, "processors: [batch]", "processors: [memory_limiter, batch]");

        var (limiter, signals) = Assert.Single(Parse(yaml).MemoryLimiters);

        Assert.Equal((hardMib << 20, softMib << 20), limiter.Limits(4000L << 20));
        Assert.Equal(["logs"], signals);
    }

    [Theory]
    [InlineData("limit_mib: 512", "check_interval", "required: how often memory use is measured")]
    [InlineData("check_interval: 1s", "limit_mib", "required: the hard memory limit in MiB")]
    [InlineData("check_interval: 1s\n    limit_mib: 512\n    spike_limit_mib: 512", "spike_limit_mib", "must be below limit_mib (512), got 512")]
    [InlineData("check_interval: 1s\n    limit_percentage: 20\n    spike_limit_percentage: 30", "spike_limit_percentage", "must be below limit_percentage (20), got 30")]
    [InlineData("check_interval: 1s\n    limit_percentage: 120", "limit_percentage", "must be between 0 and 100, got 120")]
    [InlineData("check_interval: 1s\n    limit_mb: 512", "limit_mb", "unknown key")]
    public void Parse_MemoryLimiterWrong_ErrorNamesTheKey(string settings, string key, string message)
    {
        string yaml = Replace(Minimal, "  batch:\n", "  batch:\n  memory_limiter:\n    " + settings + "\n");
        yaml = Replace(yaml, "processors: [batch]", "processors: [memory_limiter, batch]");

        IReadOnlyList<string> errors = Errors(yaml);

        Assert.Contains(errors, e => e.Contains($"processors.memory_limiter.{key}: ", StringComparison.Ordinal) && e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_EnvironmentVariables_SubstitutedInTypedValues()
    {
        string yaml = Replace(Minimal, "endpoint: 127.0.0.1:4318", "endpoint: ${env:HTTP_HOST:-0.0.0.0}:${HTTP_PORT}");
        yaml = Replace(yaml, "  batch:\n", "  batch:\n    send_batch_size: ${env:BATCH}\n    timeout: ${env:BATCH_TIMEOUT:-250ms}\n");

        var config = Parse(yaml, Env(("HTTP_PORT", "9999"), ("BATCH", "42")));

        Assert.Equal("0.0.0.0:9999", config.Otlp.HttpEndpoint);
        Assert.Equal(42, config.Batch.SendBatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(250), config.Batch.Timeout);
    }

    [Fact]
    public void Parse_UnsetVariableWithoutDefault_ErrorNamesVariableAndKey()
    {
        string yaml = Replace(Minimal, "endpoint: http://127.0.0.1:8123", "endpoint: ${env:CH_URL}");

        string error = Assert.Single(Errors(yaml));

        Assert.Equal(
            $"receiver.yaml:{LineOf(yaml, "CH_URL")}: exporters.clickhouse.endpoint: environment variable 'CH_URL' is not set and has no default; set it or write ${{env:CH_URL:-default}}",
            error);
    }

    [Fact]
    public void Parse_UnknownKey_ErrorSuggestsClosestAndListsAllowed()
    {
        string yaml = Replace(Minimal, "endpoint: 127.0.0.1:4318", "endpont: 127.0.0.1:4318");

        string error = Assert.Single(Errors(yaml));

        Assert.Equal(
            $"receiver.yaml:{LineOf(yaml, "endpont")}: receivers.otlp.protocols.http.endpont: unknown key; did you mean 'endpoint'? Allowed: endpoint, auth",
            error);
    }

    [Fact]
    public void Parse_UnknownTopLevelKey_ErrorListsSections()
    {
        string yaml = Minimal + "\nconnectors:\n  forward:\n";

        string error = Assert.Single(Errors(yaml));

        Assert.Equal(
            $"receiver.yaml:{LineOf(yaml, "connectors:")}: connectors: unknown key; Allowed: receivers, processors, exporters, extensions, service",
            error);
    }

    [Fact]
    public void Parse_WrongType_ErrorSaysWhatWasExpected()
    {
        string yaml = Replace(Minimal, "    auth:\n", "    limits:\n      max_nesting_depth: deep\n      max_future_skew: [1h]\n    auth:\n");

        var errors = Errors(yaml);

        Assert.Equal(
            [
                $"receiver.yaml:{LineOf(yaml, "deep")}: receivers.otlp.limits.max_nesting_depth: expected a whole number, got 'deep'",
                $"receiver.yaml:{LineOf(yaml, "[1h]")}: receivers.otlp.limits.max_future_skew: expected a duration, got a list",
            ],
            errors);
    }

    [Fact]
    public void Parse_MappingWhereListExpected_Reported()
    {
        string yaml = Replace(Minimal, "extensions: [bearertokenauth]", "extensions: {bearertokenauth: true}");

        var errors = Errors(yaml);

        Assert.Contains($"receiver.yaml:{LineOf(yaml, "{bearertokenauth: true}")}: service.extensions: expected a list ([a, b] or '- a' lines), got a mapping", errors);
    }

    [Fact]
    public void Parse_OutOfRange_ErrorGivesTheRange()
    {
        string yaml = Replace(Minimal, "  bearertokenauth:\n", "  file_storage:\n    pushback_percent: 150\n  bearertokenauth:\n");

        string error = Assert.Single(Errors(yaml));

        Assert.Equal($"receiver.yaml:{LineOf(yaml, "150")}: extensions.file_storage.pushback_percent: must be between 1 and 100, got 150", error);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("5 seconds")]
    [InlineData("1d")]
    public void Parse_BadDuration_ErrorShowsTheFormat(string timeout)
    {
        string yaml = Replace(Minimal, "  batch:\n", $"  batch:\n    timeout: {timeout}\n");

        string error = Assert.Single(Errors(yaml));

        Assert.Equal(
            $"receiver.yaml:{LineOf(yaml, "timeout:")}: processors.batch.timeout: expected a duration such as 200ms, 5s, 1m or 1h30m (units ns, us, ms, s, m, h), got '{timeout}'",
            error);
    }

    [Fact]
    public void Parse_DurationOutOfRange_ErrorGivesRangeAsDurations()
    {
        string yaml = Replace(Minimal, "  batch:\n", "  batch:\n    timeout: 2h\n");

        Assert.Equal($"receiver.yaml:{LineOf(yaml, "2h")}: processors.batch.timeout: must be between 1ms and 1h, got 2h", Assert.Single(Errors(yaml)));
    }

    [Fact]
    public void Parse_PipelineNamesUndefinedProcessor_ErrorSuggestsDefinedOne()
    {
        string yaml = Replace(Minimal, "processors: [batch]", "processors: [bacth]");

        string error = Assert.Single(Errors(yaml));

        Assert.Equal(
            $"receiver.yaml:{LineOf(yaml, "[bacth]")}: service.pipelines.logs.processors: processor 'bacth' is not defined under processors; did you mean 'batch'? Defined: batch",
            error);
    }

    [Fact]
    public void Parse_PipelineNamesUndefinedReceiverAndExtension_BothReported()
    {
        string yaml = Replace(Minimal, "receivers: [otlp]", "receivers: [otlp, jaeger]");
        yaml = Replace(yaml, "extensions: [bearertokenauth]", "extensions: [bearertokenauth, health_check]");

        var errors = Errors(yaml);

        Assert.Equal(
            [
                $"receiver.yaml:{LineOf(yaml, "[bearertokenauth, health_check]")}: service.extensions: extension 'health_check' is not defined under extensions; Defined: bearertokenauth",
                $"receiver.yaml:{LineOf(yaml, "[otlp, jaeger]")}: service.pipelines.logs.receivers: receiver 'jaeger' is not defined under receivers; Defined: otlp",
            ],
            errors);
    }

    [Fact]
    public void Parse_PipelineExporterNotClickHouse_Reported()
    {
        string yaml = Replace(Minimal, "exporters: [clickhouse]", "exporters: [otlphttp]");

        string error = Assert.Single(Errors(yaml));

        Assert.Equal(
            $"receiver.yaml:{LineOf(yaml, "[otlphttp]")}: service.pipelines.logs.exporters: 'otlphttp' is not a clickhouse exporter; Sluice pipelines export only to ClickHouse. Defined: clickhouse",
            error);
    }

    [Fact]
    public void Parse_PipelineNamesUndefinedClickHouseExporter_Reported()
    {
        string yaml = Replace(Minimal, "exporters: [clickhouse]", "exporters: [clickhouse/other]");

        Assert.Equal(
            $"receiver.yaml:{LineOf(yaml, "[clickhouse/other]")}: service.pipelines.logs.exporters: exporter 'clickhouse/other' is not defined under exporters; Defined: clickhouse",
            Assert.Single(Errors(yaml)));
    }

    [Fact]
    public void Parse_NonClickHouseExporterDefined_Reported()
    {
        string yaml = Replace(Minimal, "exporters:\n  clickhouse:\n", "exporters:\n  debug:\n    verbosity: basic\n  clickhouse:\n");

        Assert.Equal(
            $"receiver.yaml:{LineOf(yaml, "debug:")}: exporters.debug: unknown exporter type 'debug'; Sluice writes only to ClickHouse. Allowed: clickhouse",
            Assert.Single(Errors(yaml)));
    }

    [Fact]
    public void Parse_UnknownProcessorType_ErrorListsKnownTypes()
    {
        string yaml = Replace(Minimal, "  batch:\n", "  batch:\n  atributes/scrub:\n    actions: []\n");

        string error = Assert.Single(Errors(yaml));

        Assert.StartsWith(
            $"receiver.yaml:{LineOf(yaml, "atributes/scrub")}: processors.atributes/scrub: unknown processor type 'atributes'; did you mean 'attributes'? Allowed: attributes, batch,",
            error,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PipelineNamesProcessorOfUnknownType_ReportedOnlyAtItsDefinition()
    {
        string yaml = Replace(Minimal, "  batch:\n", "  batch:\n  sluice_privasy:\n");
        yaml = Replace(yaml, "processors: [batch]", "processors: [sluice_privasy, batch]");

        string error = Assert.Single(Errors(yaml));

        Assert.StartsWith($"receiver.yaml:{LineOf(yaml, "sluice_privasy:")}: processors.sluice_privasy: unknown processor type 'sluice_privasy'; did you mean 'sluice_privacy'?", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateKey_ReportedWithLine()
    {
        string yaml = Replace(Minimal, "    endpoint: http://127.0.0.1:8123\n", "    endpoint: http://127.0.0.1:8123\n    endpoint: http://127.0.0.1:8124\n");

        string error = Assert.Single(Errors(yaml));

        Assert.StartsWith($"receiver.yaml:{LineOf(yaml, "8124")}: ", error, StringComparison.Ordinal);
        Assert.Contains("endpoint", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoApiKeys_Reported()
    {
        string yaml = Replace(Minimal, "    keys:\n      - key: secret-1\n        product: demo\n", "    keys: []\n");

        string error = Assert.Single(Errors(yaml));

        Assert.StartsWith($"receiver.yaml:{LineOf(yaml, "bearertokenauth:")}: extensions.bearertokenauth: no API keys", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_KeyWithoutProduct_Reported()
    {
        string yaml = Replace(Minimal, "        product: demo\n", string.Empty);

        Assert.Equal(
            $"receiver.yaml:{LineOf(yaml, "key: secret-1")}: extensions.bearertokenauth.keys[0].product: required: the product the key's telemetry is stored under",
            Assert.Single(Errors(yaml)));
    }

    [Fact]
    public void Parse_KeysFileMissing_ErrorNamesThePath()
    {
        string yaml = Replace(Minimal, "        product: demo\n", "        product: demo\n    keys_file: no-such-keys.yaml\n");

        string error = Assert.Single(Errors(yaml));

        Assert.StartsWith(
            $"receiver.yaml:{LineOf(yaml, "no-such-keys.yaml")}: extensions.bearertokenauth.keys_file: file 'no-such-keys.yaml' does not exist",
            error,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_KeysFileWithErrors_ReportedAgainstThatFile()
    {
        string keysFile = Path.Combine(_dir, "keys.yaml");
        File.WriteAllText(keysFile, "keys:\n  - key: a\n    product: x\n  - key: a\n    produkt: y\n");
        string yaml = Replace(Minimal, "        product: demo\n", $"        product: demo\n    keys_file: {keysFile}\n");

        var errors = Errors(yaml);

        Assert.Equal(
            [
                $"{keysFile}:4: keys[1].product: required: the product the key's telemetry is stored under",
                $"{keysFile}:5: keys[1].produkt: unknown key; did you mean 'product'? Allowed: key, product",
            ],
            errors);
    }

    [Fact]
    public void Parse_DuplicateApiKey_Reported()
    {
        string yaml = Replace(Minimal, "        product: demo\n", "        product: demo\n      - key: secret-1\n        product: other\n");

        Assert.Equal(
            $"receiver.yaml:{LineOf(yaml, "product: other") - 1}: extensions.bearertokenauth.keys[1].key: duplicate API key (also at receiver.yaml:{LineOf(yaml, "secret-1")}); each key maps to one product",
            Assert.Single(Errors(yaml)));
    }

    [Fact]
    public void Parse_NoProtocols_Reported()
    {
        string yaml = Replace(Minimal, "      grpc:\n      http:\n        endpoint: 127.0.0.1:4318\n", "      {}\n");

        Assert.StartsWith($"receiver.yaml:{LineOf(yaml, "{}")}: receivers.otlp.protocols: at least one protocol is required", Assert.Single(Errors(yaml)), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoAuth_Reported()
    {
        string yaml = Replace(Minimal, "    auth:\n      authenticator: bearertokenauth\n", string.Empty);

        Assert.StartsWith($"receiver.yaml:{LineOf(yaml, "otlp:")}: receivers.otlp.auth: required:", Assert.Single(Errors(yaml)), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AuthenticatorNotEnabledInService_Reported()
    {
        string yaml = Replace(Minimal, "extensions: [bearertokenauth]", "extensions: []");

        Assert.Equal(
            $"receiver.yaml:{LineOf(yaml, "authenticator:")}: receivers.otlp.auth.authenticator: extension 'bearertokenauth' is not enabled; add it to service.extensions",
            Assert.Single(Errors(yaml)));
    }

    [Theory]
    [InlineData("0.0.0.0:4317")]
    [InlineData("localhost:4317")]
    [InlineData("[::]:4317")]
    public void Parse_HttpOnTheGrpcPort_ReportedEvenWhenTheHostsAreWrittenDifferently(string http)
    {
        // grpc has no endpoint in Minimal: it listens on its default, 127.0.0.1:4317.
        string yaml = Replace(Minimal, "endpoint: 127.0.0.1:4318", "endpoint: \"" + http + "\"");

        Assert.StartsWith(
            $"receiver.yaml:{LineOf(yaml, http)}: receivers.otlp.protocols.http.endpoint: '{http}' takes the port of the grpc endpoint '127.0.0.1:4317'; each needs its own port",
            Assert.Single(Errors(yaml)),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HealthCheckOnTheGrpcPortOfAllInterfaces_Reported()
    {
        string yaml = Replace(Minimal, "  bearertokenauth:\n", "  health_check:\n    endpoint: 0.0.0.0:4317\n  bearertokenauth:\n");

        Assert.Contains(
            "extensions.health_check.endpoint: '0.0.0.0:4317' takes the port of an otlp endpoint; health_check needs its own port",
            Assert.Single(Errors(yaml)),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SamePortOnTwoDifferentAddresses_Accepted()
    {
        string yaml = Replace(Minimal, "endpoint: 127.0.0.1:4318", "endpoint: 127.0.0.2:4317");

        Assert.Equal("127.0.0.2:4317", Parse(yaml).Otlp.HttpEndpoint);
    }

    [Fact]
    public void Parse_EndpointHostNotAnAddress_ReportedInsteadOfFailingAtStart()
    {
        // Kestrel listens on addresses; a host name other than localhost made the start throw.
        string yaml = Replace(Minimal, "endpoint: 127.0.0.1:4318", "endpoint: collector.internal:4318");

        Assert.Equal(
            $"receiver.yaml:{LineOf(yaml, "collector.internal")}: receivers.otlp.protocols.http.endpoint: 'collector.internal' is not an IP address: the receiver listens on an address of this machine, e.g. 127.0.0.1 (this machine only), 0.0.0.0 (every interface), [::1] or localhost; got 'collector.internal:4318'",
            Assert.Single(Errors(yaml)));
    }

    [Theory]
    [InlineData("LOCALHOST:4318")]
    [InlineData(":4318")]
    [InlineData("[::1]:4318")]
    public void Parse_EndpointHostLocalhostEmptyOrIPv6_Accepted(string endpoint)
    {
        string yaml = Replace(Minimal, "endpoint: 127.0.0.1:4318", "endpoint: \"" + endpoint + "\"");

        Assert.Equal(endpoint, Parse(yaml).Otlp.HttpEndpoint);
    }

    [Fact]
    public void Parse_BadEndpoint_Reported()
    {
        string yaml = Replace(Minimal, "endpoint: 127.0.0.1:4318", "endpoint: localhost");

        Assert.StartsWith($"receiver.yaml:{LineOf(yaml, "localhost")}: receivers.otlp.protocols.http.endpoint: expected host:port", Assert.Single(Errors(yaml)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  batch:\n", "  batch: [unclosed\n", "batch:", "receiver.yaml:{0}: invalid YAML after this line: look for an unclosed [, { or quote")]
    [InlineData("    endpoint: http://127.0.0.1:8123\n", "    endpoint: http://127.0.0.1:8123\n   database: x\n", "database:", "receiver.yaml:{0}: invalid YAML: ")]
    [InlineData("  batch:\n", "  batch:\n\ttimeout: 1s\n", "timeout", "receiver.yaml:{0}: invalid YAML: ")]
    public void Parse_InvalidYaml_ReportsSyntaxErrorWithLine(string from, string to, string lineText, string expectedStart)
    {
        string yaml = Replace(Minimal, from, to);

        string error = Assert.Single(Errors(yaml));

        Assert.StartsWith(expectedStart.Replace("{0}", LineOf(yaml, lineText).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyText_Reported()
    {
        Assert.Equal("receiver.yaml:1: the file is empty", Assert.Single(Errors("# nothing but a comment\n")));
    }

    [Fact]
    public void Parse_SeveralErrors_AllReportedInFileOrder()
    {
        string yaml = Replace(Minimal, "endpoint: 127.0.0.1:4318", "endpoint: 127.0.0.1:99999");
        yaml = Replace(yaml, "    auth:\n", "    limits:\n      max_items_per_request: 0\n    auth:\n");
        yaml = Replace(yaml, "  batch:\n", "  batch:\n    timeout: soon\n");
        yaml = Replace(yaml, "endpoint: http://127.0.0.1:8123", "endpoint: http://127.0.0.1:8123\n    compress: zstd");
        yaml = Replace(yaml, "processors: [batch]", "processors: [batch, filter]");
        yaml = Replace(yaml, "      exporters: [clickhouse]", "      exporters: [clickhouse]\n  telemetry:\n    logs:\n      level: verbose");

        var errors = Errors(yaml);

        Assert.Equal(
            [
                $"receiver.yaml:{LineOf(yaml, "99999")}: receivers.otlp.protocols.http.endpoint: expected host:port, e.g. 127.0.0.1:4317, 0.0.0.0:4317 or [::1]:4317, got '127.0.0.1:99999'",
                $"receiver.yaml:{LineOf(yaml, "max_items_per_request")}: receivers.otlp.limits.max_items_per_request: must be between 1 and 10000000, got 0",
                $"receiver.yaml:{LineOf(yaml, "soon")}: processors.batch.timeout: expected a duration such as 200ms, 5s, 1m or 1h30m (units ns, us, ms, s, m, h), got 'soon'",
                $"receiver.yaml:{LineOf(yaml, "zstd")}: exporters.clickhouse.compress: 'zstd' is not allowed. Allowed: gzip, none",
                $"receiver.yaml:{LineOf(yaml, "[batch, filter]")}: service.pipelines.logs.processors: processor 'filter' is not defined under processors; Defined: batch",
                $"receiver.yaml:{LineOf(yaml, "verbose")}: service.telemetry.logs.level: 'verbose' is not allowed. Allowed: debug, info, warn, error",
            ],
            errors);
        Assert.Contains("(6 errors)", Assert.Throws<ConfigException>(() => Parse(yaml)).Message, StringComparison.Ordinal);
    }
}
