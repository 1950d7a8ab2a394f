using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Receiver.ClickHouse;
using Sluice.Receiver.Spool;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Benchmarks;

/// <summary>One micro benchmark's figures, per event (each operation handles one 1 000-event request).</summary>
public sealed record MicroResult
{
    public required string Name { get; init; }

    public double NsPerEvent { get; init; }

    public double BytesPerEvent { get; init; }

    public double ErrorNs { get; init; }
}

/// <summary>
/// The receiver's hot paths on one typical 1 000-event request, per event: what the HTTP endpoint
/// does (gunzip, decode check, spool append with its fsync) and what the exporter does (decode again,
/// transforms, RowBinary encode, gzip of the insert body). Transforms alone are
/// <c>DecodeAndTransforms − Decode</c> (they change the batch, so each run needs a fresh decode).
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks : IDisposable
{
    private const int Events = 1000;
    private const int VariedRequests = 64;

    private RowPipeline _pipeline = null!;
    private byte[] _raw = null!;
    private byte[][] _varied = null!;
    private int _nextVaried;
    private byte[] _gzip = null!;
    private byte[] _inflated = null!;
    private TelemetryBatch _batch = null!;
    private TelemetryBatch _transformed = null!;
    private TableWriterSet _writers = null!;
    private byte[] _rowBinary = null!;
    private ulong _now;

    [GlobalSetup]
    public void Setup()
    {
        _pipeline = RowPipeline.Create();
        _raw = Workload.Request("micro", 999_999, 0, Events, EventShape.Typical);
        _varied = [.. Enumerable.Range(1, VariedRequests).Select(r => Workload.Request("micro", 999_999, r, Events, EventShape.Typical))];
        _gzip = Workload.Gzip(_raw);
        _inflated = new byte[_raw.Length + 1];
        _batch = new TelemetryBatch();
        _now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        _transformed = new TelemetryBatch();
        _pipeline.Decode(_raw, _transformed, _now);
        _pipeline.Transform(_transformed);
        _writers = new TableWriterSet();
        _writers.Append(_transformed);
        _rowBinary = _writers.NonEmpty.Single().Data.ToArray();
        _writers.Clear();
    }

    [GlobalCleanup]
    public void Cleanup() => _writers?.Dispose();

    public void Dispose()
    {
        Cleanup();
        GC.SuppressFinalize(this);
    }

    /// <summary>The HTTP endpoint inflating a gzip body.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int Gunzip()
    {
        using var input = new MemoryStream(_gzip, writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        int total = 0;
        int n;
        while ((n = gzip.Read(_inflated, total, _inflated.Length - total)) > 0)
        {
            total += n;
        }

        return total;
    }

    /// <summary>The ingest-side check of a request before it is spooled (decode that counts and checks items).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int IngestCheck()
    {
        _pipeline.Decode(_raw, _batch, _now, checkOnly: true);
        return _batch.Count;
    }

    /// <summary>OTLP protobuf decode into the model (the exporter's, from the spool).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int Decode()
    {
        _pipeline.Decode(_raw, _batch, _now);
        return _batch.Count;
    }

    /// <summary>
    /// <see cref="Decode"/>, each call of a different request of 64 (another device, session, user
    /// and values), as a stream of clients gives them: the decoder's string and number tables
    /// (<c>Utf8Interner</c>, <c>NumberTexts</c>) do not find the previous call's values again.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int DecodeVaried()
    {
        _pipeline.Decode(_varied[_nextVaried++ % VariedRequests], _batch, _now);
        return _batch.Count;
    }

    /// <summary>Decode, then sluice_schema, sluice_privacy, sluice_rules, sluice_enrich.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int DecodeAndTransforms()
    {
        _pipeline.Decode(_raw, _batch, _now);
        _pipeline.Transform(_batch);
        return _batch.Count;
    }

    /// <summary>RowBinary encode of the transformed rows into the logs table's buffer.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int RowBinaryEncode()
    {
        _writers.Append(_transformed);
        int bytes = (int)_writers.PendingBytes;
        _writers.Clear();
        return bytes;
    }

    /// <summary>gzip of the insert body (the exporter compresses each insert, fastest level).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public void InsertGzip()
    {
        using var gzip = new GZipStream(Stream.Null, CompressionLevel.Fastest);
        gzip.Write(_rowBinary);
    }
}

/// <summary>Spool append of one decompressed 1 000-event request, awaited until durable, one writer at a time (no group commit to share the fsync).</summary>
[MemoryDiagnoser]
public class SpoolBenchmarks
{
    private const int Events = 1000;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sluice-bench-spool-" + Guid.NewGuid().ToString("N")[..8]);
    private FileSpool _spool = null!;
    private byte[] _raw = null!;
    private int _appends;

    [Params(true, false)]
    public bool Fsync { get; set; }

    /// <summary>The request kept gzip-compressed, as the spool keeps a gzip body since format version 2, or decompressed, as before.</summary>
    [Params(true, false)]
    public bool Gzip { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _raw = Workload.Request("micro", 999_998, 0, Events, EventShape.Typical);
        if (Gzip)
        {
            _raw = Workload.Gzip(_raw);
        }

        _spool = FileSpool.Open(Path.Combine(_folder, (Fsync ? "fsync" : "nofsync") + (Gzip ? "-gzip" : string.Empty)), 8L << 30, 64L << 20, 90, Fsync, NullLogger.Instance);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _spool.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task SpoolAppend()
    {
        await _spool.AppendAsync(new SpoolRecord(Signal.Logs, PayloadEncoding.Protobuf, ReceiverUnderTest.Product, 1, 0, _raw, Gzip ? PayloadCompression.Gzip : PayloadCompression.None));
        if (++_appends % 64 == 0)
        {
            // As the exporter does after each insert: lets the spool delete what is behind it.
            _spool.Commit(_spool.DurablePosition);
        }
    }
}

/// <summary>Runs the micro benchmarks in process (ShortRun: 1 launch, 3 warm-ups, 3 iterations) and collects ns and bytes per event.</summary>
internal static class MicroBenchmarks
{
    public static List<MicroResult> Run()
    {
        var job = Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortRun-InProcess");
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "sluice-bench-artifacts"));
        var summaries = BenchmarkRunner.Run([typeof(HotPathBenchmarks), typeof(SpoolBenchmarks)], config);
        var results = new List<MicroResult>();
        foreach (var summary in summaries)
        {
            foreach (var report in summary.Reports)
            {
                string name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
                if (report.BenchmarkCase.HasParameters)
                {
                    name += " (" + report.BenchmarkCase.Parameters.DisplayInfo + ")";
                }

                results.Add(new MicroResult
                {
                    Name = name,
                    NsPerEvent = report.ResultStatistics?.Mean ?? double.NaN,
                    ErrorNs = report.ResultStatistics?.StandardError ?? double.NaN,
                    BytesPerEvent = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? double.NaN,
                });
            }
        }

        return results;
    }
}
