using System.Text;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using Sluice.Receiver.Otlp;
using Sluice.Receiver.Spool;
using Sluice.Transforms.Model;
using static Sluice.Receiver.Tests.Otlp.OtlpTestRequests;

namespace Sluice.Receiver.Tests.Otlp;

public class OtlpDecoderTests
{
    private static readonly DecodeLimits Limits = new();

    private static TelemetryBatch NewBatch(string product = "shop") => new() { Product = product, ReceivedUnixNano = Received };

    private static (TelemetryBatch Batch, DecodeResult Result) Decode(Signal signal, PayloadEncoding encoding, byte[] payload, DecodeLimits? limits = null, string product = "shop")
    {
        TelemetryBatch batch = NewBatch(product);
        DecodeResult result = OtlpDecoder.Decode(signal, encoding, payload, batch, limits ?? Limits);
        return (batch, result);
    }

    [Fact]
    public void Decode_LogsProtobuf_MapsEveryField()
    {
        (TelemetryBatch batch, DecodeResult result) = Decode(Signal.Logs, PayloadEncoding.Protobuf, Logs().ToByteArray());

        Assert.Equal(new DecodeResult(4, 0, null), result);
        Assert.Equal(4, batch.Logs.Count);
        LogEvent full = batch.Logs[0];
        Assert.Equal(T1, full.TimeUnixNano);
        Assert.Equal(T1 + 1, full.ObservedTimeUnixNano);
        Assert.Equal(10, full.SeverityNumber);
        Assert.Equal("INFO", full.SeverityText);
        Assert.Equal("{\"msg\":\"hello\",\"n\":5}", full.Body);
        Assert.Equal(2u, full.DroppedAttributesCount);
        Assert.Equal(1u, full.TraceFlags);
        Assert.Equal("0102030405060708090a0b0c0d0e0f10", full.TraceId);
        Assert.Equal("a1a2a3a4a5a6a7a8", full.SpanId);
        Assert.Equal("checkout.completed", full.EventName);
        int i = 0;
        foreach ((KeyValue attribute, string expected) in AllValueKinds())
        {
            Assert.Equal(attribute.Key, full.Attributes.Keys[i]);
            Assert.Equal(expected, full.Attributes.Values[i]);
            i++;
        }

        Assert.Equal(i, full.Attributes.Count);
        Assert.Equal("checkout", full.Resource.ServiceName);
        Assert.Equal("3", full.Resource.Attributes.Get("host.count"));
        Assert.Equal("https://resource/schema", full.Resource.SchemaUrl);
        Assert.Equal("lib", full.Scope.Name);
        Assert.Equal("1.2", full.Scope.Version);
        Assert.Equal("true", full.Scope.Attributes.Get("scope.attr"));
        Assert.Equal("https://scope/schema", full.Scope.SchemaUrl);

        Assert.Equal(Received, batch.Logs[1].TimeUnixNano);
        Assert.Equal("from.attribute", batch.Logs[1].EventName);
        Assert.Equal("plain", batch.Logs[1].Body);
        Assert.Equal(T1 + 7, batch.Logs[2].TimeUnixNano);
        Assert.Same(full.Resource, batch.Logs[2].Resource);
        Assert.Same(full.Scope, batch.Logs[2].Scope);
        Assert.Same(full.Resource, batch.Logs[3].Resource);
        Assert.NotSame(full.Scope, batch.Logs[3].Scope);
        Assert.Equal("other", batch.Logs[3].Scope.Name);
        Assert.Equal(4, batch.Logs.Select(l => l.EventId).Distinct().Count());
    }

    [Fact]
    public void Decode_TracesProtobuf_MapsEveryField()
    {
        (TelemetryBatch batch, DecodeResult result) = Decode(Signal.Traces, PayloadEncoding.Protobuf, Traces().ToByteArray());

        Assert.Equal(2, result.Accepted);
        SpanEvent span = batch.Spans[0];
        Assert.Equal("0102030405060708090a0b0c0d0e0f10", span.TraceId);
        Assert.Equal("a1a2a3a4a5a6a7a8", span.SpanId);
        Assert.Equal("b1b2b3b4b5b6b7b8", span.ParentSpanId);
        Assert.Equal("k=v", span.TraceState);
        Assert.Equal("GET /cart", span.Name);
        Assert.Equal("Server", span.Kind);
        Assert.Equal(T1, span.StartTimeUnixNano);
        Assert.Equal(T1 + 1000, span.EndTimeUnixNano);
        Assert.Equal("GET", span.Attributes.Get("http.method"));
        Assert.Equal("200", span.Attributes.Get("http.status"));
        Assert.Equal("Error", span.StatusCode);
        Assert.Equal("boom", span.StatusMessage);
        SpanEventEntry entry = Assert.Single(span.Events);
        Assert.Equal((T1 + 10, "cache.miss", "cart:1"), (entry.TimeUnixNano, entry.Name, entry.Attributes.Get("key")));
        SpanLinkEntry link = Assert.Single(span.Links);
        Assert.Equal(("0102030405060708090a0b0c0d0e0f10", "b1b2b3b4b5b6b7b8", "a=b", "follows"), (link.TraceId, link.SpanId, link.TraceState, link.Attributes.Get("link.kind")));
        Assert.Equal("checkout", span.Resource.ServiceName);
        Assert.Equal("lib", span.Scope.Name);
        Assert.Equal(("Consumer", "Unset", string.Empty), (batch.Spans[1].Kind, batch.Spans[1].StatusCode, batch.Spans[1].ParentSpanId));
    }

    [Fact]
    public void Decode_MetricsProtobuf_MapsAllFiveKinds()
    {
        (TelemetryBatch batch, DecodeResult result) = Decode(Signal.Metrics, PayloadEncoding.Protobuf, Metrics().ToByteArray());

        Assert.Equal(6, result.Accepted);
        MetricPoint gauge = batch.Metrics[0];
        Assert.Equal((MetricKind.Gauge, "cpu", "CPU use", "1"), (gauge.Kind, gauge.Name, gauge.Description, gauge.Unit));
        Assert.Equal((T1, T1 - 10, 0.75, 1u, "/cart"), (gauge.TimeUnixNano, gauge.StartTimeUnixNano, gauge.Value, gauge.Flags, gauge.Attributes.Get("route")));

        MetricPoint sum = batch.Metrics[1];
        Assert.Equal((MetricKind.Sum, "requests", "{request}", 2, true, -12.0, T1 - 100), (sum.Kind, sum.Name, sum.Unit, sum.AggregationTemporality, sum.IsMonotonic, sum.Value, sum.StartTimeUnixNano));
        Assert.Equal(13.0, batch.Metrics[2].Value);

        MetricPoint histogram = batch.Metrics[3];
        Assert.Equal((MetricKind.Histogram, 1, 6UL, 21.5, 0.5, 9.0), (histogram.Kind, histogram.AggregationTemporality, histogram.Count, histogram.Sum, histogram.Min, histogram.Max));
        Assert.Equal([1UL, 2, 3], histogram.BucketCounts);
        Assert.Equal([1.0, 5], histogram.ExplicitBounds);
        Assert.Equal("/cart", histogram.Attributes.Get("route"));

        MetricPoint exponential = batch.Metrics[4];
        Assert.Equal((MetricKind.ExponentialHistogram, 2, 10UL, 100.25, -3, 1UL), (exponential.Kind, exponential.AggregationTemporality, exponential.Count, exponential.Sum, exponential.Scale, exponential.ZeroCount));
        Assert.Equal((-2, 5, -7.0, 70.0, T1 - 2), (exponential.PositiveOffset, exponential.NegativeOffset, exponential.Min, exponential.Max, exponential.StartTimeUnixNano));
        Assert.Equal([4UL, 300], exponential.PositiveBucketCounts);
        Assert.Equal([5UL], exponential.NegativeBucketCounts);
        Assert.Equal("/cart", exponential.Attributes.Get("route"));

        MetricPoint summary = batch.Metrics[5];
        Assert.Equal((MetricKind.Summary, 3UL, 6.0, "/cart"), (summary.Kind, summary.Count, summary.Sum, summary.Attributes.Get("route")));
        Assert.Equal([0.5, 1], summary.Quantiles);
        Assert.Equal([2.0, 3], summary.QuantileValues);
        Assert.All(batch.Metrics, m => Assert.Equal("checkout", m.Resource.ServiceName));
        Assert.Equal(6, batch.Metrics.Select(m => m.EventId).Distinct().Count());
    }

    public static TheoryData<Signal, bool, bool> JsonVariants()
    {
        var data = new TheoryData<Signal, bool, bool>();
        foreach (Signal signal in new[] { Signal.Logs, Signal.Traces, Signal.Metrics })
        {
            data.Add(signal, false, false);
            data.Add(signal, true, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(JsonVariants))]
    public void Decode_JsonAndProtobufOfSameRequest_GiveSameItemsAndIds(Signal signal, bool snakeCase, bool enumsAsIntegers)
    {
        IMessage request = signal switch
        {
            Signal.Logs => Logs(),
            Signal.Traces => Traces(),
            _ => Metrics(),
        };

        (TelemetryBatch proto, DecodeResult protoResult) = Decode(signal, PayloadEncoding.Protobuf, request.ToByteArray());
        (TelemetryBatch json, DecodeResult jsonResult) = Decode(signal, PayloadEncoding.Json, ToOtlpJson(request, snakeCase, enumsAsIntegers));

        Assert.Equal(protoResult, jsonResult);
        Assert.True(protoResult.Accepted > 0);
        Assert.Equal(Describe(proto), Describe(json));
    }

    [Fact]
    public void Decode_JsonWithNumbersForInt64AndUnknownFields_Accepted()
    {
        string json = """
            {"resourceLogs":[{"future":{"x":[1,2]},"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
              "scopeLogs":[{"scope":{"name":"s"},"logRecords":[
                {"timeUnixNano":1699999990000000000,"severityNumber":"SEVERITY_NUMBER_WARN3","traceId":"0102030405060708090A0B0C0D0E0F10",
                 "body":{"doubleValue":"NaN"},"attributes":[{"key":"n","value":{"intValue":12}}],"newField":true}]}]}]}
            """;

        (TelemetryBatch batch, DecodeResult result) = Decode(Signal.Logs, PayloadEncoding.Json, Encoding.UTF8.GetBytes(json));

        Assert.Equal(1, result.Accepted);
        LogEvent log = batch.Logs[0];
        Assert.Equal(1699999990000000000UL, log.TimeUnixNano);
        Assert.Equal(15, log.SeverityNumber);
        Assert.Equal("0102030405060708090a0b0c0d0e0f10", log.TraceId);
        Assert.Equal("NaN", log.Body);
        Assert.Equal("12", log.Attributes.Get("n"));
        Assert.Equal("svc", log.Resource.ServiceName);
    }

    [Fact]
    public void Decode_UnknownFieldsAtEveryLevel_Skipped()
    {
        LogRecord record = Logs().ResourceLogs[0].ScopeLogs[0].LogRecords[0];
        byte[] unknown = UnknownFields();
        byte[] scopeLogs = Concat(unknown, Field(1, Scope().ToByteArray()), Field(2, Concat(record.ToByteArray(), unknown)), unknown);
        byte[] resourceLogs = Concat(Field(2, scopeLogs), unknown, Field(1, Concat(Resource().ToByteArray(), unknown)));
        byte[] request = Concat(unknown, Field(1, resourceLogs), unknown);

        (TelemetryBatch batch, DecodeResult result) = Decode(Signal.Logs, PayloadEncoding.Protobuf, request);
        (TelemetryBatch plain, _) = Decode(Signal.Logs, PayloadEncoding.Protobuf, Logs(record).ToByteArray());

        Assert.Equal(1, result.Accepted);
        Assert.Equal(Describe(plain), Describe(batch));
    }

    [Fact]
    public void Decode_ProtobufTruncatedAtEveryOffset_ThrowsFormatException()
    {
        byte[] request = Logs(new LogRecord { TimeUnixNano = T1, Body = Str("hi"), Attributes = { Kv("k", Array(Str("v"), new AnyValue { IntValue = 1 })) }, TraceId = ByteString.CopyFrom(TraceId) }).ToByteArray();

        for (int length = 1; length < request.Length; length++)
        {
            TelemetryBatch batch = NewBatch();
            Assert.Throws<OtlpFormatException>(() => OtlpDecoder.Decode(Signal.Logs, PayloadEncoding.Protobuf, request.AsSpan(0, length), batch, Limits));
            Assert.Empty(batch.Logs);
        }
    }

    [Fact]
    public void Decode_JsonTruncatedAtEveryOffset_ThrowsFormatException()
    {
        byte[] request = ToOtlpJson(Logs(new LogRecord { TimeUnixNano = T1, Body = Str("hi"), Attributes = { Kv("k", Array(Str("v"))) } }));

        for (int length = 0; length < request.Length; length++)
        {
            TelemetryBatch batch = NewBatch();
            Assert.Throws<OtlpFormatException>(() => OtlpDecoder.Decode(Signal.Logs, PayloadEncoding.Json, request.AsSpan(0, length), batch, Limits));
            Assert.Empty(batch.Logs);
        }
    }

    [Fact]
    public void Decode_TruncatedNestedField_MessageNamesPathFieldAndOffset()
    {
        byte[] record = new LogRecord { Body = Str("hello"), Attributes = { Kv("k", Str("value")) } }.ToByteArray();
        byte[] broken = record.AsSpan(0, record.Length - 2).ToArray();
        byte[] request = Field(1, Field(2, Concat(Field(2, new LogRecord().ToByteArray()), Field(2, broken))));

        OtlpFormatException ex = Assert.Throws<OtlpFormatException>(() => Decode(Signal.Logs, PayloadEncoding.Protobuf, request));

        Assert.StartsWith("resource_logs[0].scope_logs[0].log_records[1]: truncated", ex.Message);
        Assert.Contains("at byte", ex.Message);
    }

    [Fact]
    public void Decode_TruncatedScopeBlock_MessageNamesTheBlock()
    {
        byte[] scope = Field(2, new ScopeLogs { Scope = Scope() }.ToByteArray());
        byte[] request = Concat(Field(1, []), Field(1, scope.AsSpan(0, scope.Length - 1)));

        OtlpFormatException ex = Assert.Throws<OtlpFormatException>(() => Decode(Signal.Logs, PayloadEncoding.Protobuf, request));

        Assert.Equal("resource_logs[1].scope_logs[0]: truncated length-delimited field 2 at byte 4", ex.Message);
    }

    [Fact]
    public void Decode_UnpackedRepeatedFields_ReadLikePacked()
    {
        var output = new MemoryStream();
        var coded = new CodedOutputStream(output);
        coded.WriteTag(3, WireFormat.WireType.Fixed64);
        coded.WriteFixed64(T1);
        foreach (ulong count in new ulong[] { 4, 5 })
        {
            coded.WriteTag(6, WireFormat.WireType.Fixed64);
            coded.WriteFixed64(count);
        }

        coded.WriteTag(7, WireFormat.WireType.Fixed64);
        coded.WriteDouble(2.5);
        coded.Flush();
        byte[] histogram = Concat(Field(1, output.ToArray()), [0x10, 0x02]);
        byte[] metric = Concat(Field(1, "h"u8), Field(9, histogram));
        byte[] request = Field(1, Field(2, Field(2, metric)));

        MetricPoint point = Assert.Single(Decode(Signal.Metrics, PayloadEncoding.Protobuf, request).Batch.Metrics);

        Assert.Equal([4UL, 5], point.BucketCounts);
        Assert.Equal([2.5], point.ExplicitBounds);
        Assert.Equal((MetricKind.Histogram, 2, T1, "h"), (point.Kind, point.AggregationTemporality, point.TimeUnixNano, point.Name));
    }

    [Theory]
    [InlineData("{\"resourceLogs\":[}", 17)]
    [InlineData("{\n  \"resourceLogs\": [\n  x", 24)]
    [InlineData("not json", 1)]
    public void Decode_InvalidJson_ThrowsFormatExceptionWithOffset(string json, int offset)
    {
        OtlpFormatException ex = Assert.Throws<OtlpFormatException>(() => Decode(Signal.Logs, PayloadEncoding.Json, Encoding.UTF8.GetBytes(json)));

        Assert.StartsWith($"invalid JSON at byte {offset}:", ex.Message);
    }

    [Theory]
    [InlineData("{\"resourceLogs\":{}}")]
    [InlineData("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":-5}]}]}]}")]
    [InlineData("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"severityNumber\":\"LOUD\"}]}]}]}")]
    [InlineData("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"bytesValue\":\"***\"}}]}]}]}")]
    [InlineData("[1,2]")]
    public void Decode_JsonWithWrongTypes_ThrowsFormatException(string json)
    {
        Assert.Throws<OtlpFormatException>(() => Decode(Signal.Logs, PayloadEncoding.Json, Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Decode_WrongWireTypeForKnownField_ThrowsFormatException()
    {
        // log_records (field 2) sent as a varint.
        byte[] request = Field(1, Field(2, [0x10, 0x01]));

        OtlpFormatException ex = Assert.Throws<OtlpFormatException>(() => Decode(Signal.Logs, PayloadEncoding.Protobuf, request));

        Assert.Contains("wire type 0", ex.Message);
    }

    public static TheoryData<string, LogRecord, string> RejectedLogs() => new()
    {
        { "future", new LogRecord { TimeUnixNano = Received + (ulong)TimeSpan.FromDays(2).Ticks * 100 }, "time" },
        { "future observed", new LogRecord { ObservedTimeUnixNano = Received + (ulong)TimeSpan.FromDays(2).Ticks * 100 }, "limits.max_future_skew" },
        { "big attribute", new LogRecord { Attributes = { Kv("blob", Str(new string('x', 65537))) } }, "attribute 'blob' value is 65537 bytes, over limits.max_attribute_value_size (65536)" },
        { "big bytes", new LogRecord { Attributes = { Kv("raw", new AnyValue { BytesValue = ByteString.CopyFrom(new byte[70000]) }) } }, "attribute 'raw' value is 70000 bytes" },
        { "big nested", new LogRecord { Attributes = { Kv("list", Array(Str(new string('x', 65537)))) } }, "attribute 'list' value is 65537 bytes" },
        { "big body", new LogRecord { Body = Str(new string('x', 65537)) }, "body is 65537 bytes" },
        { "deep", new LogRecord { Attributes = { Kv("deep", Nested(17)) } }, "attribute 'deep' value is nested deeper than limits.max_nesting_depth (16)" },
        { "trace id", new LogRecord { TraceId = ByteString.CopyFrom(1, 2, 3) }, "trace id is 3 bytes, expected 0 or 16" },
        { "span id", new LogRecord { SpanId = ByteString.CopyFrom(TraceId) }, "span id is 16 bytes, expected 0 or 8" },
        { "severity", new LogRecord { SeverityNumber = (SeverityNumber)25 }, "severity number 25 is outside 0-24" },
        { "negative severity", new LogRecord { SeverityNumber = (SeverityNumber)(-1) }, "severity number -1 is outside 0-24" },
    };

    [Theory]
    [MemberData(nameof(RejectedLogs))]
    public void Decode_LogBreakingARule_RejectedWithReason(string scenario, LogRecord bad, string reason)
    {
        _ = scenario;
        var good = new LogRecord { TimeUnixNano = T1, Body = Str("ok") };
        ExportLogsServiceRequest request = Logs(good, bad, good);

        foreach (PayloadEncoding encoding in new[] { PayloadEncoding.Protobuf, PayloadEncoding.Json })
        {
            byte[] payload = encoding == PayloadEncoding.Protobuf ? request.ToByteArray() : ToOtlpJson(request);
            (TelemetryBatch batch, DecodeResult result) = Decode(Signal.Logs, encoding, payload);

            Assert.Equal((2, 1), (result.Accepted, result.Rejected));
            Assert.Equal(2, batch.Logs.Count);
            Assert.StartsWith("1 of 3 log records rejected: resource_logs[0].scope_logs[0].log_records[1] ", result.RejectionMessage);

            // JSON carries ids as hex, so a wrong length is reported as characters there.
            Assert.Contains(encoding == PayloadEncoding.Json && reason.Contains(" id is ", StringComparison.Ordinal) ? "hex characters" : reason, result.RejectionMessage);
        }
    }

    [Fact]
    public void Decode_NestingAtTheLimit_Accepted()
    {
        (TelemetryBatch batch, DecodeResult result) = Decode(Signal.Logs, PayloadEncoding.Protobuf, Logs(new LogRecord { Attributes = { Kv("deep", Nested(16)) } }).ToByteArray());

        Assert.Equal(1, result.Accepted);
        Assert.StartsWith("[[[[[[[[[[[[[[[[\"leaf\"]", batch.Logs[0].Attributes.Get("deep"));
    }

    [Theory]
    [InlineData("trace_id")]
    [InlineData("span_id")]
    public void Decode_JsonIdNotHex_Rejected(string field)
    {
        string value = field == "trace_id" ? new string('z', 32) : "0102";
        string json = $$"""{"resource_logs":[{"scope_logs":[{"log_records":[{"{{field}}":"{{value}}"},{}]}]}]}""";

        (TelemetryBatch batch, DecodeResult result) = Decode(Signal.Logs, PayloadEncoding.Json, Encoding.UTF8.GetBytes(json));

        Assert.Equal((1, 1), (result.Accepted, result.Rejected));
        Assert.Single(batch.Logs);
        Assert.Contains("hex characters", result.RejectionMessage);
    }

    [Fact]
    public void Decode_SpanBreakingRules_Rejected()
    {
        ExportTraceServiceRequest request = Traces();
        request.ResourceSpans[0].ScopeSpans[0].Spans[0].EndTimeUnixNano = Received + (ulong)TimeSpan.FromDays(3).Ticks * 100;
        request.ResourceSpans[0].ScopeSpans[0].Spans[1].ParentSpanId = ByteString.CopyFrom(1);

        (TelemetryBatch batch, DecodeResult result) = Decode(Signal.Traces, PayloadEncoding.Protobuf, request.ToByteArray());

        Assert.Equal((0, 2), (result.Accepted, result.Rejected));
        Assert.Empty(batch.Spans);
        Assert.Contains("spans[0] end time", result.RejectionMessage);
        Assert.Contains("spans[1] parent span id is 1 bytes", result.RejectionMessage);
    }

    [Fact]
    public void Decode_MetricPointInTheFuture_RejectedWithPath()
    {
        var request = Metrics();
        request.ResourceMetrics[0].ScopeMetrics[0].Metrics[1].Sum.DataPoints[1].TimeUnixNano = ulong.MaxValue;

        (TelemetryBatch batch, DecodeResult result) = Decode(Signal.Metrics, PayloadEncoding.Protobuf, request.ToByteArray());

        Assert.Equal((5, 1), (result.Accepted, result.Rejected));
        Assert.Equal(5, batch.Metrics.Count);
        Assert.StartsWith("1 of 6 data points rejected: resource_metrics[0].scope_metrics[0].metrics[1].data_points[1] time", result.RejectionMessage);
    }

    [Fact]
    public void Decode_ResourceAttributeOverLimit_RejectsEveryItemOfTheBlock()
    {
        ExportLogsServiceRequest request = Logs(new LogRecord(), new LogRecord());
        request.ResourceLogs[0].Resource.Attributes.Add(Kv("huge", Str(new string('r', 70000))));

        (_, DecodeResult result) = Decode(Signal.Logs, PayloadEncoding.Protobuf, request.ToByteArray());

        Assert.Equal((0, 2), (result.Accepted, result.Rejected));
        Assert.Contains("resource_logs[0] attribute 'huge' value is 70000 bytes", result.RejectionMessage);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decode_MoreItemsThanMaxItems_ThrowsLimitExceptionAndLeavesBatch(bool json)
    {
        PayloadEncoding encoding = json ? PayloadEncoding.Json : PayloadEncoding.Protobuf;
        ExportLogsServiceRequest request = Logs(Enumerable.Range(0, 11).Select(_ => new LogRecord()).ToArray());
        byte[] payload = encoding == PayloadEncoding.Protobuf ? request.ToByteArray() : ToOtlpJson(request);
        TelemetryBatch batch = NewBatch();
        batch.Logs.Add(new LogEvent());

        OtlpLimitException ex = Assert.Throws<OtlpLimitException>(() => OtlpDecoder.Decode(Signal.Logs, encoding, payload, batch, new DecodeLimits { MaxItems = 10 }));

        Assert.Contains("limits.max_items_per_request", ex.Message);
        Assert.Contains("11", ex.Message);
        Assert.Contains("10", ex.Message);
        Assert.Single(batch.Logs);
    }

    [Fact]
    public void Decode_MetricsOverMaxItems_CountsDataPointsNotMetrics()
    {
        byte[] payload = Metrics().ToByteArray();

        Assert.Equal(6, Decode(Signal.Metrics, PayloadEncoding.Protobuf, payload, new DecodeLimits { MaxItems = 6 }).Result.Accepted);
        Assert.Throws<OtlpLimitException>(() => Decode(Signal.Metrics, PayloadEncoding.Protobuf, payload, new DecodeLimits { MaxItems = 5 }));
        Assert.Throws<OtlpLimitException>(() => Decode(Signal.Metrics, PayloadEncoding.Json, ToOtlpJson(Metrics()), new DecodeLimits { MaxItems = 5 }));
    }

    [Theory]
    [InlineData("0102030405060708090a0b0c0d0e0f10")]
    [InlineData("01020304-0506-0708-090A-0B0C0D0E0F10")]
    [InlineData("{01020304-0506-0708-090a-0b0c0d0e0f10}")]
    [InlineData("urn:uuid:01020304-0506-0708-090a-0b0c0d0e0f10")]
    public void Decode_EventIdAttributeUuidOrHex_UsedAsTheIdAndRemoved(string eventId)
    {
        ExportLogsServiceRequest request = Logs(new LogRecord { Attributes = { Kv("a", Str("1")), Kv("event.id", Str(eventId)), Kv("b", Str("2")) } });

        (TelemetryBatch batch, _) = Decode(Signal.Logs, PayloadEncoding.Protobuf, request.ToByteArray());

        LogEvent log = Assert.Single(batch.Logs);
        Assert.Equal(FromHex("0102030405060708090a0b0c0d0e0f10"), log.EventId);
        Assert.Null(log.Attributes.Get("event.id"));
        Assert.Equal(["a", "b"], log.Attributes.Keys.ToArray());
    }

    [Fact]
    public void Decode_EventIdAttributeOtherString_HashedSoEqualStringsGiveEqualIds()
    {
        ExportLogsServiceRequest request = Logs(
            new LogRecord { Body = Str("one"), Attributes = { Kv("event.id", Str("order-17")) } },
            new LogRecord { Body = Str("two"), Attributes = { Kv("event.id", Str("order-17")) } },
            new LogRecord { Body = Str("three"), Attributes = { Kv("event.id", Str("order-18")) } });

        (TelemetryBatch batch, _) = Decode(Signal.Logs, PayloadEncoding.Protobuf, request.ToByteArray());

        Assert.Equal(System.IO.Hashing.XxHash128.HashToUInt128(Encoding.UTF8.GetBytes("order-17")), batch.Logs[0].EventId);
        Assert.Equal(batch.Logs[0].EventId, batch.Logs[1].EventId);
        Assert.NotEqual(batch.Logs[0].EventId, batch.Logs[2].EventId);
        Assert.All(batch.Logs, l => Assert.Equal(0, l.Attributes.Count));
    }

    [Theory]
    [InlineData("0102030405060708090a0b0c0d0e0f10")]
    [InlineData("0102030405060708090A0B0C0D0E0F10")]
    [InlineData("01020304-0506-0708-090a-0b0c0d0e0f10")]
    [InlineData("01020304-0506-0708-090a0-b0c0d0e0f10")]
    [InlineData("0102030405060708090a0b0c0d0e0f1g")]
    [InlineData("0102030405060708090a0b0c0d0e0f10ab")]
    [InlineData(" 0102030405060708090a0b0c0d0e0f10 ")]
    [InlineData("{01020304-0506-0708-090a-0b0c0d0e0f10}")]
    [InlineData("ünïcode-ïd")]
    [InlineData("")]
    public void ParseEventId_FromUtf8_SameAsFromString(string eventId)
    {
        Assert.Equal(DecodeContext.ParseEventId(eventId), DecodeContext.ParseEventId(Encoding.UTF8.GetBytes(eventId)));
    }

    [Fact]
    public void Decode_EventIdNotAString_HashedFromItsTextInBothEncodings()
    {
        ExportLogsServiceRequest request = Logs(new LogRecord { TimeUnixNano = T1, Attributes = { Kv("event.id", new AnyValue { IntValue = 42 }), Kv("b", Str("2")) } });

        (TelemetryBatch proto, _) = Decode(Signal.Logs, PayloadEncoding.Protobuf, request.ToByteArray());
        (TelemetryBatch json, _) = Decode(Signal.Logs, PayloadEncoding.Json, ToOtlpJson(request));

        Assert.Equal(System.IO.Hashing.XxHash128.HashToUInt128("42"u8), proto.Logs[0].EventId);
        Assert.Equal(proto.Logs[0].EventId, json.Logs[0].EventId);
        Assert.Equal(["b"], proto.Logs[0].Attributes.Keys.ToArray());
    }

    [Fact]
    public void Decode_EventIdTwice_FirstIsTheIdAndTheSecondStaysInBothEncodings()
    {
        ExportLogsServiceRequest request = Logs(new LogRecord
        {
            TimeUnixNano = T1,
            Attributes = { Kv("event.id", Str("0102030405060708090a0b0c0d0e0f10")), Kv("event.id", Str("second")) },
        });

        (TelemetryBatch proto, _) = Decode(Signal.Logs, PayloadEncoding.Protobuf, request.ToByteArray());
        (TelemetryBatch json, _) = Decode(Signal.Logs, PayloadEncoding.Json, ToOtlpJson(request));

        Assert.Equal(FromHex("0102030405060708090a0b0c0d0e0f10"), proto.Logs[0].EventId);
        Assert.Equal("second", proto.Logs[0].Attributes.Get("event.id"));
        Assert.Equal(Describe(proto), Describe(json));
    }

    [Fact]
    public void Decode_ManyRecordsWithEventIds_EachKeepsItsOwnIdAndNoneLeaksToTheNext()
    {
        var records = Enumerable.Range(0, 50).Select(i => new LogRecord
        {
            TimeUnixNano = T1,
            Attributes = { Kv("n", new AnyValue { IntValue = i }) },
        }).ToArray();
        for (int i = 0; i < records.Length; i += 2)
        {
            records[i].Attributes.Add(Kv("event.id", Str($"{i:x32}")));
        }

        (TelemetryBatch batch, _) = Decode(Signal.Logs, PayloadEncoding.Protobuf, Logs(records).ToByteArray());

        for (int i = 0; i < records.Length; i++)
        {
            Assert.Equal(i % 2 == 0, batch.Logs[i].EventId == (UInt128)i);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), batch.Logs[i].Attributes.Get("n"));
        }
    }

    [Fact]
    public void Decode_IntoAReusedBatch_SameAsIntoANewOne()
    {
        // The exporter decodes every spooled request into one batch it clears between them, and the
        // batch hands the cleared records out again: nothing of the first request may show in the second.
        byte[] first = Logs().ToByteArray();
        byte[] second = Logs(
            new LogRecord { TimeUnixNano = T1, Body = Str("only"), Attributes = { Kv("x", Str("1")) } },
            new LogRecord { TimeUnixNano = T1 + 5, SeverityNumber = SeverityNumber.Warn }).ToByteArray();
        TelemetryBatch reused = NewBatch();
        OtlpDecoder.Decode(Signal.Logs, PayloadEncoding.Protobuf, first, reused, Limits);
        reused.Clear();
        reused.Product = "shop";
        reused.ReceivedUnixNano = Received;

        OtlpDecoder.Decode(Signal.Logs, PayloadEncoding.Protobuf, second, reused, Limits);
        (TelemetryBatch fresh, _) = Decode(Signal.Logs, PayloadEncoding.Protobuf, second);

        Assert.Equal(Describe(fresh), Describe(reused));
    }

    public static TheoryData<string> CheckCases() => [.. CheckRequests().Keys];

    private static Dictionary<string, byte[]> CheckRequests()
    {
        string big = new('x', 300);
        AnyValue deep = Str("leaf");
        for (int i = 0; i < 6; i++)
        {
            deep = Array(deep);
        }

        byte[] wrongWire = Logs(new LogRecord { TimeUnixNano = T1, Attributes = { Kv("n", new AnyValue { IntValue = 5 }) } }).ToByteArray();
        int at = System.Array.LastIndexOf(wrongWire, (byte)0x18); // AnyValue.int_value's tag (field 3, varint)
        wrongWire[at] = 0x19; // the same field as fixed64: the value is then 8 bytes the request does not have

        return new()
        {
            ["every value kind"] = Logs().ToByteArray(),
            ["value over the size cap"] = Logs(
                new LogRecord { TimeUnixNano = T1, Attributes = { Kv("ok", Str("x")) } },
                new LogRecord { TimeUnixNano = T1, Attributes = { Kv("big", Str(big)) } }).ToByteArray(),
            ["bytes over the size cap"] = Logs(new LogRecord { TimeUnixNano = T1, Attributes = { Kv("b", new AnyValue { BytesValue = ByteString.CopyFrom(new byte[300]) }) } }).ToByteArray(),
            ["string in an array over the size cap"] = Logs(new LogRecord { TimeUnixNano = T1, Attributes = { Kv("a", Array(Str(big))) } }).ToByteArray(),
            ["too deep"] = Logs(new LogRecord { TimeUnixNano = T1, Attributes = { Kv("deep", deep) } }).ToByteArray(),
            ["resource value over the size cap"] = new ExportLogsServiceRequest
            {
                ResourceLogs =
                {
                    new ResourceLogs
                    {
                        Resource = new OpenTelemetry.Proto.Resource.V1.Resource { Attributes = { Kv("r", Str(big)) } },
                        ScopeLogs = { new ScopeLogs { LogRecords = { new LogRecord { TimeUnixNano = T1 }, new LogRecord { TimeUnixNano = T1 } } } },
                    },
                },
            }.ToByteArray(),
            ["future time and event ids"] = Logs(
                new LogRecord { TimeUnixNano = Received + 3_600_000_000_000, Attributes = { Kv("event.id", Str("0102030405060708090a0b0c0d0e0f10")) } },
                new LogRecord { TimeUnixNano = T1, Attributes = { Kv("event.id", Str(big)) } }).ToByteArray(),
            ["wrong wire type"] = wrongWire,
            ["the shortcut's edges"] = Logs(ShortcutEdges()).ToByteArray(),
            ["the shortcut's edges over the size cap"] = Logs(
                new LogRecord { TimeUnixNano = T1, Attributes = { Kv("at", Str(new string('x', 100))) } },
                new LogRecord { TimeUnixNano = T1, Attributes = { Kv("over", Str(new string('x', 101))) } }).ToByteArray(),
        };
    }

    [Theory]
    [MemberData(nameof(CheckCases))]
    public void Decode_CheckOnly_CountsAndRefusesExactlyAsAFullDecode(string name)
    {
        byte[] payload = CheckRequests()[name];
        var limits = new DecodeLimits { MaxAttributeValueBytes = name == "the shortcut's edges over the size cap" ? 100 : 200, MaxNestingDepth = 4 };

        string Outcome(bool checkOnly)
        {
            try
            {
                return OtlpDecoder.Decode(Signal.Logs, PayloadEncoding.Protobuf, payload, NewBatch(), limits, checkOnly).ToString();
            }
            catch (Exception ex) when (ex is OtlpFormatException or OtlpLimitException)
            {
                return ex.GetType().Name + ": " + ex.Message;
            }
        }

        string full = Outcome(checkOnly: false);
        Assert.Equal(full, Outcome(checkOnly: true));
        // Each bad case does break a rule, or the comparison proves nothing.
        Assert.Equal(name is "every value kind" or "the shortcut's edges", full.Contains("Rejected = 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Decode_SamePayloadTwice_GivesSameIds()
    {
        foreach ((Signal signal, IMessage request) in new (Signal, IMessage)[] { (Signal.Logs, Logs()), (Signal.Traces, Traces()), (Signal.Metrics, Metrics()) })
        {
            byte[] payload = request.ToByteArray();
            (TelemetryBatch first, _) = Decode(signal, PayloadEncoding.Protobuf, payload);
            (TelemetryBatch second, _) = Decode(signal, PayloadEncoding.Protobuf, payload);

            Assert.Equal(Describe(first), Describe(second));
        }
    }

    [Fact]
    public void Decode_IdenticalRecordsAtDifferentOrdinals_GetDifferentIds()
    {
        var record = new LogRecord { TimeUnixNano = T1, Body = Str("same") };

        (TelemetryBatch batch, _) = Decode(Signal.Logs, PayloadEncoding.Protobuf, Logs(record, record).ToByteArray());

        Assert.NotEqual(batch.Logs[0].EventId, batch.Logs[1].EventId);
    }

    [Fact]
    public void Decode_OtherProductOrResource_GivesOtherIds()
    {
        ExportLogsServiceRequest request = Logs(new LogRecord { TimeUnixNano = T1, Body = Str("same") });
        UInt128 id = Decode(Signal.Logs, PayloadEncoding.Protobuf, request.ToByteArray()).Batch.Logs[0].EventId;
        UInt128 otherProduct = Decode(Signal.Logs, PayloadEncoding.Protobuf, request.ToByteArray(), product: "other").Batch.Logs[0].EventId;
        request.ResourceLogs[0].Resource.Attributes[0].Value = Str("billing");
        UInt128 otherResource = Decode(Signal.Logs, PayloadEncoding.Protobuf, request.ToByteArray()).Batch.Logs[0].EventId;

        Assert.NotEqual(id, otherProduct);
        Assert.NotEqual(id, otherResource);
    }

    [Fact]
    public void Decode_LogWithoutTimesReplayedLater_KeepsItsId()
    {
        byte[] payload = Logs(new LogRecord { Body = Str("no time") }).ToByteArray();
        TelemetryBatch later = new() { Product = "shop", ReceivedUnixNano = Received + 1_000_000 };

        OtlpDecoder.Decode(Signal.Logs, PayloadEncoding.Protobuf, payload, later, Limits);

        Assert.Equal(Decode(Signal.Logs, PayloadEncoding.Protobuf, payload).Batch.Logs[0].EventId, later.Logs[0].EventId);
    }

    [Fact]
    public void Decode_SpanIds_DependOnProductTraceAndSpanOnly()
    {
        ExportTraceServiceRequest request = Traces();
        UInt128 first = Decode(Signal.Traces, PayloadEncoding.Protobuf, request.ToByteArray()).Batch.Spans[0].EventId;
        request.ResourceSpans[0].ScopeSpans[0].Spans[0].Name = "renamed";
        UInt128 renamed = Decode(Signal.Traces, PayloadEncoding.Protobuf, request.ToByteArray()).Batch.Spans[0].EventId;
        UInt128 otherProduct = Decode(Signal.Traces, PayloadEncoding.Protobuf, request.ToByteArray(), product: "x").Batch.Spans[0].EventId;

        Assert.Equal(first, renamed);
        Assert.NotEqual(first, otherProduct);
    }

    [Fact]
    public void Decode_ProtobufNested100000Deep_RejectsItemWithoutRecursing()
    {
        byte[] value = DeepProtobufValue(100_000);
        byte[] keyValue = Concat(Field(1, "deep"u8), Field(2, value));
        byte[] record = Field(6, keyValue);
        byte[] request = Field(1, Field(2, Concat(Field(2, record), Field(2, []))));

        (TelemetryBatch batch, DecodeResult result) = Decode(Signal.Logs, PayloadEncoding.Protobuf, request);

        Assert.Equal((1, 1), (result.Accepted, result.Rejected));
        Assert.Single(batch.Logs);
        Assert.Contains("nested deeper than limits.max_nesting_depth", result.RejectionMessage);
    }

    [Fact]
    public void Decode_JsonNested100000Deep_ThrowsFormatException()
    {
        var json = new StringBuilder("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":");
        for (int i = 0; i < 100_000; i++)
        {
            json.Append("{\"arrayValue\":{\"values\":[");
        }

        Assert.Throws<OtlpFormatException>(() => Decode(Signal.Logs, PayloadEncoding.Json, Encoding.UTF8.GetBytes(json.ToString())));
        Assert.Throws<OtlpFormatException>(() => Decode(Signal.Logs, PayloadEncoding.Json, Encoding.UTF8.GetBytes(new string('[', 100_000))));
    }

    [Theory]
    [InlineData("{\"resourceLogs\":null}", 0)]
    [InlineData("{\"resourceLogs\":[{\"resource\":null,\"scopeLogs\":null}]}", 0)]
    [InlineData("{\"resourceLogs\":[{\"scopeLogs\":[{\"scope\":null,\"logRecords\":[{\"body\":null,\"attributes\":null,\"traceId\":null,\"timeUnixNano\":null}]}]}]}", 1)]
    public void Decode_JsonNullFields_TreatedAsDefaults(string json, int accepted)
    {
        (TelemetryBatch batch, DecodeResult result) = Decode(Signal.Logs, PayloadEncoding.Json, Encoding.UTF8.GetBytes(json));

        Assert.Equal(new DecodeResult(accepted, 0, null), result);
        Assert.All(batch.Logs, l => Assert.Equal((Received, string.Empty, string.Empty), (l.TimeUnixNano, l.Body, l.TraceId)));
    }

    [Fact]
    public void Decode_ReceiveTimeNotSet_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => OtlpDecoder.Decode(Signal.Logs, PayloadEncoding.Protobuf, [], new TelemetryBatch { Product = "shop" }, Limits));
    }

    [Fact]
    public void Decode_EmptyRequest_AcceptsNothing()
    {
        Assert.Equal(new DecodeResult(0, 0, null), Decode(Signal.Logs, PayloadEncoding.Protobuf, []).Result);
        Assert.Equal(new DecodeResult(0, 0, null), Decode(Signal.Metrics, PayloadEncoding.Json, "{}"u8.ToArray()).Result);
    }

    [Fact]
    public void Decode_ManyRejected_MessageCountsAllAndListsFirstReasons()
    {
        ExportLogsServiceRequest request = Logs(Enumerable.Range(0, 5).Select(_ => new LogRecord { SeverityNumber = (SeverityNumber)99 }).ToArray());

        DecodeResult result = Decode(Signal.Logs, PayloadEncoding.Protobuf, request.ToByteArray()).Result;

        Assert.Equal((0, 5), (result.Accepted, result.Rejected));
        Assert.StartsWith("5 of 5 log records rejected:", result.RejectionMessage);
        Assert.Equal(3, result.RejectionMessage!.Split("; ").Length);
    }

    private static AnyValue Nested(int depth)
    {
        AnyValue value = Str("leaf");
        for (int i = 0; i < depth; i++)
        {
            value = Array(value);
        }

        return value;
    }

    // Built from the outside in with precomputed lengths: concatenating inside-out would copy quadratically.
    private static byte[] DeepProtobufValue(int depth)
    {
        byte[] leaf = Field(1, "x"u8);
        var anyLength = new int[depth + 1];
        var arrayLength = new int[depth + 1];
        anyLength[0] = leaf.Length;
        for (int i = 1; i <= depth; i++)
        {
            arrayLength[i] = 1 + CodedOutputStream.ComputeLengthSize(anyLength[i - 1]) + anyLength[i - 1];
            anyLength[i] = 1 + CodedOutputStream.ComputeLengthSize(arrayLength[i]) + arrayLength[i];
        }

        var output = new MemoryStream();
        var coded = new CodedOutputStream(output);
        for (int i = depth; i >= 1; i--)
        {
            coded.WriteTag(5, WireFormat.WireType.LengthDelimited);
            coded.WriteLength(arrayLength[i]);
            coded.WriteTag(1, WireFormat.WireType.LengthDelimited);
            coded.WriteLength(anyLength[i - 1]);
        }

        coded.Flush();
        output.Write(leaf);
        return output.ToArray();
    }

    /// <summary>Every model field of every item, as text, so two decodes can be compared in one assertion.</summary>
    /// <summary>Attributes on both sides of every edge of the decoder's one-pass KeyValue shortcut (ProtoReader.TryReadSimpleKeyValue).</summary>
    private static LogRecord ShortcutEdges()
    {
        var record = new LogRecord { TimeUnixNano = T1, EventName = "edges" };
        foreach (int length in new[] { 0, 1, 63, 64, 65, 125, 126, 127, 128, 200 })
        {
            record.Attributes.Add(Kv("s" + length, Str(new string('v', length))));
            record.Attributes.Add(Kv(new string('k', length), Str("key of " + length)));
        }

        foreach (long n in new[] { 0L, 1L, 127L, 128L, -1L, long.MaxValue, long.MinValue })
        {
            record.Attributes.Add(Kv("i" + n, new AnyValue { IntValue = n }));
        }

        foreach (double d in new[] { 0.0, -0.0, 1.5, 1e300, double.Epsilon, -123.25 })
        {
            record.Attributes.Add(Kv("d" + d.ToString("R", System.Globalization.CultureInfo.InvariantCulture), new AnyValue { DoubleValue = d }));
        }

        record.Attributes.Add(Kv("t", new AnyValue { BoolValue = true }));
        record.Attributes.Add(Kv("f", new AnyValue { BoolValue = false }));
        record.Attributes.Add(Kv("bytes", new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) }));
        record.Attributes.Add(Kv("empty", new AnyValue()));
        record.Attributes.Add(Kv("array", Array(Str("a"), new AnyValue { IntValue = 2 })));
        record.Attributes.Add(Kv("ü-ключ", Str("välue ✓")));
        record.Attributes.Add(Kv("event.id", Str("0102030405060708090a0b0c0d0e0f10")));
        return record;
    }

    [Fact]
    public void Decode_AttributesAtTheShortcutsEdges_SameAsTheJsonDecoder()
    {
        // The JSON decoder shares nothing with the protobuf one's KeyValue reading: equal results
        // mean the shortcut and the field-by-field path agree wherever either is taken.
        var request = Logs(ShortcutEdges());
        (TelemetryBatch proto, DecodeResult protoResult) = Decode(Signal.Logs, PayloadEncoding.Protobuf, request.ToByteArray());
        (TelemetryBatch json, DecodeResult jsonResult) = Decode(Signal.Logs, PayloadEncoding.Json, ToOtlpJson(request));

        Assert.Equal((1, 0), (protoResult.Accepted, protoResult.Rejected));
        Assert.Equal(jsonResult, protoResult);
        Assert.Equal(Describe(json), Describe(proto));
        Assert.Contains("i-1=-1;", Describe(proto)[0], StringComparison.Ordinal);
        Assert.Contains($"i{long.MinValue}={long.MinValue};", Describe(proto)[0], StringComparison.Ordinal);
        Assert.Equal(UInt128.Parse("0102030405060708090a0b0c0d0e0f10", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture), proto.Logs[0].EventId);
    }

    [Fact]
    public void Decode_KeyValueWithTheValueFirst_SameAsKeyFirst()
    {
        // The shortcut takes key-then-value only; the other order goes field by field, to the same result.
        byte[] keyFirst = Logs(new LogRecord { TimeUnixNano = T1, Attributes = { Kv("k", Str("v")) } }).ToByteArray();
        byte[] kv = [0x0A, 1, (byte)'k', 0x12, 3, 0x0A, 1, (byte)'v'];
        byte[] valueFirst = [0x12, 3, 0x0A, 1, (byte)'v', 0x0A, 1, (byte)'k'];
        int at = keyFirst.AsSpan().IndexOf(kv);
        Assert.True(at > 0);
        byte[] swapped = [.. keyFirst[..at], .. valueFirst, .. keyFirst[(at + kv.Length)..]];

        Assert.Equal(Describe(Decode(Signal.Logs, PayloadEncoding.Protobuf, keyFirst).Batch), Describe(Decode(Signal.Logs, PayloadEncoding.Protobuf, swapped).Batch));
    }

    private static List<string> Describe(TelemetryBatch batch)
    {
        var lines = new List<string>();
        foreach (LogEvent l in batch.Logs)
        {
            lines.Add($"log {l.EventId} {l.TimeUnixNano} {l.ObservedTimeUnixNano} {l.TraceId} {l.SpanId} {l.TraceFlags} {l.SeverityText} {l.SeverityNumber} [{l.Body}] {l.EventName} {l.DroppedAttributesCount} {Attrs(l.Attributes)} {Block(l.Resource, l.Scope)}");
        }

        foreach (SpanEvent s in batch.Spans)
        {
            lines.Add($"span {s.EventId} {s.StartTimeUnixNano} {s.EndTimeUnixNano} {s.TraceId} {s.SpanId} {s.ParentSpanId} {s.TraceState} {s.Name} {s.Kind} {s.StatusCode} {s.StatusMessage} {Attrs(s.Attributes)} {Block(s.Resource, s.Scope)}");
            lines.AddRange(s.Events.Select(e => $"  event {e.TimeUnixNano} {e.Name} {Attrs(e.Attributes)}"));
            lines.AddRange(s.Links.Select(k => $"  link {k.TraceId} {k.SpanId} {k.TraceState} {Attrs(k.Attributes)}"));
        }

        foreach (MetricPoint m in batch.Metrics)
        {
            lines.Add($"point {m.EventId} {m.Kind} {m.Name} {m.Description} {m.Unit} {Attrs(m.Attributes)} {m.StartTimeUnixNano} {m.TimeUnixNano} {m.Flags} {m.Value:R} {m.AggregationTemporality} {m.IsMonotonic} "
                + $"{m.Count} {m.Sum:R} {m.Min:R} {m.Max:R} [{string.Join(',', m.BucketCounts)}] [{string.Join(',', m.ExplicitBounds)}] {m.Scale} {m.ZeroCount} "
                + $"{m.PositiveOffset} [{string.Join(',', m.PositiveBucketCounts)}] {m.NegativeOffset} [{string.Join(',', m.NegativeBucketCounts)}] [{string.Join(',', m.Quantiles)}] [{string.Join(',', m.QuantileValues)}] {Block(m.Resource, m.Scope)}");
        }

        return lines;
    }

    private static string Attrs(AttributeList attributes)
    {
        var sb = new StringBuilder("{");
        for (int i = 0; i < attributes.Count; i++)
        {
            sb.Append(attributes.Keys[i]).Append('=').Append(attributes.Values[i]).Append(';');
        }

        return sb.Append('}').ToString();
    }

    private static string Block(ResourceInfo resource, ScopeInfo scope) =>
        $"resource {Attrs(resource.Attributes)} {resource.SchemaUrl} scope {scope.Name} {scope.Version} {Attrs(scope.Attributes)} {scope.SchemaUrl}";
}
