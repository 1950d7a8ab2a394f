using System.Globalization;
using Sluice.Receiver.Spool;

namespace Sluice.Receiver.Export;

/// <summary>
/// Where spooled requests go that the exporter cannot turn into rows: one file per request holding
/// its OTLP payload exactly as the client sent it, named so an operator sees signal, encoding,
/// product and compression, and can re-send it:
/// <c>curl --data-binary @FILE -H 'Content-Type: application/x-protobuf' -H 'Authorization: Bearer KEY' http://receiver:4318/v1/logs</c>,
/// adding <c>-H 'Content-Encoding: gzip'</c> for a <c>.gz</c> file and <c>deflate</c> for a <c>.deflate</c> one.
/// </summary>
internal sealed class DeadLetters(string directory)
{
    public string Write(in SpoolRecord record)
    {
        Directory.CreateDirectory(directory);
        string signal = record.Signal.ToString().ToLowerInvariant();
        string extension = (record.Encoding == PayloadEncoding.Json ? "json" : "pb") + record.Compression switch
        {
            PayloadCompression.Gzip => ".gz",
            PayloadCompression.Zlib => ".deflate",
            _ => string.Empty,
        };
        string safeProduct = string.Concat(record.Product.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        string name = string.Create(CultureInfo.InvariantCulture, $"{record.ReceivedUnixNano}-{signal}-{safeProduct}.{extension}");
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, record.Payload.Span);
        return path;
    }
}
