using System.IO.Compression;
using Sluice.Receiver.Spool;

namespace Sluice.Receiver.Ingest;

/// <summary>A read-only stream over pooled memory (MemoryStream needs an array segment it may expose).</summary>
internal sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
{
    private int _position;

    /// <summary>A stream of what <paramref name="compressed"/> decompresses to; reading it throws <see cref="InvalidDataException"/> on bad data.</summary>
    public static Stream Decompressing(ReadOnlyMemory<byte> compressed, PayloadCompression compression) => compression switch
    {
        PayloadCompression.Gzip => new GZipStream(new ReadOnlyMemoryStream(compressed), CompressionMode.Decompress),
        PayloadCompression.Zlib => new ZLibStream(new ReadOnlyMemoryStream(compressed), CompressionMode.Decompress),
        _ => new ReadOnlyMemoryStream(compressed),
    };

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => memory.Length;

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(buffer.Length, memory.Length - _position);
        memory.Span.Slice(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
