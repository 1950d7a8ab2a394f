using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Receiver.ClickHouse;
using Sluice.Receiver.Configuration;
using Sluice.Receiver.Export;
using Sluice.Receiver.Health;
using Sluice.Receiver.Ingest;
using Sluice.Receiver.Otlp;
using Sluice.Receiver.Spool;
using Sluice.Receiver.Telemetry;
using Sluice.Receiver.Tests.ClickHouse;
using Sluice.Receiver.Tests.EndToEnd;
using Sluice.Testing;
using Sluice.Transforms.Model;
using Sluice.Transforms.Processing;

namespace Sluice.Receiver.Tests.Export;

/// <summary>The exporter's ordering with inserts in flight at once, against a ClickHouse stand-in whose answers the test times.</summary>
public sealed class ClickHouseExporterTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sluice-exporter-" + Guid.NewGuid().ToString("N")[..12]);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private ClickHouseExporter Exporter(ReceiverConfig config, FileSpool spool, ClickHouseClient client) => new(
        config,
        ProcessorPipelines.Build(config, new ProcessorContext()),
        spool,
        client,
        new ReceiverMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
        new ReceiverState(TimeProvider.System),
        TimeProvider.System,
        NullLogger<ClickHouseExporter>.Instance);

    [Fact]
    public async Task TwoInsertsInFlight_TheLaterFinishesFirst_CheckpointWaitsForTheEarlier()
    {
        var config = Config(batchSize: 10, consumers: 2);
        await using var spool = FileSpool.Open(config.Spool.Directory, config.Spool.MaxSizeBytes, config.Spool.SegmentSizeBytes, config.Spool.PushbackPercent, fsync: false, NullLogger.Instance);
        var start = spool.CommittedPosition;
        var handler = new StandIn();
        using var client = new ClickHouseClient(config.ClickHouse, handler);
        using var exporter = Exporter(config, spool, client);

        // Three requests of 10 events: three batches, so three inserts.
        for (int i = 0; i < 3; i++)
        {
            await spool.AppendAsync(new SpoolRecord(Signal.Logs, PayloadEncoding.Protobuf, "shop", (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000, 0, OtlpLoad.LogsRequest("run", i, 10)));
        }

        await exporter.StartAsync(CancellationToken.None);
        try
        {
            // The first insert is held; the second is answered at once.
            await Eventually.UntilAsync(() => Task.FromResult(handler.Answered == 1 && handler.Started == 2), TimeSpan.FromSeconds(20), "two inserts started, the second answered");
            await Task.Delay(300);
            Assert.Equal(start, spool.CommittedPosition);
            Assert.Equal(2, handler.Started); // a third waits for a free slot

            handler.ReleaseFirst();
            await Eventually.UntilAsync(() => Task.FromResult(spool.CommittedPosition == spool.DurablePosition), TimeSpan.FromSeconds(20), "every batch committed");
            Assert.Equal(3, handler.Answered);
        }
        finally
        {
            await exporter.StopAsync(CancellationToken.None);
        }
    }

    private ReceiverConfig Config(int batchSize, int consumers, string compress = "gzip", string processors = "batch") => ConfigLoader.Parse(
            $$"""
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:{{FreePort.Get()}}
                auth:
                  authenticator: bearertokenauth
            processors:
              batch:
                send_batch_size: {{batchSize}}
                timeout: 50ms
              sluice_schema: {}
              sluice_privacy:
                hash_attributes: [user.id]
              sluice_enrich: {}
            exporters:
              clickhouse:
                endpoint: http://127.0.0.1:1
                create_schema: false
                compress: {{compress}}
                sending_queue:
                  num_consumers: {{consumers}}
                retry_on_failure:
                  initial_interval: 10ms
                  max_interval: 50ms
            extensions:
              bearertokenauth:
                keys:
                  - key: k
                    product: shop
              file_storage:
                directory: {{_folder}}
                fsync: false
            service:
              extensions: [bearertokenauth, file_storage]
              pipelines:
                logs:
                  receivers: [otlp]
                  processors: [{{processors}}]
                  exporters: [clickhouse]
            """,
            "test.yaml");

    [Fact]
    public async Task RequestDecodedAtIngest_InsertsTheSameBytesAsOneDecodedFromTheSpool_PlainOrCompressed()
    {
        // One request per batch (10 events), no compression: each insert's body is one request's rows.
        var config = Config(batchSize: 10, consumers: 1, compress: "none", processors: "sluice_schema, sluice_privacy, sluice_enrich, batch");
        await using var spool = FileSpool.Open(config.Spool.Directory, config.Spool.MaxSizeBytes, config.Spool.SegmentSizeBytes, config.Spool.PushbackPercent, fsync: false, NullLogger.Instance);
        var handler = new StandIn(holdFirst: false);
        using var client = new ClickHouseClient(config.ClickHouse, handler);
        using var exporter = Exporter(config, spool, client);

        // The same request twice: first handed over decoded, as the ingest does, then bare, as after a restart.
        byte[] request = OtlpLoad.LogsRequest("same", 1, 10);
        ulong received = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var record = new SpoolRecord(Signal.Logs, PayloadEncoding.Protobuf, "shop", received, received - 100_000_000, request);
        var decoded = new DecodedRequests();
        Assert.True(decoded.TryReserve(request.Length));
        var batch = decoded.Rent();
        batch.Product = record.Product;
        batch.ReceivedUnixNano = record.ReceivedUnixNano;
        batch.ClientSentUnixNano = record.ClientSentUnixNano;
        OtlpDecoder.Decode(Signal.Logs, PayloadEncoding.Protobuf, request, batch, IngestPipeline.DecodeLimitsFrom(config.Otlp));
        await spool.AppendAsync(record, decoded.Hand(batch, request.Length));
        await spool.AppendAsync(record);

        // And kept gzip- and zlib-compressed, as the spool keeps gzip and deflate bodies.
        await spool.AppendAsync(record with { Payload = OtlpLoad.Gzip(request), Compression = PayloadCompression.Gzip });
        await spool.AppendAsync(record with { Payload = OtlpLoad.Deflate(request), Compression = PayloadCompression.Zlib });

        await exporter.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.UntilAsync(() => Task.FromResult(spool.CommittedPosition == spool.DurablePosition), TimeSpan.FromSeconds(20), "the four requests committed");
        }
        finally
        {
            await exporter.StopAsync(CancellationToken.None);
        }

        // Given back to the ingest's pool once its rows were appended.
        Assert.Equal(0, decoded.HeldBytes);
        var bodies = handler.Bodies.Where(b => b.Table.Contains(TableWriterSet.LogsTable, StringComparison.Ordinal)).ToList();
        Assert.Equal(4, bodies.Count);
        Assert.True(bodies[0].Body.Length > 1000, $"an insert of 10 rows has {bodies[0].Body.Length} bytes");
        Assert.Equal(bodies[0].Body, bodies[1].Body);
        Assert.Equal(bodies[0].Body, bodies[2].Body);
        Assert.Equal(bodies[0].Body, bodies[3].Body);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void IsFull_RowBinaryReachesTheByteBound_EndsTheBatchCompressedOrNot(bool gzip)
    {
        // Rows of ~1.2 KB, 1 000 at a time as requests come: never send_batch_size, only the bytes.
        using var writers = new TableWriterSet(gzip);
        var resource = TestBatches.Resource();
        var scope = TestBatches.Scope();
        string body = new('x', 1000);
        int rows = 0;
        while (writers.PendingBytes < ClickHouseExporter.MaxBatchBytes)
        {
            Assert.False(ClickHouseExporter.IsFull(writers, batchSize: int.MaxValue));
            var batch = TestBatches.Batch();
            for (int i = 0; i < 1000; i++)
            {
                rows++;
                var log = TestBatches.Log((UInt128)rows, TestBatches.Received + (ulong)rows, resource, scope);
                log.Body = body;
                batch.Logs.Add(log);
            }

            writers.Append(batch);
        }

        Assert.True(ClickHouseExporter.IsFull(writers, batchSize: int.MaxValue));
        Assert.InRange(rows, 20_000, 60_000); // 48 MiB, whether the rows wait gzip-compressed or not
        Assert.True(ClickHouseExporter.IsFull(writers, batchSize: rows));
    }

    /// <summary>Answers SELECT 1 and inserts with 200; holds the first insert until released.</summary>
    private sealed class StandIn(bool holdFirst = true) : HttpMessageHandler
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _started;
        private int _answered;

        public int Started => Volatile.Read(ref _started);

        public int Answered => Volatile.Read(ref _answered);

        /// <summary>Every insert's query and body, in the order they were answered.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<(string Table, byte[] Body)> Bodies { get; } = new();

        public void ReleaseFirst() => _first.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.Query.Contains("INSERT", StringComparison.Ordinal))
            {
                if (Interlocked.Increment(ref _started) == 1 && holdFirst)
                {
                    await _first.Task.WaitAsync(cancellationToken);
                }

                Bodies.Enqueue((Uri.UnescapeDataString(request.RequestUri.Query), await request.Content!.ReadAsByteArrayAsync(cancellationToken)));

                Interlocked.Increment(ref _answered);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(string.Empty) };
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("1\n") };
        }
    }
}
