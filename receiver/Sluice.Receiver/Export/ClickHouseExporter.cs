using System.Diagnostics;
using Polly;
using Polly.Retry;
using Sluice.Receiver.ClickHouse;
using Sluice.Receiver.Configuration;
using Sluice.Receiver.Otlp;
using Sluice.Receiver.Spool;
using Sluice.Receiver.Health;
using Sluice.Receiver.Telemetry;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Export;

/// <summary>
/// Drains the spool into ClickHouse: reads records in order, decodes them again (the same decoder
/// and limits as at ingest, so the same items with the same event ids), runs the transforms, appends
/// rows to one RowBinary buffer per table, and inserts every table's buffer once it holds
/// <c>send_batch_size</c> rows or its oldest row waited <c>timeout</c>. Only when every table's insert
/// succeeded does the spool's checkpoint move past those records. Inserts that fail are retried with
/// exponential backoff and jitter until they succeed: meanwhile the spool absorbs new requests.
/// </summary>
internal sealed class ClickHouseExporter : BackgroundService
{
    private static readonly TimeSpan ShutdownFlushBudget = TimeSpan.FromSeconds(10);

    private readonly FileSpool _spool;
    private readonly ClickHouseClient _client;
    private readonly ReceiverMetrics _metrics;
    private readonly ReceiverState _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DecodeLimits _limits;
    private readonly int _batchSize;
    private readonly TimeSpan _batchTimeout;
    private readonly bool _createSchema;
    private readonly ResiliencePipeline _retry;
    private readonly ProcessorPipelines _pipelines;
    private readonly DeadLetters _deadLetters;

    public ClickHouseExporter(
        ReceiverConfig config,
        ProcessorPipelines pipelines,
        FileSpool spool,
        ClickHouseClient client,
        ReceiverMetrics metrics,
        ReceiverState state,
        TimeProvider time,
        ILogger<ClickHouseExporter> logger)
    {
        _pipelines = pipelines;
        _deadLetters = new DeadLetters(Path.Combine(config.Spool.Directory, "dead-letter"));
        _spool = spool;
        _client = client;
        _metrics = metrics;
        _state = state;
        _time = time;
        _logger = logger;
        _limits = Ingest.IngestPipeline.DecodeLimitsFrom(config.Otlp);
        _batchSize = config.Batch.SendBatchSize;
        _batchTimeout = config.Batch.Timeout;
        _createSchema = config.ClickHouse.CreateSchema;
        _retry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = config.ClickHouse.RetryInitialInterval,
                MaxDelay = config.ClickHouse.RetryMaxInterval,
                OnRetry = args =>
                {
                    _metrics.InsertFailed();
                    _state.ClickHouseFailed(args.Outcome.Exception?.Message);
                    Log.InsertRetry(_logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception!);
                    return default;
                },
            })
            .Build();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _retry.ExecuteAsync(PrepareSchemaAsync, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        using var reader = _spool.OpenReader();
        reader.Corruption += (segment, what) =>
        {
            _metrics.SpoolCorrupt();
            Log.SpoolCorruption(_logger, segment, what);
        };
        // Two buffers, so that decoding and encoding the next batch overlaps the insert of the
        // previous one; at most one insert is in flight, and checkpoints move in spool order.
        using var first = new PendingFlush();
        using var second = new PendingFlush();
        var filling = first;
        Task? inflight = null;
        var batch = new TelemetryBatch();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Drain(reader, batch, filling, oldestIsMine: inflight is null || inflight.IsCompleted);
                if (filling.Records > 0 && (filling.Writers.PendingRows >= _batchSize || _time.GetUtcNow() - filling.Since >= _batchTimeout || filling.Records == filling.RejectedOnly))
                {
                    if (inflight is not null)
                    {
                        await inflight.ConfigureAwait(false);
                    }

                    var next = filling == first ? second : first;
                    inflight = FlushAsync(filling, next, stoppingToken);
                    filling = next;
                    continue;
                }

                if (inflight is { IsCompleted: true })
                {
                    await inflight.ConfigureAwait(false);
                    inflight = null;
                }

                await WaitForWorkAsync(reader.Position, filling, inflight, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Stopping: one bounded attempt to insert what is buffered, in order; what does not make it
        // stays in the spool (its checkpoint did not move) and is sent after the next start.
        using var budget = new CancellationTokenSource(ShutdownFlushBudget, _time);
        try
        {
            if (inflight is not null)
            {
                try
                {
                    await inflight.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Cancelled with the service: its rows are still in its buffer, flushed below.
                }
            }

            foreach (var buffer in new[] { filling == first ? second : first, filling })
            {
                if (buffer.Records > 0)
                {
                    await FlushAsync(buffer, null, budget.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            Log.ShutdownFlushAbandoned(_logger, first.Writers.PendingRows + second.Writers.PendingRows);
        }
    }

    private async ValueTask PrepareSchemaAsync(CancellationToken cancellationToken)
    {
        if (_createSchema)
        {
            int applied = await SchemaMigrator.MigrateAsync(_client, _logger, cancellationToken).ConfigureAwait(false);
            Log.SchemaReady(_logger, _client.Database, applied);
        }
        else
        {
            await _client.PingAsync(cancellationToken).ConfigureAwait(false);
        }

        _state.SchemaReady();
    }

    /// <summary>Reads what is durable, up to a batch, into the table buffers.</summary>
    private void Drain(SpoolReader reader, TelemetryBatch batch, PendingFlush pending, bool oldestIsMine)
    {
        var writers = pending.Writers;
        while (writers.PendingRows < _batchSize && reader.TryRead(out var record))
        {
            batch.Clear();
            batch.Product = record.Product;
            batch.ReceivedUnixNano = record.ReceivedUnixNano;
            batch.ClientSentUnixNano = record.ClientSentUnixNano;
            try
            {
                OtlpDecoder.Decode(record.Signal, record.Encoding, record.Payload.Span, batch, _limits);
                _pipelines.Process(record.Signal, batch);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // It decoded at ingest, so this is a lowered limit after a restart or a transform's
                // bug. One request must not stop the pipeline, nor be lost, nor reach ClickHouse
                // without its transforms (the privacy guard among them): it goes to the dead-letter
                // folder, from where an operator can re-send it as it is.
                string file = _deadLetters.Write(record);
                _metrics.Refused(record.Signal, "dead_letter", 1);
                Log.RecordDeadLettered(_logger, reader.Position.ToString(), file, ex);
                batch.Clear();
            }

            if (pending.Records == 0)
            {
                // With no insert in flight, everything before this record is committed: it is the
                // oldest one not in ClickHouse.
                pending.Since = _time.GetUtcNow();
                pending.OldestReceivedUnixNano = record.ReceivedUnixNano;
                if (oldestIsMine)
                {
                    _state.SetOldestPending(record.ReceivedUnixNano);
                }
            }

            pending.Records++;
            if (batch.Count == 0)
            {
                pending.RejectedOnly++;
            }

            writers.Append(batch);
            pending.Position = reader.Position;
        }
    }

    /// <summary>Inserts every table of <paramref name="pending"/>, retrying until it succeeds, then moves the checkpoint past it.</summary>
    private async Task FlushAsync(PendingFlush pending, PendingFlush? next, CancellationToken cancellationToken)
    {
        var writers = pending.Writers;
        var done = new HashSet<string>(StringComparer.Ordinal);
        await _retry.ExecuteAsync(
            async token =>
            {
                foreach (var table in writers.NonEmpty)
                {
                    if (done.Contains(table.Table))
                    {
                        continue;
                    }

                    long started = Stopwatch.GetTimestamp();
                    await _client.InsertAsync(table, token).ConfigureAwait(false);
                    _metrics.Inserted(table.Table, table.Rows, Stopwatch.GetElapsedTime(started));
                    done.Add(table.Table);
                }
            },
            cancellationToken).ConfigureAwait(false);

        _state.ClickHouseSucceeded();
        _spool.Commit(pending.Position);
        _state.SetOldestPending(next is { Records: > 0 } ? next.OldestReceivedUnixNano : 0);
        writers.Clear();
        pending.Reset();
    }

    private async Task WaitForWorkAsync(SpoolPosition position, PendingFlush pending, Task? inflight, CancellationToken stoppingToken)
    {
        // With rows buffered, wake up when their batch is due even if nothing new arrives; with an
        // insert in flight, wake up when it ends.
        TimeSpan wait = pending.Records > 0 ? _batchTimeout - (_time.GetUtcNow() - pending.Since) : TimeSpan.FromSeconds(30);
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(wait);
        try
        {
            var data = _spool.WaitForDataAsync(position, timeout.Token);
            await (inflight is null ? data : Task.WhenAny(data, inflight)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One buffer of rows (a writer per table) and what of the spool they cover, not yet past the checkpoint.</summary>
    private sealed class PendingFlush : IDisposable
    {
        public TableWriterSet Writers { get; } = new();

        public int Records { get; set; }

        public int RejectedOnly { get; set; }

        public DateTimeOffset Since { get; set; }

        public ulong OldestReceivedUnixNano { get; set; }

        public SpoolPosition Position { get; set; }

        public void Reset()
        {
            Records = 0;
            RejectedOnly = 0;
            OldestReceivedUnixNano = 0;
        }

        public void Dispose() => Writers.Dispose();
    }
}
