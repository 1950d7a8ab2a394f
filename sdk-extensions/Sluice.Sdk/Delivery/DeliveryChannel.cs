using System.IO.Compression;
using System.Threading.Channels;
using Polly;
using Polly.Retry;
using Sluice.Sdk.Diagnostics;
using Sluice.Sdk.Health;
using Sluice.Sdk.Offline;

namespace Sluice.Sdk.Delivery;

/// <summary>
/// One channel's delivery: parts coming out of the OTLP exporter are split to the request caps,
/// written to the offline store first, and sent oldest first by one background loop that
/// retries transient failures (Polly, exponential backoff with full jitter, Retry-After) and
/// deletes a file only once the receiver has acknowledged it. Writing first means a network
/// outage, an app restart or a hard kill (after the flush) loses nothing, and ordering holds.
/// If the disk refuses a part it is kept in memory (bounded) and sent from there.
/// </summary>
internal sealed class DeliveryChannel : IAsyncDisposable
{
    private const int MemoryFallbackParts = 64;

    private readonly ChannelOptions _options;
    private readonly OfflineStore _store;
    private readonly ChannelSender _sender;
    private readonly ResiliencePipeline<SendOutcome> _retry;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<CompressedPart> _memory = Channel.CreateBounded<CompressedPart>(new BoundedChannelOptions(MemoryFallbackParts) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private Task? _loop;

    public DeliveryChannel(ChannelOptions options, OfflineStore store, ChannelSender sender, TimeProvider time, Random random)
    {
        _options = options;
        _store = store;
        _sender = sender;
        var backoff = new Backoff(options.RetryBaseDelay, options.RetryMaxDelay, random);
        _retry = new ResiliencePipelineBuilder<SendOutcome> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<SendOutcome>
            {
                // Keep trying the oldest part until it goes or the app stops: the store bounds
                // what waits behind it.
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result.Result == SendResult.Transient),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(backoff.Next(args.AttemptNumber, args.Outcome.Result.RetryAfter)),
                OnRetry = args =>
                {
                    Counters.AddRetried();
                    SluiceEventSource.Log.TransientFailure(Name, args.Outcome.Result.Reason, (long)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public string Name => _options.Name;

    public ChannelOptions Options => _options;

    public ChannelCounters Counters { get; } = new();

    /// <summary>Parts waiting in memory because the disk refused them.</summary>
    public int MemoryBacklog => _memory.Reader.Count;

    public void Start() => _loop = Task.Run(SendLoopAsync);

    /// <summary>
    /// Takes one exporter batch (an uncompressed ExportLogsServiceRequest). Runs on the batch
    /// processor's thread, never an app thread; does no network I/O.
    /// </summary>
    public void Accept(ReadOnlySpan<byte> request)
    {
        List<CompressedPart> parts;
        try
        {
            parts = OtlpLogsSplitter.Split(request, _options.MaxEventsPerRequest, _options.MaxRequestBytes);
        }
        catch (FormatException ex)
        {
            // Our own exporter made it, so this is a bug; count rather than crash the pipeline.
            SluiceEventSource.Log.Unexpected("split", ex.Message);
            return;
        }

        foreach (var part in parts)
        {
            if (_store.TryWrite(Name, part.Gzip, part.Events))
            {
                Counters.AddPersisted(part.Events);
            }
            else if (!_memory.Writer.TryWrite(part))
            {
                Counters.AddDroppedQueueFull();
            }
        }

        try
        {
            _wake.Release();
        }
        catch (ObjectDisposedException)
        {
            // Stopped already (a flush after shutdown): the parts are on disk for the next run.
        }
    }

    /// <summary>Stops sending. What is not acknowledged stays in the store for the next run.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        // Parts only in memory (the disk refused them): one more try to keep them.
        while (_memory.Reader.TryRead(out var part))
        {
            _store.TryWrite(Name, part.Gzip, part.Events);
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    private async Task SendLoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (_memory.Reader.TryRead(out var inMemory))
                {
                    await DeliverAsync(inMemory.Gzip, inMemory.Events, token).ConfigureAwait(false);
                    continue;
                }

                if (_store.CountFor(Name) > 0)
                {
                    await DeliverStoredAsync(token).ConfigureAwait(false);
                    continue;
                }

                await _wake.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The loop must outlive any one bad part.
                SluiceEventSource.Log.Unexpected("send loop", ex.ToString());
            }
        }
    }

    /// <summary>
    /// One request from several stored parts. Concatenated protobuf messages of the same type
    /// are one message whose repeated fields are joined, so the parts are simply decompressed,
    /// laid end to end and compressed again. Falls back to the first part alone if the result
    /// would exceed the cap.
    /// </summary>
    internal static (byte[] Gzip, int Events, int Used) Coalesce(List<StoredPart> parts, int maxBytes)
    {
        if (parts.Count == 1)
        {
            return (parts[0].Gzip, parts[0].Events, 1);
        }

        using var joined = new MemoryStream();
        var events = 0;
        foreach (var part in parts)
        {
            using var input = new GZipStream(new MemoryStream(part.Gzip), CompressionMode.Decompress);
            input.CopyTo(joined);
            events += part.Events;
        }

        using var output = new MemoryStream((int)(joined.Length / 4) + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            joined.Position = 0;
            joined.CopyTo(gzip);
        }

        return output.Length <= maxBytes
            ? (output.ToArray(), events, parts.Count)
            : (parts[0].Gzip, parts[0].Events, 1);
    }

    /// <summary>
    /// Sends the oldest stored parts. Each attempt reads the store afresh, so after an outage
    /// the first request carries as many waiting parts as fit, not just the one that failed
    /// first; only the files of the attempt that succeeded (or failed for good) are deleted.
    /// </summary>
    private async Task DeliverStoredAsync(CancellationToken token)
    {
        var attempt = new StoredAttempt();
        var outcome = await _retry.ExecuteAsync(
            async (state, ct) =>
            {
                var (channel, current) = state;
                var stored = channel._store.TryReadOldest(channel.Name, channel._options.MaxEventsPerRequest, channel._options.MaxRequestBytes);
                if (stored.Count == 0)
                {
                    // Evicted or found corrupt meanwhile: nothing left to send.
                    current.Sequences.Clear();
                    current.Events = 0;
                    return SendOutcome.Success;
                }

                var (payload, events, used) = Coalesce(stored, channel._options.MaxRequestBytes);
                current.Events = events;
                current.Sequences.Clear();
                for (var i = 0; i < used; i++)
                {
                    current.Sequences.Add(stored[i].Sequence);
                }

                channel.Counters.AddRequest();
                return await channel._sender.SendAsync(payload, ct).ConfigureAwait(false);
            },
            (this, attempt),
            token).ConfigureAwait(false);

        Count(outcome, attempt.Events);
        foreach (var sequence in attempt.Sequences)
        {
            _store.Remove(sequence);
        }
    }

    private async Task DeliverAsync(byte[] gzip, int events, CancellationToken token)
    {
        var outcome = await _retry.ExecuteAsync(
            async (state, ct) =>
            {
                state.Counters.AddRequest();
                return await state._sender.SendAsync(gzip, ct).ConfigureAwait(false);
            },
            this,
            token).ConfigureAwait(false);

        Count(outcome, events);
    }

    private void Count(SendOutcome outcome, int events)
    {
        if (outcome.Result == SendResult.Success)
        {
            Counters.AddSent(events);
        }
        else
        {
            SluiceEventSource.Log.PermanentFailure(Name, outcome.Reason, events);
            Counters.AddPermanentFailure(events);
        }
    }

    /// <summary>What the latest attempt of a stored send carried.</summary>
    private sealed class StoredAttempt
    {
        public List<long> Sequences { get; } = [];

        public int Events { get; set; }
    }
}
