using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Sluice.Receiver.ClickHouse;

/// <summary>
/// One table's pending rows, encoded as ClickHouse <c>RowBinary</c> into a pooled, growing
/// buffer: the body of one <c>INSERT INTO Table (Columns) FORMAT RowBinary</c>. Writers append a
/// row's values in column order and then call <see cref="EndRow"/>.
/// </summary>
/// <remarks>
/// With <c>gzip</c> set, the rows are compressed as they come instead of as the insert is sent:
/// <see cref="Seal"/> moves the complete rows into the insert's gzip body, so the buffer holds
/// the rows since (up to a megabyte and one request's) and a batch costs its compressed size in
/// memory, 1/13 of its RowBinary for the bench's typical events, rather than the whole RowBinary
/// (up to 48 MiB a batch, and the exporter holds three batches at once).
/// </remarks>
internal sealed class TableBuffer : IDisposable
{
    private const int InitialCapacity = 64 * 1024;

    /// <summary>With gzip, rows stay uncompressed until there are this many bytes of them (or the insert).</summary>
    private const int SealBytes = 1024 * 1024;

    // Larger buffers are the GC's, not the shared pool's: an uncompressed batch's buffer grows through
    // 2, 4, 8, 16 MiB to its full size (up to 56 MiB), and the pool would keep every outgrown one resident for good.
    private const int MaxPooledCapacity = 1024 * 1024;

    private readonly MemoryStream? _compressed;
    private byte[] _buffer;
    private bool _pooled = true;
    private int _length;
    private long _sealedBytes;
    private GZipStream? _gzip;
    private bool _finished;

    public TableBuffer(string table, string columns, bool gzip = false)
    {
        Table = table;
        Columns = columns;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialCapacity);
        _compressed = gzip ? new MemoryStream(InitialCapacity) : null;
    }

    /// <summary>The size a buffer past 16 MiB grows to at once (the most a batch holds); 0 to keep doubling.</summary>
    public int LargeCapacity { get; set; }

    /// <summary>The table name, without database.</summary>
    public string Table { get; }

    /// <summary>The column list, in the order values are written, comma separated.</summary>
    public string Columns { get; }

    /// <summary>Complete rows, in <see cref="Data"/> and (with gzip) the compressed body.</summary>
    public int Rows { get; private set; }

    /// <summary>Encoded bytes in the buffer, not yet sealed: the offsets <see cref="Truncate"/> and <see cref="Repeat"/> take.</summary>
    public int Bytes => _length;

    /// <summary>RowBinary bytes of every pending row, sealed or not: what the batch bound counts.</summary>
    public long TotalBytes => _sealedBytes + _length;

    /// <summary>Whether rows are gzip-compressed as they come (see <see cref="Body"/>).</summary>
    public bool Gzip => _compressed is not null;

    /// <summary>The encoded rows not yet sealed (without gzip: all of them); valid until the next write or <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> Data => _buffer.AsMemory(0, _length);

    /// <summary>
    /// With gzip, moves the buffer's rows into the compressed body once they pass 1 MiB. Only at a
    /// row boundary, with no offset into the buffer still in use (the writers call it at the end
    /// of each batch they append).
    /// </summary>
    public void Seal()
    {
        if (_compressed is not null && _length >= SealBytes)
        {
            Compress();
        }
    }

    /// <summary>
    /// The insert's body: every row, gzip-compressed with <see cref="Gzip"/>, else <see cref="Data"/>.
    /// With gzip the first call seals what is left and ends the gzip stream; later calls (an insert
    /// retried) return the same bytes.
    /// </summary>
    public ReadOnlyMemory<byte> Body()
    {
        if (_compressed is null)
        {
            return Data;
        }

        if (!_finished)
        {
            if (_length > 0)
            {
                Compress();
            }

            _gzip?.Dispose();
            _gzip = null;
            _finished = true;
        }

        return _compressed.GetBuffer().AsMemory(0, (int)_compressed.Length);
    }

    /// <summary>Forgets every row, keeping the buffers.</summary>
    public void Clear()
    {
        _length = 0;
        Rows = 0;
        _sealedBytes = 0;
        _gzip?.Dispose();
        _gzip = null;
        _finished = false;
        _compressed?.SetLength(0);
    }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _length = 0;
        Rows = 0;
        _gzip?.Dispose();
        _gzip = null;
        _compressed?.Dispose();
        if (_pooled && buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Marks the values written since the last call as one row.</summary>
    public void EndRow() => Rows++;

    /// <summary>Drops bytes written after <paramref name="length"/>: undoes a row that failed half way.</summary>
    public void Truncate(int length) => _length = Math.Min(length, _length);

    public void WriteUInt8(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteInt32(int value)
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteUInt64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteFloat64(double value)
    {
        Ensure(8);
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    /// <summary>A <c>DateTime</c> (Unix seconds, UInt32) from Unix nanoseconds; clamped to the type's range (up to 2106).</summary>
    public void WriteDateTime(ulong unixNano) => WriteUInt32((uint)Math.Min(unixNano / 1_000_000_000UL, uint.MaxValue));

    /// <summary>A <c>FixedString(16)</c>, big-endian so that <c>hex(EventId)</c> reads as the number's hex.</summary>
    public void WriteFixedString16(UInt128 value)
    {
        Ensure(16);
        BinaryPrimitives.WriteUInt128BigEndian(_buffer.AsSpan(_length), value);
        _length += 16;
    }

    /// <summary>A <c>String</c>: LEB128 byte length, then UTF-8.</summary>
    public void WriteString(string value)
    {
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max < 128)
        {
            // Short strings (most of them): the length fits one byte, so encode first and fill it in after.
            Ensure(max + 1);
            int written = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length + 1));
            _buffer[_length] = (byte)written;
            _length += written + 1;
            return;
        }

        int count = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt((uint)count);
        Ensure(count);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    /// <summary>An <c>Array(String)</c>.</summary>
    public void WriteStringArray(ReadOnlySpan<string> values)
    {
        WriteVarUInt((uint)values.Length);
        foreach (string value in values)
        {
            WriteString(value);
        }
    }

    /// <summary>
    /// Appends a copy of <paramref name="length"/> bytes this buffer already holds from
    /// <paramref name="start"/>: a run of columns an earlier row encoded to the same bytes.
    /// </summary>
    public void Repeat(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + length, _length, nameof(length));
        Ensure(length);
        _buffer.AsSpan(start, length).CopyTo(_buffer.AsSpan(_length));
        _length += length;
    }

    /// <summary>An <c>Array(UInt64)</c>.</summary>
    public void WriteUInt64Array(List<ulong> values)
    {
        WriteVarUInt((uint)values.Count);
        foreach (ulong value in values)
        {
            WriteUInt64(value);
        }
    }

    /// <summary>An <c>Array(Float64)</c>.</summary>
    public void WriteFloat64Array(List<double> values)
    {
        WriteVarUInt((uint)values.Count);
        foreach (double value in values)
        {
            WriteFloat64(value);
        }
    }

    /// <summary>The LEB128 unsigned integer RowBinary uses for lengths and counts.</summary>
    public void WriteVarUInt(uint value)
    {
        Ensure(5);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_length++] = (byte)value;
    }

    // Moves the buffer's rows into the gzip body.
    private void Compress()
    {
        if (_finished)
        {
            throw new InvalidOperationException($"The {Table} body was already finished for its insert; clear it before appending more.");
        }

        _gzip ??= new GZipStream(_compressed!, CompressionLevel.Fastest, leaveOpen: true);
        _gzip.Write(_buffer, 0, _length);
        _sealedBytes += _length;
        _length = 0;
    }

    private void Ensure(int more)
    {
        if (_buffer.Length - _length >= more)
        {
            return;
        }

        // Doubling, except that past 16 MiB a buffer told how large its batches get goes straight to
        // that size: it is kept and reused for every batch, so it grows once, to what it needs, and
        // leaves no trail of outgrown large arrays for the GC (growing in small steps did: ~160 MiB
        // of garbage per buffer, which kept the process's RSS up).
        long wanted = _buffer.Length >= 16 * 1024 * 1024 && LargeCapacity > _buffer.Length
            ? Math.Max(LargeCapacity, (long)_length + more)
            : Math.Max((long)_buffer.Length * 2, (long)_length + more);
        if ((long)_length + more > Array.MaxLength)
        {
            throw new InvalidOperationException($"The {Table} buffer would pass {Array.MaxLength} bytes; insert it before appending more.");
        }

        int size = (int)Math.Min(wanted, Array.MaxLength);
        bool pooled = size <= MaxPooledCapacity;
        byte[] bigger = pooled ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        if (_pooled && _buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = bigger;
        _pooled = pooled;
    }
}
