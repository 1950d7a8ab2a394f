using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Receiver.ClickHouse;
using Sluice.Receiver.Configuration;
using Sluice.Receiver.Export;
using Sluice.Receiver.Health;
using Sluice.Receiver.Spool;
using Sluice.Receiver.Telemetry;
using Sluice.Receiver.Tests.EndToEnd;
using Sluice.Testing;
using Sluice.Transforms.Model;
using Sluice.Transforms.Processing;

namespace Sluice.Receiver.Tests.Export;

/// <summary>The exporter's ordering with inserts in flight at once, against a ClickHouse stand-in whose answers the test times.</summary>
public sealed class ClickHouseExporterTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sluice-exporter-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task TwoInsertsInFlight_TheLaterFinishesFirst_CheckpointWaitsForTheEarlier()
    {
        var config = ConfigLoader.Parse(
            $"""
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:{FreePort.Get()}
                auth:
                  authenticator: bearertokenauth
            processors:
              batch:
                send_batch_size: 10
                timeout: 50ms
            exporters:
              clickhouse:
                endpoint: http://127.0.0.1:1
                create_schema: false
                sending_queue:
                  num_consumers: 2
                retry_on_failure:
                  initial_interval: 10ms
                  max_interval: 50ms
            extensions:
              bearertokenauth:
                keys:
                  - key: k
                    product: shop
              file_storage:
                directory: {_folder}
                fsync: false
            service:
              extensions: [bearertokenauth, file_storage]
              pipelines:
                logs:
                  receivers: [otlp]
                  processors: [batch]
                  exporters: [clickhouse]
            """,
            "test.yaml");
        await using var spool = FileSpool.Open(config.Spool.Directory, config.Spool.MaxSizeBytes, config.Spool.SegmentSizeBytes, config.Spool.PushbackPercent, fsync: false, NullLogger.Instance);
        var start = spool.CommittedPosition;
        var handler = new StandIn();
        using var client = new ClickHouseClient(config.ClickHouse, handler);
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var exporter = new ClickHouseExporter(
            config,
            ProcessorPipelines.Build(config, new ProcessorContext()),
            spool,
            client,
            new ReceiverMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            new ReceiverState(TimeProvider.System),
            TimeProvider.System,
            NullLogger<ClickHouseExporter>.Instance);

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

    /// <summary>Answers SELECT 1 and inserts with 200; holds the first insert until released.</summary>
    private sealed class StandIn : HttpMessageHandler
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _started;
        private int _answered;

        public int Started => Volatile.Read(ref _started);

        public int Answered => Volatile.Read(ref _answered);

        public void ReleaseFirst() => _first.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.Query.Contains("INSERT", StringComparison.Ordinal))
            {
                if (Interlocked.Increment(ref _started) == 1)
                {
                    await _first.Task.WaitAsync(cancellationToken);
                }

                Interlocked.Increment(ref _answered);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(string.Empty) };
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("1\n") };
        }
    }
}
