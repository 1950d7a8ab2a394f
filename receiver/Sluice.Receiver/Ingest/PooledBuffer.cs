using System.Buffers;

namespace Sluice.Receiver.Ingest;

/// <summary>A growable byte buffer rented from the shared pool: one request body, returned when the request ends.</summary>
internal sealed class PooledBuffer : IDisposable
{
    private byte[] _array;

    public PooledBuffer(int initialCapacity)
    {
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    }

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Length);

    /// <summary>Free space at the end, at least <paramref name="sizeHint"/> bytes, growing the buffer when needed.</summary>
    public Memory<byte> GetFreeMemory(int sizeHint)
    {
        if (_array.Length - Length < sizeHint)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, Length + sizeHint));
            _array.AsSpan(0, Length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = larger;
        }

        return _array.AsMemory(Length);
    }

    public void Advance(int count) => Length += count;

    /// <summary>
    /// Reads <paramref name="source"/> to its end, or until more than <paramref name="limit"/> bytes
    /// arrived: returns false then, having read <paramref name="limit"/> + 1 bytes at most.
    /// </summary>
    public async Task<bool> ReadFromAsync(Stream source, long limit, CancellationToken cancellationToken)
    {
        int read;
        while ((read = await source.ReadAsync(Room(limit), cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (!Took(read, limit))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The same as <see cref="ReadFromAsync"/>, for a source that is in memory.</summary>
    public bool ReadFrom(Stream source, long limit)
    {
        int read;
        while ((read = source.Read(Room(limit).Span)) > 0)
        {
            if (!Took(read, limit))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Empties the buffer, keeping its array.</summary>
    public void Clear() => Length = 0;

    public void Dispose()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
            Length = 0;
        }
    }

    // Where the next read goes: at most 64 KiB, and never more than one byte past the limit.
    private Memory<byte> Room(long limit)
    {
        long room = limit + 1 - Length;
        var free = GetFreeMemory((int)Math.Min(room, 64 * 1024));
        return free.Length > room ? free[..(int)room] : free;
    }

    // Counts what a read put in the buffer; false once it holds more than the limit.
    private bool Took(int read, long limit)
    {
        Advance(read);
        return Length <= limit;
    }
}
