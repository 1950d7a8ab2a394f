using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;

namespace Sluice.Receiver.Spool;

/// <summary>
/// The receiver's write-ahead log: accepted requests are appended to segment files and
/// acknowledged only once fsync returns. Appends that arrive together share one write and one
/// fsync (group commit). One reader drains it in order; <see cref="Commit"/> records how far the
/// reader's data is safely in ClickHouse, and whole segments behind that point are deleted.
/// After a crash, reading starts again at the last commit, so rows may be written twice
/// (storage deduplicates on the event id) but never lost.
/// </summary>
internal sealed class FileSpool : IAsyncDisposable
{
    private const string CheckpointFileName = "checkpoint";
    private const int MaxGroupBytes = 8 * 1024 * 1024;

    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly long _pushbackBytes;
    private readonly bool _fsync;
    private readonly ILogger _logger;
    private readonly Channel<PendingAppend> _appends = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writerLoop;
    private readonly Lock _lock = new();

    // Attachments of durable records not read yet, in spool order (see AppendAsync).
    private readonly ConcurrentQueue<(SpoolPosition Position, IDisposable Attachment)> _attachments = new();

    // Segment id -> its size on disk; guarded by _lock.
    private readonly SortedDictionary<long, long> _segments = [];
    private long _totalBytes;
    private long _pendingBytes;
    private long _groupCommits;
    private SpoolPosition _durable;
    private SpoolPosition _committed;
    private TaskCompletionSource _dataAvailable = NewSignal();

    private FileStream? _active;
    private long _activeSegment;

    private FileSpool(string directory, long maxBytes, long segmentBytes, int pushbackPercent, bool fsync, ILogger logger)
    {
        _directory = directory;
        _maxBytes = maxBytes;
        _segmentBytes = segmentBytes;
        _pushbackBytes = maxBytes * pushbackPercent / 100;
        _fsync = fsync;
        _logger = logger;
        _writerLoop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Bytes of all segments on disk, read or not.</summary>
    public long SizeBytes => Interlocked.Read(ref _totalBytes);

    /// <summary>How many group commits (one write and one fsync each) have been made.</summary>
    public long GroupCommits => Interlocked.Read(ref _groupCommits);

    /// <summary>The configured cap.</summary>
    public long MaxBytes => _maxBytes;

    /// <summary>Whether new requests are being refused because the spool is near its cap.</summary>
    public bool IsAbovePushback => SizeBytes + Interlocked.Read(ref _pendingBytes) >= _pushbackBytes;

    /// <summary>The position up to which records are durable (readable).</summary>
    public SpoolPosition DurablePosition
    {
        get
        {
            lock (_lock)
            {
                return _durable;
            }
        }
    }

    /// <summary>The position the reader last committed.</summary>
    public SpoolPosition CommittedPosition
    {
        get
        {
            lock (_lock)
            {
                return _committed;
            }
        }
    }

    public string Directory => _directory;

    /// <summary>Opens (or creates) the spool in <paramref name="directory"/>; appends go to a new segment.</summary>
    public static FileSpool Open(string directory, long maxBytes, long segmentBytes, int pushbackPercent, bool fsync, ILogger logger)
    {
        System.IO.Directory.CreateDirectory(directory);
        var spool = new FileSpool(directory, maxBytes, segmentBytes, pushbackPercent, fsync, logger);
        spool.Recover();
        return spool;
    }

    /// <summary>
    /// Appends <paramref name="record"/> and completes once it is on disk (fsync). Throws
    /// <see cref="SpoolFullException"/> when the spool is above its push-back mark, and
    /// <see cref="IOException"/> when the disk refused the write: in both cases nothing was acknowledged.
    /// The caller must keep <see cref="SpoolRecord.Payload"/> alive until the task completes.
    /// </summary>
    /// <param name="record">The record.</param>
    /// <param name="attachment">
    /// What the process already made of the record, kept in memory and handed to the reader with the
    /// record (<see cref="SpoolReader.TryRead(out SpoolRecord, out IDisposable?)"/>) so that it need
    /// not be made again. Never written to disk: after a restart the reader gets the record alone. The
    /// spool owns it from this call on, and disposes it when it fails or when no reader takes it.
    /// </param>
    public Task AppendAsync(in SpoolRecord record, IDisposable? attachment = null)
    {
        int size = SpoolFormat.RecordSize(record);
        if (SizeBytes + Interlocked.Read(ref _pendingBytes) + size > _pushbackBytes)
        {
            attachment?.Dispose();
            throw new SpoolFullException(
                string.Create(CultureInfo.InvariantCulture, $"The receiver's spool holds {SizeBytes / 1048576.0:0.0} MiB and is at its push-back mark ({_pushbackBytes / 1048576.0:0.0} of its {_maxBytes / 1048576.0:0.0} MiB cap, extensions.file_storage.max_size_mib / pushback_percent): ClickHouse is behind. Retry later."),
                TimeSpan.FromSeconds(5));
        }

        var pending = new PendingAppend(record, size, attachment);
        Interlocked.Add(ref _pendingBytes, size);
        if (!_appends.Writer.TryWrite(pending))
        {
            Interlocked.Add(ref _pendingBytes, -size);
            attachment?.Dispose();
            throw new ObjectDisposedException(nameof(FileSpool), "The spool is closed: the receiver is shutting down.");
        }

        return pending.Completion.Task;
    }

    /// <summary>Opens a reader at the last committed position.</summary>
    public SpoolReader OpenReader() => new(this, CommittedPosition);

    /// <summary>
    /// Records that everything before <paramref name="position"/> is safely stored downstream:
    /// writes the checkpoint (atomically, fsync'd) and deletes segments wholly before it.
    /// </summary>
    public void Commit(SpoolPosition position)
    {
        string path = Path.Combine(_directory, CheckpointFileName);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 64, FileOptions.None))
        {
            Span<byte> buffer = stackalloc byte[20];
            BinaryPrimitives.WriteUInt32LittleEndian(buffer, 0x4B434C53); // "SLCK"
            BinaryPrimitives.WriteInt64LittleEndian(buffer[4..], position.Segment);
            BinaryPrimitives.WriteInt64LittleEndian(buffer[12..], position.Offset);
            stream.Write(buffer);
            stream.Flush(_fsync);
        }

        File.Move(temp, path, overwrite: true);
        if (_fsync)
        {
            DirectorySync.Fsync(_directory);
        }

        List<long> deletable = [];
        lock (_lock)
        {
            _committed = position;
            foreach (var (segment, _) in _segments)
            {
                if (segment < position.Segment && segment != _activeSegment)
                {
                    deletable.Add(segment);
                }
            }
        }

        foreach (long segment in deletable)
        {
            try
            {
                File.Delete(SegmentPath(segment));
            }
            catch (IOException ex)
            {
                Log.SegmentDeleteFailed(_logger, segment, ex);
                continue;
            }

            lock (_lock)
            {
                if (_segments.Remove(segment, out long size))
                {
                    _totalBytes -= size;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _appends.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
        while (_attachments.TryDequeue(out var left))
        {
            left.Attachment.Dispose();
        }

        if (_active is not null)
        {
            await _active.DisposeAsync().ConfigureAwait(false);
            _active = null;
        }

        SignalData();
    }

    internal string SegmentPath(long segment) => Path.Combine(_directory, SpoolFormat.SegmentFileName(segment));

    /// <summary>The first segment after <paramref name="segment"/>, or -1.</summary>
    internal long NextSegment(long segment)
    {
        lock (_lock)
        {
            foreach (long s in _segments.Keys)
            {
                if (s > segment)
                {
                    return s;
                }
            }

            return -1;
        }
    }

    /// <summary>Whether <paramref name="segment"/> is the one being appended to (its end is not final).</summary>
    internal bool IsActive(long segment)
    {
        lock (_lock)
        {
            return segment == _activeSegment && _active is not null;
        }
    }

    /// <summary>Completes when records past <paramref name="position"/> become durable, or the token fires.</summary>
    internal Task WaitForDataAsync(SpoolPosition position, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_lock)
        {
            if (_durable > position)
            {
                return Task.CompletedTask;
            }

            signal = _dataAvailable.Task;
        }

        return signal.WaitAsync(cancellationToken);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void SignalData()
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            signal = _dataAvailable;
            _dataAvailable = NewSignal();
        }

        signal.TrySetResult();
    }

    private void Recover()
    {
        foreach (string file in System.IO.Directory.EnumerateFiles(_directory, "segment-*.spool"))
        {
            if (SpoolFormat.TryParseSegmentFileName(Path.GetFileName(file), out long segment))
            {
                long size = new FileInfo(file).Length;
                _segments[segment] = size;
                _totalBytes += size;
            }
        }

        _committed = ReadCheckpoint();
        long last = _segments.Count == 0 ? 0 : _segments.Keys.Max();
        if (_committed.Segment > last)
        {
            last = _committed.Segment;
        }

        // Never append to a segment a crash may have left with a torn tail: start a new one.
        OpenSegment(last + 1);
        if (_committed.Segment == 0 || !_segments.ContainsKey(_committed.Segment))
        {
            long first = _segments.Keys.First(s => s >= _committed.Segment);
            _committed = new SpoolPosition(first, SpoolFormat.SegmentHeaderSize);
        }

        _durable = new SpoolPosition(_activeSegment, SpoolFormat.SegmentHeaderSize);
        Log.Opened(_logger, _directory, _segments.Count, _totalBytes, _committed);
    }

    private SpoolPosition ReadCheckpoint()
    {
        string path = Path.Combine(_directory, CheckpointFileName);
        if (!File.Exists(path))
        {
            return default;
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length != 20 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != 0x4B434C53)
        {
            // The checkpoint is written by rename, so this means outside damage: replaying
            // everything is safe (storage deduplicates), skipping anything is not.
            Log.CheckpointUnreadable(_logger, path);
            return default;
        }

        return new SpoolPosition(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(4)), BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12)));
    }

    private void OpenSegment(long segment)
    {
        string path = SegmentPath(segment);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.None);
        Span<byte> header = stackalloc byte[SpoolFormat.SegmentHeaderSize];
        SpoolFormat.WriteSegmentHeader(header);
        stream.Write(header);
        stream.Flush(_fsync);
        if (_fsync)
        {
            DirectorySync.Fsync(_directory);
        }

        lock (_lock)
        {
            _active = stream;
            _activeSegment = segment;
            _segments[segment] = SpoolFormat.SegmentHeaderSize;
            _totalBytes += SpoolFormat.SegmentHeaderSize;
        }
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<PendingAppend>(256);
        var reader = _appends.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            long groupBytes = 0;
            while (groupBytes < MaxGroupBytes && reader.TryRead(out var pending))
            {
                group.Add(pending);
                groupBytes += pending.Size;
            }

            try
            {
                WriteGroup(group);
                foreach (var pending in group)
                {
                    pending.Completion.TrySetResult();
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.WriteFailed(_logger, group.Count, ex);
                foreach (var pending in group)
                {
                    pending.DisposeAttachment();
                    pending.Completion.TrySetException(new IOException("The receiver could not write the request to its spool; nothing was acknowledged. Retry later.", ex));
                }

                TryRollAfterFailure();
            }
            finally
            {
                Interlocked.Add(ref _pendingBytes, -groupBytes);
            }

            SignalData();
        }
    }

    private void WriteGroup(List<PendingAppend> group)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            if (_active is null)
            {
                OpenSegment(_activeSegment + 1);
            }

            foreach (var pending in group)
            {
                if (_active!.Position > SpoolFormat.SegmentHeaderSize && _active.Position + pending.Size > _segmentBytes)
                {
                    // The records before this one become readable with the roll: their attachments first.
                    Publish(group);
                    RollSegment();
                }

                if (buffer.Length < pending.Size)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(pending.Size);
                }

                SpoolFormat.WriteRecord(pending.Record, buffer.AsSpan(0, pending.Size));
                pending.Position = new SpoolPosition(_activeSegment, _active!.Position);
                _active!.Write(buffer, 0, pending.Size);
            }

            _active!.Flush(_fsync);
            Publish(group);
            Interlocked.Increment(ref _groupCommits);
            long length = _active.Position;
            lock (_lock)
            {
                long previous = _segments[_activeSegment];
                _segments[_activeSegment] = length;
                _totalBytes += length - previous;
                _durable = new SpoolPosition(_activeSegment, length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Queues the attachments of the records of <paramref name="group"/> written so far, in spool order, for the reader.</summary>
    private void Publish(List<PendingAppend> group)
    {
        foreach (var pending in group)
        {
            if (pending.Position is { } position && pending.TakeAttachment() is { } attachment)
            {
                _attachments.Enqueue((position, attachment));
            }
        }
    }

    /// <summary>
    /// The attachment of the record at <paramref name="position"/>, if it has one; attachments of
    /// records before it, which the reader passed without taking (damaged, or read before they were
    /// queued), are disposed. Called by the one reader, in spool order.
    /// </summary>
    internal IDisposable? TakeAttachment(SpoolPosition position)
    {
        while (_attachments.TryPeek(out var head) && head.Position <= position)
        {
            _attachments.TryDequeue(out _);
            if (head.Position == position)
            {
                return head.Attachment;
            }

            head.Attachment.Dispose();
        }

        return null;
    }

    private void RollSegment()
    {
        var old = _active!;
        old.Flush(_fsync);
        long length = old.Position;
        lock (_lock)
        {
            long previous = _segments[_activeSegment];
            _segments[_activeSegment] = length;
            _totalBytes += length - previous;
            _durable = new SpoolPosition(_activeSegment, length);
        }

        old.Dispose();
        OpenSegment(_activeSegment + 1);
    }

    private void TryRollAfterFailure()
    {
        try
        {
            // What follows the last fsync may be a torn record; readers skip to the next segment.
            _active?.Dispose();
            lock (_lock)
            {
                _active = null;
            }

            OpenSegment(_activeSegment + 1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.WriteFailed(_logger, 0, ex);
        }
    }

    private sealed class PendingAppend(SpoolRecord record, int size, IDisposable? attachment)
    {
        private IDisposable? _attachment = attachment;

        public SpoolRecord Record { get; } = record;

        public int Size { get; } = size;

        /// <summary>Where the record was written; null until it is.</summary>
        public SpoolPosition? Position { get; set; }

        public IDisposable? TakeAttachment() => Interlocked.Exchange(ref _attachment, null);

        public void DisposeAttachment() => TakeAttachment()?.Dispose();

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
