using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Sluice.Receiver.Tests.Otlp;

/// <summary>Requests for the decoder's tests, built with the generated classes (an encoder independent of the decoder).</summary>
internal static class OtlpTestRequests
{
    public const ulong Received = 1_700_000_000_000_000_000;
    public const ulong T1 = Received - 5_000_000_000;

    public static readonly byte[] TraceId = Convert.FromHexString("0102030405060708090A0B0C0D0E0F10");
    public static readonly byte[] SpanId = Convert.FromHexString("A1A2A3A4A5A6A7A8");
    public static readonly byte[] ParentId = Convert.FromHexString("B1B2B3B4B5B6B7B8");

    public static KeyValue Kv(string key, AnyValue value) => new() { Key = key, Value = value };

    public static AnyValue Str(string s) => new() { StringValue = s };

    public static AnyValue Array(params AnyValue[] values)
    {
        var array = new ArrayValue();
        array.Values.AddRange(values);
        return new AnyValue { ArrayValue = array };
    }

    public static AnyValue KvList(params KeyValue[] values)
    {
        var list = new KeyValueList();
        list.Values.AddRange(values);
        return new AnyValue { KvlistValue = list };
    }

    public static Resource Resource() => new()
    {
        Attributes = { Kv("service.name", Str("checkout")), Kv("host.count", new AnyValue { IntValue = 3 }) },
    };

    public static InstrumentationScope Scope() => new()
    {
        Name = "lib",
        Version = "1.2",
        Attributes = { Kv("scope.attr", new AnyValue { BoolValue = true }) },
    };

    /// <summary>Every kind of attribute value, and what the model renders each as.</summary>
    public static IEnumerable<(KeyValue Attribute, string Expected)> AllValueKinds()
    {
        yield return (Kv("s", Str("text ü")), "text ü");
        yield return (Kv("b", new AnyValue { BoolValue = true }), "true");
        yield return (Kv("i", new AnyValue { IntValue = -42 }), "-42");
        yield return (Kv("d", new AnyValue { DoubleValue = 0.1 }), "0.1");
        yield return (Kv("bytes", new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) }), "AQID");
        yield return (Kv("arr", Array(new AnyValue { BoolValue = false }, new AnyValue { DoubleValue = 1.5 }, Str("x"), new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) }, new AnyValue { IntValue = 7 })), "[false,1.5,\"x\",\"AQID\",7]");
        yield return (Kv("kv", KvList(Kv("a", new AnyValue { IntValue = 1 }), Kv("nested", Array(Str("y"))))), "{\"a\":1,\"nested\":[\"y\"]}");
        yield return (new KeyValue { Key = "empty" }, string.Empty);
    }

    public static ExportLogsServiceRequest Logs()
    {
        var full = new LogRecord
        {
            TimeUnixNano = T1,
            ObservedTimeUnixNano = T1 + 1,
            SeverityNumber = SeverityNumber.Info2,
            SeverityText = "INFO",
            Body = KvList(Kv("msg", Str("hello")), Kv("n", new AnyValue { IntValue = 5 })),
            DroppedAttributesCount = 2,
            Flags = 1,
            TraceId = ByteString.CopyFrom(TraceId),
            SpanId = ByteString.CopyFrom(SpanId),
            EventName = "checkout.completed",
        };
        foreach ((KeyValue attribute, _) in AllValueKinds())
        {
            full.Attributes.Add(attribute);
        }

        var noTimes = new LogRecord { Body = Str("plain"), Attributes = { Kv("event.name", Str("from.attribute")) } };
        var observedOnly = new LogRecord { ObservedTimeUnixNano = T1 + 7, Body = Str("observed") };
        var scopeLogs = new ScopeLogs { Scope = Scope(), SchemaUrl = "https://scope/schema", LogRecords = { full, noTimes, observedOnly } };
        var second = new ScopeLogs { Scope = new InstrumentationScope { Name = "other" }, LogRecords = { new LogRecord { TimeUnixNano = T1, Body = Str("second scope") } } };
        return new ExportLogsServiceRequest
        {
            ResourceLogs =
            {
                new ResourceLogs { Resource = Resource(), SchemaUrl = "https://resource/schema", ScopeLogs = { scopeLogs, second } },
            },
        };
    }

    public static ExportLogsServiceRequest Logs(params LogRecord[] records)
    {
        var scope = new ScopeLogs { Scope = Scope() };
        scope.LogRecords.AddRange(records);
        return new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { Resource = Resource(), ScopeLogs = { scope } } } };
    }

    public static ExportTraceServiceRequest Traces()
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(TraceId),
            SpanId = ByteString.CopyFrom(SpanId),
            ParentSpanId = ByteString.CopyFrom(ParentId),
            TraceState = "k=v",
            Flags = 0x101,
            Name = "GET /cart",
            Kind = Span.Types.SpanKind.Server,
            StartTimeUnixNano = T1,
            EndTimeUnixNano = T1 + 1000,
            Attributes = { Kv("http.method", Str("GET")), Kv("http.status", new AnyValue { IntValue = 200 }) },
            DroppedAttributesCount = 1,
            Events = { new Span.Types.Event { TimeUnixNano = T1 + 10, Name = "cache.miss", Attributes = { Kv("key", Str("cart:1")) } } },
            DroppedEventsCount = 1,
            Links = { new Span.Types.Link { TraceId = ByteString.CopyFrom(TraceId), SpanId = ByteString.CopyFrom(ParentId), TraceState = "a=b", Attributes = { Kv("link.kind", Str("follows")) } } },
            Status = new Status { Code = Status.Types.StatusCode.Error, Message = "boom" },
        };
        var root = new Span { TraceId = ByteString.CopyFrom(TraceId), SpanId = ByteString.CopyFrom(ParentId), Name = "root", Kind = Span.Types.SpanKind.Consumer, StartTimeUnixNano = T1, EndTimeUnixNano = T1 + 5000 };
        return new ExportTraceServiceRequest
        {
            ResourceSpans = { new ResourceSpans { Resource = Resource(), ScopeSpans = { new ScopeSpans { Scope = Scope(), Spans = { span, root } } } } },
        };
    }

    public static ExportMetricsServiceRequest Metrics()
    {
        KeyValue attr = Kv("route", Str("/cart"));
        var gauge = new Metric
        {
            Name = "cpu",
            Description = "CPU use",
            Unit = "1",
            Gauge = new Gauge { DataPoints = { new NumberDataPoint { TimeUnixNano = T1, StartTimeUnixNano = T1 - 10, AsDouble = 0.75, Flags = 1, Attributes = { attr } } } },
        };
        var sum = new Metric
        {
            Name = "requests",
            Unit = "{request}",
            Sum = new Sum
            {
                AggregationTemporality = AggregationTemporality.Cumulative,
                IsMonotonic = true,
                DataPoints =
                {
                    new NumberDataPoint { TimeUnixNano = T1, StartTimeUnixNano = T1 - 100, AsInt = -12, Attributes = { attr } },
                    new NumberDataPoint { TimeUnixNano = T1 + 1, AsInt = 13 },
                },
            },
        };
        var histogram = new Metric
        {
            Name = "latency",
            Unit = "ms",
            Histogram = new Histogram
            {
                AggregationTemporality = AggregationTemporality.Delta,
                DataPoints =
                {
                    new HistogramDataPoint
                    {
                        TimeUnixNano = T1,
                        StartTimeUnixNano = T1 - 1,
                        Count = 6,
                        Sum = 21.5,
                        Min = 0.5,
                        Max = 9,
                        BucketCounts = { 1, 2, 3 },
                        ExplicitBounds = { 1, 5 },
                        Flags = 0,
                        Attributes = { attr },
                    },
                },
            },
        };
        var exponential = new Metric
        {
            Name = "size",
            Unit = "By",
            ExponentialHistogram = new ExponentialHistogram
            {
                AggregationTemporality = AggregationTemporality.Cumulative,
                DataPoints =
                {
                    new ExponentialHistogramDataPoint
                    {
                        TimeUnixNano = T1,
                        StartTimeUnixNano = T1 - 2,
                        Count = 10,
                        Sum = 100.25,
                        Scale = -3,
                        ZeroCount = 1,
                        Positive = new ExponentialHistogramDataPoint.Types.Buckets { Offset = -2, BucketCounts = { 4, 300 } },
                        Negative = new ExponentialHistogramDataPoint.Types.Buckets { Offset = 5, BucketCounts = { 5 } },
                        Min = -7,
                        Max = 70,
                        ZeroThreshold = 0.001,
                        Attributes = { attr },
                    },
                },
            },
        };
        var summary = new Metric
        {
            Name = "legacy",
            Summary = new Summary
            {
                DataPoints =
                {
                    new SummaryDataPoint
                    {
                        TimeUnixNano = T1,
                        Count = 3,
                        Sum = 6,
                        QuantileValues =
                        {
                            new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.5, Value = 2 },
                            new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 1, Value = 3 },
                        },
                        Attributes = { attr },
                    },
                },
            },
        };
        return new ExportMetricsServiceRequest
        {
            ResourceMetrics =
            {
                new ResourceMetrics
                {
                    Resource = Resource(),
                    ScopeMetrics = { new ScopeMetrics { Scope = Scope(), Metrics = { gauge, sum, histogram, exponential, summary } } },
                },
            },
        };
    }

    /// <summary>
    /// The OTLP/JSON form of a request: the proto3 JSON mapping from Google.Protobuf's formatter, with
    /// trace and span ids turned from base64 into hex as OTLP requires.
    /// </summary>
    public static byte[] ToOtlpJson(IMessage message, bool snakeCase = false, bool enumsAsIntegers = false)
    {
        var settings = JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(snakeCase).WithFormatEnumsAsIntegers(enumsAsIntegers);
        JsonNode node = JsonNode.Parse(new JsonFormatter(settings).Format(message))!;
        HexIds(node);
        return System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static void HexIds(JsonNode? node)
    {
        if (node is JsonArray array)
        {
            foreach (JsonNode? element in array)
            {
                HexIds(element);
            }
        }
        else if (node is JsonObject obj)
        {
            foreach (string name in obj.Select(p => p.Key).ToList())
            {
                if (name is "traceId" or "spanId" or "parentSpanId" or "trace_id" or "span_id" or "parent_span_id")
                {
                    obj[name] = Convert.ToHexString(Convert.FromBase64String(obj[name]!.GetValue<string>()));
                }
                else
                {
                    HexIds(obj[name]);
                }
            }
        }
    }

    /// <summary>Protobuf bytes of a length-delimited field, for hand-built inputs (unknown fields, deep nesting).</summary>
    public static byte[] Field(int number, ReadOnlySpan<byte> value)
    {
        var output = new MemoryStream();
        var coded = new CodedOutputStream(output);
        coded.WriteTag(number, WireFormat.WireType.LengthDelimited);
        coded.WriteLength(value.Length);
        coded.Flush();
        output.Write(value);
        return output.ToArray();
    }

    /// <summary>Unknown fields of every wire type, as a newer producer might add them.</summary>
    public static byte[] UnknownFields()
    {
        var output = new MemoryStream();
        var coded = new CodedOutputStream(output);
        coded.WriteTag(900, WireFormat.WireType.Varint);
        coded.WriteUInt64(ulong.MaxValue);
        coded.WriteTag(901, WireFormat.WireType.Fixed64);
        coded.WriteFixed64(7);
        coded.WriteTag(902, WireFormat.WireType.LengthDelimited);
        coded.WriteString("future");
        coded.WriteTag(903, WireFormat.WireType.Fixed32);
        coded.WriteFixed32(9);
        coded.Flush();
        return output.ToArray();
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static ulong ReadBigEndianHalf(UInt128 value) => (ulong)(value >> 64);

    public static UInt128 FromHex(string hex) => BinaryPrimitives.ReadUInt128BigEndian(Convert.FromHexString(hex));
}
