using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using Sluice.Sdk.Diagnostics;
using Sluice.Sdk.Health;

namespace Sluice.Sdk.Offline;

/// <summary>
/// Files of events waiting to be sent: a folder per channel under one root, one file per
/// request-sized part (already privacy-filtered and gzip-compressed, ready to send). All
/// channels share one budget of bytes, files and age; when a write would exceed it the oldest
/// files (of any channel) are evicted first and counted. File order is a sequence number kept
/// in the name, not the clock, so a clock set back or forward never reorders delivery. A
/// corrupt or truncated file is deleted and counted, never fatal.
/// </summary>
/// <remarks>
/// File format, version 1 (little endian): "SLOB", UInt16 version, UInt16 reserved, Int64
/// created (Unix ms, informative and for age), Int32 event count, Int32 payload length, UInt32
/// CRC-32 of the payload, then the payload (a gzip-compressed OTLP ExportLogsServiceRequest).
/// Files are written under a temporary name and renamed, so a kill mid-write leaves no
/// half-file under a real name.
/// </remarks>
internal sealed class OfflineStore
{
    public const string Extension = ".slob";
    private const string TempExtension = ".tmp";
    private const int HeaderSize = 28;
    private const ushort FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "SLOB"u8;

    private readonly string _root;
    private readonly OfflineStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    // Every stored file by sequence number (oldest first); guarded by _lock.
    private readonly SortedDictionary<long, StoredFile> _files = [];
    private readonly Dictionary<string, int> _perChannel = new(StringComparer.Ordinal);
    private long _totalBytes;
    private long _nextSequence = 1;

    /// <summary>Counters of the store itself (evictions, corrupt files, write failures).</summary>
    public StoreCounters Counters { get; } = new();

    /// <summary>Seam for tests: opens a file for writing (a full disk throws from here or from the write).</summary>
    internal Func<string, Stream> OpenWrite { get; set; } = static path => new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None);

    public OfflineStore(string root, OfflineStoreOptions options, TimeProvider time)
    {
        _root = root;
        _options = options;
        _time = time;
    }

    public long TotalBytes
    {
        get
        {
            lock (_lock)
            {
                return _totalBytes;
            }
        }
    }

    public int FileCount
    {
        get
        {
            lock (_lock)
            {
                return _files.Count;
            }
        }
    }

    /// <summary>Scans the root for files left by earlier runs; unreadable headers are deleted and counted.</summary>
    public void Open(IEnumerable<string> channels)
    {
        Directory.CreateDirectory(_root);
        foreach (var channel in channels)
        {
            var folder = Path.Combine(_root, channel);
            Directory.CreateDirectory(folder);
            foreach (var path in Directory.EnumerateFiles(folder))
            {
                if (path.EndsWith(TempExtension, StringComparison.Ordinal))
                {
                    // A write that never finished.
                    TryDelete(path);
                    continue;
                }

                if (!TryParseSequence(path, out var sequence))
                {
                    continue;
                }

                var header = TryReadHeader(path);
                lock (_lock)
                {
                    if (header is null)
                    {
                        Counters.AddCorrupt();
                        TryDelete(path);
                        continue;
                    }

                    AddLocked(new StoredFile(channel, path, sequence, header.Value.Bytes, header.Value.Events, header.Value.CreatedMs));
                    _nextSequence = Math.Max(_nextSequence, sequence + 1);
                }
            }
        }

        lock (_lock)
        {
            EvictLocked(0);
        }
    }

    /// <summary>Number of files waiting for a channel.</summary>
    public int CountFor(string channel)
    {
        lock (_lock)
        {
            return _perChannel.TryGetValue(channel, out var count) ? count : 0;
        }
    }

    /// <summary>Stores one part. Returns false (and counts) when the disk refuses it.</summary>
    public bool TryWrite(string channel, ReadOnlySpan<byte> gzip, int events)
    {
        var size = HeaderSize + gzip.Length;
        long sequence;
        lock (_lock)
        {
            EvictLocked(size);
            sequence = _nextSequence++;
        }

        var path = Path.Combine(_root, channel, sequence.ToString("D16", CultureInfo.InvariantCulture) + Extension);
        var temp = path + TempExtension;
        var created = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Span<byte> header = stackalloc byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], created);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], events);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], gzip.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], Crc32.HashToUInt32(gzip));
        try
        {
            using (var stream = OpenWrite(temp))
            {
                stream.Write(header);
                stream.Write(gzip);
            }

            File.Move(temp, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            SluiceEventSource.Log.StoreWriteFailed(path, ex.Message);
            Counters.AddWriteFailure(events);
            TryDelete(temp);
            return false;
        }

        lock (_lock)
        {
            AddLocked(new StoredFile(channel, path, sequence, size, events, created));
        }

        return true;
    }

    /// <summary>
    /// The oldest readable file of a channel with its payload, or null when none is left. Corrupt
    /// and too-old files met on the way are removed and counted.
    /// </summary>
    public StoredPart? TryReadOldest(string channel)
    {
        while (true)
        {
            StoredFile? oldest = null;
            lock (_lock)
            {
                EvictLocked(0);
                foreach (var file in _files.Values)
                {
                    if (file.Channel == channel)
                    {
                        oldest = file;
                        break;
                    }
                }
            }

            if (oldest is null)
            {
                return null;
            }

            var payload = TryReadPayload(oldest.Path);
            if (payload is not null)
            {
                return new StoredPart(oldest.Sequence, payload, oldest.Events);
            }

            SluiceEventSource.Log.CorruptFile(oldest.Path);
            Counters.AddCorrupt();
            Remove(oldest.Sequence);
        }
    }

    /// <summary>
    /// The oldest readable files of a channel that fit together in one request: at least one,
    /// then more while the events and compressed bytes stay within the caps. After an outage
    /// the store holds one small file per flush; sending them together keeps the request rate
    /// (the design's concern at a million clients) near one per minute rather than one per second.
    /// </summary>
    public List<StoredPart> TryReadOldest(string channel, int maxEvents, long maxBytes)
    {
        var parts = new List<StoredPart>();
        var events = 0;
        long bytes = 0;
        List<StoredFile> candidates;
        lock (_lock)
        {
            EvictLocked(0);
            candidates = [];
            foreach (var file in _files.Values)
            {
                if (file.Channel == channel)
                {
                    candidates.Add(file);
                    if (candidates.Count >= maxEvents)
                    {
                        break;
                    }
                }
            }
        }

        foreach (var file in candidates)
        {
            if (parts.Count > 0 && (events + file.Events > maxEvents || bytes + file.Bytes - HeaderSize > maxBytes))
            {
                break;
            }

            var payload = TryReadPayload(file.Path);
            if (payload is null)
            {
                SluiceEventSource.Log.CorruptFile(file.Path);
                Counters.AddCorrupt();
                Remove(file.Sequence);
                continue;
            }

            parts.Add(new StoredPart(file.Sequence, payload, file.Events));
            events += file.Events;
            bytes += payload.Length;
        }

        return parts;
    }

    /// <summary>Deletes a file once its events are delivered (or refused for good).</summary>
    public void Remove(long sequence)
    {
        StoredFile? file;
        lock (_lock)
        {
            if (!_files.TryGetValue(sequence, out file))
            {
                return;
            }

            RemoveLocked(file);
        }

        TryDelete(file.Path);
    }

    private void AddLocked(StoredFile file)
    {
        _files[file.Sequence] = file;
        _totalBytes += file.Bytes;
        _perChannel[file.Channel] = (_perChannel.TryGetValue(file.Channel, out var count) ? count : 0) + 1;
    }

    private void RemoveLocked(StoredFile file)
    {
        _files.Remove(file.Sequence);
        _totalBytes -= file.Bytes;
        _perChannel[file.Channel]--;
    }

    private void EvictLocked(long incoming)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var maxAgeMs = (long)_options.MaxAge.TotalMilliseconds;
        while (_files.Count > 0)
        {
            var oldest = _files.First().Value;
            var overBytes = _totalBytes + incoming > _options.MaxBytes;
            var overFiles = _files.Count + (incoming > 0 ? 1 : 0) > _options.MaxFiles;

            // A creation time in the future means the clock was set back since: not "old".
            var tooOld = now - oldest.CreatedMs > maxAgeMs;
            if (!overBytes && !overFiles && !tooOld)
            {
                return;
            }

            RemoveLocked(oldest);
            Counters.AddEvicted(oldest.Events);
            TryDelete(oldest.Path);
        }
    }

    private static byte[]? TryReadPayload(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < HeaderSize || !ParseHeader(bytes, out var events, out var length, out var crc, out _) || events < 0)
            {
                return null;
            }

            if (bytes.Length != HeaderSize + length)
            {
                return null;
            }

            var payload = bytes.AsSpan(HeaderSize);
            return Crc32.HashToUInt32(payload) == crc ? payload.ToArray() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static (long Bytes, int Events, long CreatedMs)? TryReadHeader(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            Span<byte> header = stackalloc byte[HeaderSize];
            if (stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize
                || !ParseHeader(header, out var events, out var length, out _, out var created)
                || stream.Length != HeaderSize + (long)length)
            {
                return null;
            }

            return (stream.Length, events, created);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool ParseHeader(ReadOnlySpan<byte> header, out int events, out int length, out uint crc, out long created)
    {
        events = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        length = BinaryPrimitives.ReadInt32LittleEndian(header[20..]);
        crc = BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
        created = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        return header[..4].SequenceEqual(Magic)
            && BinaryPrimitives.ReadUInt16LittleEndian(header[4..]) == FormatVersion
            && length >= 0;
    }

    private static bool TryParseSequence(string path, out long sequence)
    {
        sequence = 0;
        var name = Path.GetFileName(path);
        return name.EndsWith(Extension, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(0, name.Length - Extension.Length), NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left behind; the next start deletes or re-reads it.
        }
    }

    private sealed record StoredFile(string Channel, string Path, long Sequence, long Bytes, int Events, long CreatedMs);
}

/// <summary>A stored part read back for sending.</summary>
internal sealed record StoredPart(long Sequence, byte[] Gzip, int Events);
