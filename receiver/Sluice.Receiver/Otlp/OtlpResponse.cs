using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sluice.Receiver.Spool;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Otlp;

/// <summary>Encodes the bodies the receiver answers with: export responses and google.rpc.Status.</summary>
internal static class OtlpResponse
{
    private const string RetryInfoType = "type.googleapis.com/google.rpc.RetryInfo";

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Export{Logs,Trace,Metrics}ServiceResponse: empty when <paramref name="rejected"/> is 0, otherwise
    /// <c>partial_success</c> with the signal's rejected count and <paramref name="message"/>.
    /// </summary>
    public static byte[] Success(Signal signal, PayloadEncoding encoding, long rejected, string? message)
    {
        if (encoding == PayloadEncoding.Json)
        {
            return Json(writer =>
            {
                writer.WriteStartObject();
                if (rejected != 0)
                {
                    writer.WriteStartObject("partialSuccess");
                    string name = signal switch
                    {
                        Signal.Logs => "rejectedLogRecords",
                        Signal.Traces => "rejectedSpans",
                        _ => "rejectedDataPoints",
                    };

                    // proto3 JSON writes int64 as a string.
                    writer.WriteString(name, rejected.ToString(CultureInfo.InvariantCulture));
                    if (!string.IsNullOrEmpty(message))
                    {
                        writer.WriteString("errorMessage", message);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            });
        }

        if (rejected == 0)
        {
            return [];
        }

        var partial = new ProtoWriter();
        partial.WriteVarint(1, (ulong)rejected);
        partial.WriteString(2, message);
        var response = new ProtoWriter();
        response.WriteMessage(1, partial);
        return response.ToArray();
    }

    /// <summary>
    /// google.rpc.Status { code, message, details }, with one Any(google.rpc.RetryInfo) in details
    /// when <paramref name="retryAfter"/> is set.
    /// </summary>
    public static byte[] Status(int grpcCode, string message, TimeSpan? retryAfter, PayloadEncoding encoding)
    {
        if (encoding == PayloadEncoding.Json)
        {
            return Json(writer =>
            {
                writer.WriteStartObject();
                writer.WriteNumber("code", grpcCode);
                writer.WriteString("message", message);
                if (retryAfter is TimeSpan delay)
                {
                    writer.WriteStartArray("details");
                    writer.WriteStartObject();
                    writer.WriteString("@type", RetryInfoType);
                    writer.WriteString("retryDelay", DurationJson(delay));
                    writer.WriteEndObject();
                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            });
        }

        var status = new ProtoWriter();
        status.WriteVarint(1, (ulong)(long)grpcCode);
        status.WriteString(2, message);
        if (retryAfter is TimeSpan retryDelay)
        {
            long ticks = Math.Max(0, retryDelay.Ticks);
            var duration = new ProtoWriter();
            duration.WriteVarint(1, (ulong)(ticks / TimeSpan.TicksPerSecond));
            duration.WriteVarint(2, (ulong)(ticks % TimeSpan.TicksPerSecond * 100));
            var retryInfo = new ProtoWriter();
            retryInfo.WriteMessage(1, duration);
            var any = new ProtoWriter();
            any.WriteString(1, RetryInfoType);
            any.WriteMessage(2, retryInfo);
            status.WriteMessage(3, any);
        }

        return status.ToArray();
    }

    // google.protobuf.Duration in JSON: seconds with up to 9 fractional digits and an "s" suffix.
    private static string DurationJson(TimeSpan delay)
    {
        long ticks = Math.Max(0, delay.Ticks);
        long seconds = ticks / TimeSpan.TicksPerSecond;
        long nanos = ticks % TimeSpan.TicksPerSecond * 100;
        return nanos == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{seconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds}.{nanos:D9}s");
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A minimal protobuf writer for the few small messages the receiver sends.</summary>
    private sealed class ProtoWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(64);

        public void WriteVarint(int field, ulong value)
        {
            if (value == 0)
            {
                return;
            }

            WriteTag(field, 0);
            WriteRaw(value);
        }

        public void WriteString(int field, string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }

            WriteBytes(field, Encoding.UTF8.GetBytes(value));
        }

        public void WriteMessage(int field, ProtoWriter message) => WriteBytes(field, message._buffer.WrittenSpan);

        public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

        private void WriteBytes(int field, ReadOnlySpan<byte> bytes)
        {
            WriteTag(field, 2);
            WriteRaw((ulong)bytes.Length);
            _buffer.Write(bytes);
        }

        private void WriteTag(int field, int wireType) => WriteRaw(((ulong)field << 3) | (uint)wireType);

        private void WriteRaw(ulong value)
        {
            Span<byte> span = _buffer.GetSpan(10);
            int n = 0;
            while (value >= 0x80)
            {
                span[n++] = (byte)(value | 0x80);
                value >>= 7;
            }

            span[n++] = (byte)value;
            _buffer.Advance(n);
        }
    }
}
