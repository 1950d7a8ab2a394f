using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;

namespace Sluice.Receiver.Spool;

/// <summary>
/// Reads a spool's records in order, from a starting position up to what is durable. A record whose
/// length or CRC is wrong ends its segment (a torn tail after a crash, or outside damage): the reader
/// counts it and goes on with the next segment. Not thread-safe: one reader per spool.
/// </summary>
internal sealed class SpoolReader : IDisposable
{
    private readonly FileSpool _spool;
    private FileStream? _stream;
    private long _streamSegment = -1;
    private ushort _streamVersion;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);

    internal SpoolReader(FileSpool spool, SpoolPosition start)
    {
        _spool = spool;
        Position = start;
    }

    /// <summary>The position of the next record to read.</summary>
    public SpoolPosition Position { get; private set; }

    /// <summary>Records skipped because they were damaged.</summary>
    public long CorruptRecords { get; private set; }

    /// <summary>Segments that ended in a damaged record.</summary>
    public event Action<long, string>? Corruption;

    /// <summary>
    /// Reads the next durable record. Its payload is valid until the next call. Returns false when
    /// everything durable has been read. An attachment the record was appended with is disposed.
    /// </summary>
    public bool TryRead(out SpoolRecord record)
    {
        bool read = TryRead(out record, out IDisposable? attachment);
        attachment?.Dispose();
        return read;
    }

    /// <summary>
    /// Reads the next durable record, and what it was appended with in memory when this process
    /// appended it (see <see cref="FileSpool.AppendAsync"/>): the caller then owns that attachment.
    /// </summary>
    public bool TryRead(out SpoolRecord record, out IDisposable? attachment)
    {
        record = default;
        attachment = null;
        while (true)
        {
            SpoolPosition durable = _spool.DurablePosition;
            if (Position >= durable)
            {
                return false;
            }

            bool active = Position.Segment == durable.Segment;
            long end = active ? durable.Offset : long.MaxValue;
            if (!EnsureStream())
            {
                if (!MoveToNextSegment())
                {
                    return false;
                }

                continue;
            }

            long available = Math.Min(end, _stream!.Length) - Position.Offset;
            if (available <= 0)
            {
                if (active || !MoveToNextSegment())
                {
                    return false;
                }

                continue;
            }

            if (available < SpoolFormat.RecordPrefixSize)
            {
                Damaged("a truncated record header");
                continue;
            }

            _stream.Position = Position.Offset;
            Span<byte> prefix = stackalloc byte[SpoolFormat.RecordPrefixSize];
            _stream.ReadExactly(prefix);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(prefix[4..]);
            if (length > SpoolFormat.MaxBodySize || length + SpoolFormat.RecordPrefixSize > available)
            {
                Damaged("a record longer than what follows it");
                continue;
            }

            if (_buffer.Length < length)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = ArrayPool<byte>.Shared.Rent((int)length);
            }

            var body = _buffer.AsMemory(0, (int)length);
            _stream.ReadExactly(body.Span);
            if (Crc32.HashToUInt32(body.Span) != crc || !SpoolFormat.TryReadBody(body, _streamVersion, out record))
            {
                Damaged("a record whose checksum or fields are wrong");
                continue;
            }

            attachment = _spool.TakeAttachment(Position);
            Position = new SpoolPosition(Position.Segment, Position.Offset + SpoolFormat.RecordPrefixSize + length);
            return true;
        }
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private bool EnsureStream()
    {
        if (_stream is not null && _streamSegment == Position.Segment)
        {
            return true;
        }

        _stream?.Dispose();
        _stream = null;
        string path = _spool.SegmentPath(Position.Segment);
        try
        {
            _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        }
        catch (FileNotFoundException)
        {
            return false;
        }

        _streamSegment = Position.Segment;
        Span<byte> header = stackalloc byte[SpoolFormat.SegmentHeaderSize];
        if (_stream.Length < SpoolFormat.SegmentHeaderSize)
        {
            // A segment created just before a crash, before its header was durable.
            return false;
        }

        _stream.ReadExactly(header);
        ushort version = SpoolFormat.ReadSegmentHeader(header);
        if (version is < SpoolFormat.OldestReadable or > SpoolFormat.Version)
        {
            Corruption?.Invoke(Position.Segment, version == 0 ? "not a spool segment" : $"unknown spool format version {version}");
            CorruptRecords++;
            return false;
        }

        _streamVersion = version;
        if (Position.Offset < SpoolFormat.SegmentHeaderSize)
        {
            Position = new SpoolPosition(Position.Segment, SpoolFormat.SegmentHeaderSize);
        }

        return true;
    }

    private void Damaged(string what)
    {
        CorruptRecords++;
        Corruption?.Invoke(Position.Segment, $"{what} at offset {Position.Offset}");
        if (_spool.IsActive(Position.Segment))
        {
            // Cannot happen for durable data of the live segment; stop rather than skip live data.
            Position = _spool.DurablePosition;
            return;
        }

        MoveToNextSegment();
    }

    private bool MoveToNextSegment()
    {
        long next = _spool.NextSegment(Position.Segment);
        if (next < 0)
        {
            return false;
        }

        Position = new SpoolPosition(next, SpoolFormat.SegmentHeaderSize);
        return true;
    }
}
