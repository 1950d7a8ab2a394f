using Sluice.Receiver.Configuration;
using Sluice.Receiver.Export;
using Sluice.Receiver.Ingest;
using Sluice.Receiver.Otlp;
using Sluice.Receiver.Rules;
using Sluice.Receiver.Spool;
using Sluice.Testing;
using Sluice.Transforms.Model;
using Sluice.Transforms.Processing;

namespace Sluice.Receiver.Benchmarks;

/// <summary>
/// The receiver's own decode and transforms, built in this process from the same config the
/// benchmarked receiver runs with (<see cref="ReceiverUnderTest.ShippedConfig"/>): turns a request into
/// exactly the rows the receiver would insert, for the ceiling and the micro benchmarks.
/// </summary>
internal sealed class RowPipeline
{
    private RowPipeline(ProcessorPipelines pipelines, DecodeLimits limits, IReadOnlyList<(string Name, TelemetryProcessor Processor)> transforms)
    {
        Pipelines = pipelines;
        Limits = limits;
        Transforms = transforms;
    }

    /// <summary>The logs pipeline's transforms one by one, in order (for a per-transform breakdown).</summary>
    public IReadOnlyList<(string Name, TelemetryProcessor Processor)> Transforms { get; }

    public ProcessorPipelines Pipelines { get; }

    public DecodeLimits Limits { get; }

    public static RowPipeline Create()
    {
        var config = ShippedConfig();
        var rules = RulesStore.Open(config.Rules.File!);
        var context = new ProcessorContext { Time = TimeProvider.System, Rules = rules };
        var pipelines = ProcessorPipelines.Build(config, context);
        var transforms = config.Service.PipelineProcessors["logs"]
            .Select(name => config.Processors.Single(p => p.Name == name))
            .Where(p => TelemetryProcessorFactory.IsTransform(p.Type))
            .Select(p => (p.Name, TelemetryProcessorFactory.Create(p.Name, p.Settings, context)))
            .ToList();
        return new RowPipeline(pipelines, IngestPipeline.DecodeLimitsFrom(config.Otlp), transforms);
    }

    /// <summary>The hard limit of the shipped config's memory_limiter, in bytes for this machine; 0 without one.</summary>
    public static long ShippedMemoryLimitBytes() =>
        ShippedConfig().MemoryLimiters is [var (limiter, _), ..] ? limiter.Limits(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes).Hard : 0;

    /// <summary>How the shipped config compresses inserts (<c>exporters.clickhouse.compress</c>).</summary>
    public static string ShippedCompression() => ShippedConfig().ClickHouse.Compress;

    /// <summary>Rows per insert in the shipped config (<c>processors.batch.send_batch_size</c>).</summary>
    public static int ShippedBatchSize() => ShippedConfig().Batch.SendBatchSize;

    private static ReceiverConfig ShippedConfig()
    {
        string root = RepositoryRoot.Find();
        string folder = Path.Combine(Path.GetTempPath(), "sluice-bench-pipeline");
        var environment = ReceiverUnderTest.Environment(folder, 1, 2, 3, "http://127.0.0.1:1");
        string previous = Directory.GetCurrentDirectory();
        try
        {
            // Relative paths in the shipped config (the rules file) resolve against the checkout, as for the receiver.
            Directory.SetCurrentDirectory(root);
            return ConfigLoader.LoadFile(ReceiverUnderTest.ShippedConfig(root), name => environment.GetValueOrDefault(name));
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }

    /// <summary>
    /// Decodes <paramref name="request"/> (OTLP protobuf, not gzipped) into <paramref name="batch"/> as the spool reader
    /// does, or with <paramref name="checkOnly"/> only counts and checks it as the HTTP endpoint does before spooling.
    /// </summary>
    public void Decode(ReadOnlySpan<byte> request, TelemetryBatch batch, ulong receivedUnixNano, bool checkOnly = false)
    {
        batch.Clear();
        batch.Product = ReceiverUnderTest.Product;
        batch.ReceivedUnixNano = receivedUnixNano;
        OtlpDecoder.Decode(Signal.Logs, PayloadEncoding.Protobuf, request, batch, Limits, checkOnly);
    }

    /// <summary>Runs the logs pipeline's transforms over <paramref name="batch"/>.</summary>
    public void Transform(TelemetryBatch batch) => Pipelines.Process(Signal.Logs, batch);
}
