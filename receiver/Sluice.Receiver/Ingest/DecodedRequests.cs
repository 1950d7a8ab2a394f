using System.Collections.Concurrent;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Ingest;

/// <summary>
/// Requests the ingest decoded in full, handed to the exporter in memory with their spool record
/// (<see cref="Spool.FileSpool.AppendAsync"/>), so that a request is decoded once, not once to
/// check it and again to export it. The records stay the source of truth: after a restart, or for a
/// request that found no room here, the exporter decodes the spooled bytes as before, with the same
/// decoder and limits, to the same items.
/// </summary>
/// <remarks>
/// Bounded by the decoded requests' payload bytes. Past the bound (the exporter is behind, and
/// would reach these requests only after a while) the ingest goes back to checking without
/// keeping anything, so memory does not grow with the spool's backlog.
/// </remarks>
internal sealed class DecodedRequests
{
    /// <summary>
    /// The default bound: ~20 typical requests of 1 000 events (~780 KiB each) in hand, whose
    /// decoded items take about as much memory again. Enough while the exporter keeps up; a larger
    /// one mostly buys memory (the items live long enough to reach the GC's oldest generation).
    /// </summary>
    public const long DefaultMaxPayloadBytes = 16L * 1024 * 1024;

    private readonly ConcurrentBag<TelemetryBatch> _batches = [];
    private readonly int _maxPooled = Math.Max(8, Environment.ProcessorCount * 4);
    private readonly long _maxPayloadBytes;
    private long _heldBytes;
    private long _handedOver;

    public DecodedRequests(long maxPayloadBytes = DefaultMaxPayloadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxPayloadBytes);
        _maxPayloadBytes = maxPayloadBytes;
    }

    /// <summary>Payload bytes of the decoded requests handed over and not yet released.</summary>
    public long HeldBytes => Interlocked.Read(ref _heldBytes);

    /// <summary>Requests handed over since the start.</summary>
    public long HandedOver => Interlocked.Read(ref _handedOver);

    /// <summary>A batch to decode into, from the pool (its records are reused: see <see cref="TelemetryBatch.NewLog"/>).</summary>
    public TelemetryBatch Rent() => _batches.TryTake(out var batch) ? batch : new TelemetryBatch();

    /// <summary>Clears <paramref name="batch"/> and keeps it for the next request, up to the pool's size.</summary>
    public void Return(TelemetryBatch batch)
    {
        batch.Clear();
        if (_batches.Count < _maxPooled)
        {
            _batches.Add(batch);
        }
    }

    /// <summary>
    /// Reserves room for a decoded request of <paramref name="payloadBytes"/>; false when it would
    /// go past the bound. A reservation ends with the <see cref="DecodedRequest"/> made by
    /// <see cref="Hand"/>, or with <see cref="Unreserve"/>.
    /// </summary>
    public bool TryReserve(int payloadBytes)
    {
        if (Interlocked.Add(ref _heldBytes, payloadBytes) <= _maxPayloadBytes)
        {
            return true;
        }

        Interlocked.Add(ref _heldBytes, -payloadBytes);
        return false;
    }

    public void Unreserve(int payloadBytes) => Interlocked.Add(ref _heldBytes, -payloadBytes);

    /// <summary>Wraps a reserved, decoded <paramref name="batch"/> for the spool to carry to the exporter.</summary>
    public DecodedRequest Hand(TelemetryBatch batch, int payloadBytes)
    {
        Interlocked.Increment(ref _handedOver);
        return new DecodedRequest(this, batch, payloadBytes);
    }

    internal void Release(TelemetryBatch batch, int payloadBytes)
    {
        Return(batch);
        Unreserve(payloadBytes);
    }
}

/// <summary>One request decoded at ingest, on its way to the exporter; disposing it gives its batch back.</summary>
internal sealed class DecodedRequest : IDisposable
{
    private readonly DecodedRequests _owner;
    private readonly int _payloadBytes;
    private TelemetryBatch? _batch;

    internal DecodedRequest(DecodedRequests owner, TelemetryBatch batch, int payloadBytes)
    {
        _owner = owner;
        _batch = batch;
        _payloadBytes = payloadBytes;
    }

    /// <summary>The request's items, decoded with the same limits the exporter uses, before any transform.</summary>
    public TelemetryBatch Batch => _batch ?? throw new ObjectDisposedException(nameof(DecodedRequest));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _batch, null) is { } batch)
        {
            _owner.Release(batch, _payloadBytes);
        }
    }
}
