using System.Globalization;
using Sluice.Receiver.Spool;

namespace Sluice.Receiver.Export;

/// <summary>
/// Where spooled requests go that the exporter cannot turn into rows: one file per request holding
/// its OTLP payload exactly as the client sent it (after gzip), named so an operator sees signal,
/// encoding and product, and can re-send it:
/// <c>curl --data-binary @FILE -H 'Content-Type: application/x-protobuf' -H 'Authorization: Bearer KEY' http://receiver:4318/v1/logs</c>.
/// </summary>
internal sealed class DeadLetters(string directory)
{
    public string Write(in SpoolRecord record)
    {
        Directory.CreateDirectory(directory);
        string signal = record.Signal.ToString().ToLowerInvariant();
        string extension = record.Encoding == PayloadEncoding.Json ? "json" : "pb";
        string safeProduct = string.Concat(record.Product.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        string name = string.Create(CultureInfo.InvariantCulture, $"{record.ReceivedUnixNano}-{signal}-{safeProduct}.{extension}");
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, record.Payload.Span);
        return path;
    }
}
