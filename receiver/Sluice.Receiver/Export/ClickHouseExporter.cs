using System.Diagnostics;
using Polly;
using Polly.Retry;
using Sluice.Receiver.ClickHouse;
using Sluice.Receiver.Configuration;
using Sluice.Receiver.Health;
using Sluice.Receiver.Ingest;
using Sluice.Receiver.Otlp;
using Sluice.Receiver.Spool;
using Sluice.Receiver.Telemetry;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Export;

/// <summary>
/// Drains the spool into ClickHouse: reads records in order, decodes them again unless the ingest
/// handed them over decoded (<see cref="DecodedRequests"/>; the same decoder and limits either way,
/// so the same items with the same event ids), runs the transforms, appends
/// rows to one RowBinary buffer per table, and inserts every table's buffer once it holds
/// <c>send_batch_size</c> rows or its oldest row waited <c>timeout</c>. Only when every table's insert
/// succeeded does the spool's checkpoint move past those records. Inserts that fail are retried with
/// exponential backoff and jitter until they succeed: meanwhile the spool absorbs new requests.
/// </summary>
internal sealed class ClickHouseExporter : BackgroundService
{
    private static readonly TimeSpan ShutdownFlushBudget = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A batch is inserted at send_batch_size rows or at this many bytes of RowBinary, whichever
    /// comes first, compressed or not. ClickHouse takes rows for the least CPU in inserts of about
    /// this size: with its allocator keeping freed pages, 18.16 took typical rows (~1 KB) at
    /// 12.1-14.4 CPU-s per million in inserts of 50 000 (48 MiB) and at 19.2-23.1 in inserts of
    /// 100 000 (96 MiB) on the bench's 2-core VM (bench/README.md, 2026-12-02). It also bounds what
    /// the exporter holds, num_consumers batches in flight plus one filling, whatever the events' size:
    /// uncompressed, a batch holds its RowBinary; with gzip its compressed body (~1/13).
    /// </summary>
    internal const long MaxBatchBytes = 48L * 1024 * 1024;

    private readonly FileSpool _spool;
    private readonly ClickHouseClient _client;
    private readonly ReceiverMetrics _metrics;
    private readonly ReceiverState _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DecodeLimits _limits;
    private readonly int _batchSize;
    private readonly int _consumers;
    private readonly long _maxRecordBytes;
    private readonly TimeSpan _batchTimeout;
    private readonly bool _createSchema;
    private readonly ResiliencePipeline _retry;
    private readonly ProcessorPipelines _pipelines;
    private readonly DeadLetters _deadLetters;
    private readonly PooledBuffer _decompressed = new(64 * 1024);

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
        _limits = IngestPipeline.DecodeLimitsFrom(config.Otlp);
        _batchSize = config.Batch.SendBatchSize;
        _consumers = config.ClickHouse.NumConsumers;
        _maxRecordBytes = config.Otlp.MaxDecompressedBytes;
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

    public override void Dispose()
    {
        _decompressed.Dispose();
        base.Dispose();
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
        // Buffers enough for `sending_queue.num_consumers` inserts in flight while the next batch is
        // decoded and encoded. Inserts run concurrently (ClickHouse takes two at once faster than one
        // after the other), but each batch's checkpoint moves only after every older batch's did:
        // completions are taken in spool order, so a crash never skips an unsent batch.
        var buffers = new List<PendingFlush>();
        var free = new Stack<PendingFlush>();
        for (int i = 0; i <= _consumers; i++)
        {
            var buffer = new PendingFlush(_client.Gzip);

            // A batch stops taking records at its byte bound, so it ends at most one request (at most
            // max_decompressed_size, 8 MiB by default; ~1 MiB typically) past it. With gzip the
            // buffers hold a megabyte and one request at most, and grow only as far as that needs.
            if (!_client.Gzip)
            {
                buffer.Writers.ExpectUpTo((int)(MaxBatchBytes + Math.Min(_maxRecordBytes, 16L * 1024 * 1024)));
            }

            buffers.Add(buffer);
            free.Push(buffer);
        }

        var inflight = new Queue<(PendingFlush Pending, Task Insert)>();
        var filling = free.Pop();
        var batch = new TelemetryBatch();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Drain(reader, batch, filling, oldestIsMine: inflight.Count == 0);
                if (filling.Records > 0 && (Full(filling.Writers) || _time.GetUtcNow() - filling.Since >= _batchTimeout || filling.Records == filling.RejectedOnly))
                {
                    if (inflight.Count == _consumers)
                    {
                        await CompleteOldestAsync(inflight, filling, free).ConfigureAwait(false);
                    }

                    inflight.Enqueue((filling, InsertAsync(filling, stoppingToken)));
                    filling = free.Pop();
                    continue;
                }

                while (inflight.Count > 0 && inflight.Peek().Insert.IsCompleted)
                {
                    await CompleteOldestAsync(inflight, filling, free).ConfigureAwait(false);
                }

                await WaitForWorkAsync(reader.Position, filling, inflight.Count > 0 ? inflight.Peek().Insert : null, stoppingToken).ConfigureAwait(false);
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
            while (inflight.Count > 0)
            {
                var (pending, insert) = inflight.Dequeue();
                try
                {
                    await insert.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Cancelled with the service: its rows are still in its buffer; the tables it
                    // already inserted are remembered, the rest go now.
                    await InsertAsync(pending, budget.Token).ConfigureAwait(false);
                }

                Commit(pending, inflight.Count > 0 ? inflight.Peek().Pending : filling);
            }

            if (filling.Records > 0)
            {
                await InsertAsync(filling, budget.Token).ConfigureAwait(false);
                Commit(filling, null);
            }
        }
        catch (OperationCanceledException)
        {
            Log.ShutdownFlushAbandoned(_logger, buffers.Sum(b => b.Writers.PendingRows));
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                buffer.Dispose();
            }
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
    private void Drain(SpoolReader reader, TelemetryBatch own, PendingFlush pending, bool oldestIsMine)
    {
        var writers = pending.Writers;
        while (!Full(writers) && reader.TryRead(out var record, out IDisposable? attachment))
        {
            // A request the ingest decoded (in this process, with the same limits) is not decoded
            // again; it goes back to the ingest's pool once its rows are appended.
            using IDisposable? held = attachment;
            var decoded = attachment as DecodedRequest;
            var batch = decoded?.Batch ?? own;
            _metrics.Exported(decodedAtIngest: decoded is not null);
            try
            {
                if (decoded is null)
                {
                    batch.Clear();
                    batch.Product = record.Product;
                    batch.ReceivedUnixNano = record.ReceivedUnixNano;
                    batch.ClientSentUnixNano = record.ClientSentUnixNano;
                    OtlpDecoder.Decode(record.Signal, record.Encoding, Decompressed(record).Span, batch, _limits);
                }

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

    /// <summary>The record's OTLP request, decompressed (into a buffer reused for every record) when the spool kept it compressed.</summary>
    private ReadOnlyMemory<byte> Decompressed(in SpoolRecord record)
    {
        if (record.Compression == PayloadCompression.None)
        {
            return record.Payload;
        }

        _decompressed.Clear();
        using Stream decompressor = ReadOnlyMemoryStream.Decompressing(record.Payload, record.Compression);
        if (!_decompressed.ReadFrom(decompressor, _maxRecordBytes))
        {
            // It fitted at ingest: the limit was lowered since (the record goes to the dead letters).
            throw new OtlpLimitException($"the request decompresses to more than {_maxRecordBytes} bytes (receivers.otlp.limits.max_decompressed_size)");
        }

        return _decompressed.Memory;
    }

    private bool Full(TableWriterSet writers) => IsFull(writers, _batchSize);

    /// <summary>Whether <paramref name="writers"/> hold a batch to insert: <paramref name="batchSize"/> rows or <see cref="MaxBatchBytes"/>.</summary>
    internal static bool IsFull(TableWriterSet writers, int batchSize) => writers.PendingRows >= batchSize || writers.PendingBytes >= MaxBatchBytes;

    /// <summary>Inserts every table of <paramref name="pending"/> not inserted yet, retrying until it succeeds.</summary>
    private async Task InsertAsync(PendingFlush pending, CancellationToken cancellationToken)
    {
        var writers = pending.Writers;
        await _retry.ExecuteAsync(
            async token =>
            {
                foreach (var table in writers.NonEmpty)
                {
                    if (pending.Inserted.Contains(table.Table))
                    {
                        continue;
                    }

                    long started = Stopwatch.GetTimestamp();
                    await _client.InsertAsync(table, token).ConfigureAwait(false);
                    _metrics.Inserted(table.Table, table.Rows, Stopwatch.GetElapsedTime(started));
                    pending.Inserted.Add(table.Table);
                }
            },
            cancellationToken).ConfigureAwait(false);
        _state.ClickHouseSucceeded();
    }

    /// <summary>Waits for the oldest insert in flight, moves the checkpoint past it and frees its buffer.</summary>
    private async Task CompleteOldestAsync(Queue<(PendingFlush Pending, Task Insert)> inflight, PendingFlush filling, Stack<PendingFlush> free)
    {
        var (pending, insert) = inflight.Peek();
        await insert.ConfigureAwait(false);
        inflight.Dequeue();
        Commit(pending, inflight.Count > 0 ? inflight.Peek().Pending : filling);
        free.Push(pending);
    }

    /// <summary>Moves the checkpoint past <paramref name="pending"/> (inserted, and every older batch too) and empties it.</summary>
    private void Commit(PendingFlush pending, PendingFlush? next)
    {
        _spool.Commit(pending.Position);
        _state.SetOldestPending(next is { Records: > 0 } ? next.OldestReceivedUnixNano : 0);
        pending.Writers.Clear();
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
    private sealed class PendingFlush(bool gzip) : IDisposable
    {
        public TableWriterSet Writers { get; } = new(gzip);

        public int Records { get; set; }

        public int RejectedOnly { get; set; }

        public DateTimeOffset Since { get; set; }

        public ulong OldestReceivedUnixNano { get; set; }

        public SpoolPosition Position { get; set; }

        /// <summary>Tables of this batch already in ClickHouse: a retry after a partial failure or a stop sends only the rest.</summary>
        public HashSet<string> Inserted { get; } = new(StringComparer.Ordinal);

        public void Reset()
        {
            Inserted.Clear();
            Records = 0;
            RejectedOnly = 0;
            OldestReceivedUnixNano = 0;
        }

        public void Dispose() => Writers.Dispose();
    }
}
