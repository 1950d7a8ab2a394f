using System.Buffers.Binary;
using System.Text.Json;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Otlp;

/// <summary>
/// Decodes OTLP export requests from protobuf bytes straight into the model, without generated
/// classes or an intermediate object graph. Field numbers are those of opentelemetry-proto v1;
/// unknown fields are skipped. Blocks are read in two passes where a header field (resource,
/// scope, metric name, temporality) may legally come after the items it applies to.
/// </summary>
internal static class ProtobufRequestDecoder
{
    private static readonly string[] SpanKinds = ["Unspecified", "Internal", "Server", "Client", "Producer", "Consumer"];
    private static readonly string[] StatusCodes = ["Unset", "Ok", "Error"];

    public static int Count(ReadOnlySpan<byte> payload, DecodeContext context)
    {
        var request = new ProtoReader(payload, 0, context);
        int count = CountLevel(ref request, context, 0);
        context.Up(0);
        return count;
    }

    public static void Decode(ReadOnlySpan<byte> payload, DecodeContext context)
    {
        var request = new ProtoReader(payload, 0, context);
        int r = 0;
        while (request.Next())
        {
            if (request.Field == 1)
            {
                context.At(0, r++);
                ProtoReader block = request.ReadMessage();
                DecodeResourceBlock(ref block, context);
                context.Up(0);
            }
            else
            {
                request.Skip();
            }
        }
    }

    // Items sit at field 1 (resource blocks) > 2 (scope blocks) > 2 (items); metrics add
    // metric > data kind (5, 7, 9, 10, 11) > data points (1).
    private static int CountLevel(ref ProtoReader reader, DecodeContext context, int level)
    {
        Signal signal = context.Signal;
        int count = 0;
        int index = 0;
        while (reader.Next())
        {
            int field = reader.Field;
            bool descend = level switch
            {
                0 => field == 1,
                1 or 2 => field == 2,
                3 => field is 5 or 7 or 9 or 10 or 11,
                _ => field == 1,
            };
            if (!descend)
            {
                reader.Skip();
                continue;
            }

            // Keep the path current so that a malformed block is named even when this pass finds it.
            if (level < 3)
            {
                context.At(level, index);
            }
            else if (level == 4)
            {
                context.At(3, index);
            }

            index++;
            if ((signal != Signal.Metrics && level == 2) || level == 4)
            {
                reader.ReadBytes();
                count++;
            }
            else
            {
                ProtoReader inner = reader.ReadMessage();
                count += CountLevel(ref inner, context, level + 1);
            }

            context.Up(Math.Min(level, 3));
        }

        return count;
    }

    private static void DecodeResourceBlock(ref ProtoReader block, DecodeContext context)
    {
        var resource = new ResourceInfo();
        ProtoReader scan = block;
        context.BeginItem();
        while (scan.Next())
        {
            switch (scan.Field)
            {
                case 1:
                    ProtoReader message = scan.ReadMessage();
                    while (message.Next())
                    {
                        if (message.Field == 1)
                        {
                            ProtoReader kv = message.ReadMessage();
                            ReadAttribute(ref kv, resource.Attributes, context);
                        }
                        else
                        {
                            message.Skip();
                        }
                    }

                    break;
                case 3:
                    resource.SchemaUrl = scan.ReadString();
                    break;
                default:
                    scan.Skip();
                    break;
            }
        }

        context.ResourceError = context.TakeBlockError();
        UInt128 resourceDigest = context.Digest(resource);
        int s = 0;
        while (block.Next())
        {
            if (block.Field == 2)
            {
                context.At(1, s++);
                ProtoReader scopeBlock = block.ReadMessage();
                DecodeScopeBlock(ref scopeBlock, resource, resourceDigest, context);
                context.Up(1);
            }
            else
            {
                block.Skip();
            }
        }

        context.ResourceError = null;
    }

    private static void DecodeScopeBlock(ref ProtoReader block, ResourceInfo resource, UInt128 resourceDigest, DecodeContext context)
    {
        var scope = new ScopeInfo();
        ProtoReader scan = block;
        context.BeginItem();
        while (scan.Next())
        {
            switch (scan.Field)
            {
                case 1:
                    ProtoReader message = scan.ReadMessage();
                    ReadScope(ref message, scope, context);
                    break;
                case 3:
                    scope.SchemaUrl = scan.ReadString();
                    break;
                default:
                    scan.Skip();
                    break;
            }
        }

        context.ScopeError = context.TakeBlockError();
        UInt128 scopeDigest = context.Digest(scope);
        int i = 0;
        while (block.Next())
        {
            if (block.Field == 2)
            {
                context.At(2, i++);
                ProtoReader item = block.ReadMessage();
                switch (context.Signal)
                {
                    case Signal.Logs:
                        DecodeLog(ref item, resource, scope, resourceDigest, scopeDigest, context);
                        break;
                    case Signal.Traces:
                        DecodeSpan(ref item, resource, scope, context);
                        break;
                    default:
                        DecodeMetric(ref item, resource, scope, resourceDigest, scopeDigest, context);
                        break;
                }

                context.Up(2);
            }
            else
            {
                block.Skip();
            }
        }

        context.ScopeError = null;
    }

    private static void ReadScope(ref ProtoReader message, ScopeInfo scope, DecodeContext context)
    {
        while (message.Next())
        {
            switch (message.Field)
            {
                case 1:
                    scope.Name = message.ReadString();
                    break;
                case 2:
                    scope.Version = message.ReadString();
                    break;
                case 3:
                    ProtoReader kv = message.ReadMessage();
                    ReadAttribute(ref kv, scope.Attributes, context);
                    break;
                default:
                    message.Skip();
                    break;
            }
        }
    }

    private static void DecodeLog(ref ProtoReader item, ResourceInfo resource, ScopeInfo scope, UInt128 resourceDigest, UInt128 scopeDigest, DecodeContext context)
    {
        var log = context.NewLog(resource, scope);
        ulong time = 0;
        context.BeginItem();
        while (item.Next())
        {
            switch (item.Field)
            {
                case 1:
                    time = item.ReadFixed64();
                    break;
                case 2:
                    long severity = (int)item.ReadVarint();
                    context.CheckSeverity(severity);
                    log.SeverityNumber = (byte)severity;
                    break;
                case 3:
                    log.SeverityText = context.ShortString(item.ReadBytes());
                    break;
                case 5:
                    ProtoReader body = item.ReadMessage();
                    log.Body = RenderValue(ref body, null, context);
                    break;
                case 6:
                    ProtoReader kv = item.ReadMessage();
                    ReadAttribute(ref kv, log.Attributes, context);
                    break;
                case 7:
                    log.DroppedAttributesCount = (uint)item.ReadVarint();
                    break;
                case 8:
                    log.TraceFlags = item.ReadFixed32();
                    break;
                case 9:
                    log.TraceId = context.IdToHex(item.ReadBytes(), 16, "trace id");
                    break;
                case 10:
                    log.SpanId = context.IdToHex(item.ReadBytes(), 8, "span id");
                    break;
                case 11:
                    log.ObservedTimeUnixNano = item.ReadFixed64();
                    break;
                case 12:
                    log.EventName = context.ShortString(item.ReadBytes());
                    break;
                default:
                    item.Skip();
                    break;
            }
        }

        context.CheckTime(time != 0 ? time : log.ObservedTimeUnixNano, "time");
        if (context.EndItem() && !context.CheckOnly)
        {
            context.CompleteLog(log, time, resourceDigest, scopeDigest);
            context.Batch.Logs.Add(log);
        }
    }

    private static void DecodeSpan(ref ProtoReader item, ResourceInfo resource, ScopeInfo scope, DecodeContext context)
    {
        var span = new SpanEvent { Resource = resource, Scope = scope };
        context.BeginItem();
        while (item.Next())
        {
            switch (item.Field)
            {
                case 1:
                    span.TraceId = context.IdToHex(item.ReadBytes(), 16, "trace id");
                    break;
                case 2:
                    span.SpanId = context.IdToHex(item.ReadBytes(), 8, "span id");
                    break;
                case 3:
                    span.TraceState = item.ReadString();
                    break;
                case 4:
                    span.ParentSpanId = context.IdToHex(item.ReadBytes(), 8, "parent span id");
                    break;
                case 5:
                    span.Name = item.ReadString();
                    break;
                case 6:
                    ulong kind = item.ReadVarint();
                    span.Kind = kind < (ulong)SpanKinds.Length ? SpanKinds[kind] : SpanKinds[0];
                    break;
                case 7:
                    span.StartTimeUnixNano = item.ReadFixed64();
                    break;
                case 8:
                    span.EndTimeUnixNano = item.ReadFixed64();
                    break;
                case 9:
                    ProtoReader kv = item.ReadMessage();
                    ReadAttribute(ref kv, span.Attributes, context);
                    break;
                case 11:
                    ProtoReader spanEvent = item.ReadMessage();
                    span.Events.Add(ReadSpanEvent(ref spanEvent, context));
                    break;
                case 13:
                    ProtoReader link = item.ReadMessage();
                    span.Links.Add(ReadLink(ref link, context));
                    break;
                case 15:
                    ProtoReader status = item.ReadMessage();
                    ReadStatus(ref status, span);
                    break;
                default:
                    item.Skip();
                    break;
            }
        }

        context.CheckTime(span.StartTimeUnixNano, "start time");
        context.CheckTime(span.EndTimeUnixNano, "end time");
        if (context.EndItem())
        {
            context.CompleteSpan(span);
            context.Batch.Spans.Add(span);
        }
    }

    private static SpanEventEntry ReadSpanEvent(ref ProtoReader message, DecodeContext context)
    {
        var entry = new SpanEventEntry();
        while (message.Next())
        {
            switch (message.Field)
            {
                case 1:
                    entry.TimeUnixNano = message.ReadFixed64();
                    break;
                case 2:
                    entry.Name = message.ReadString();
                    break;
                case 3:
                    ProtoReader kv = message.ReadMessage();
                    ReadAttribute(ref kv, entry.Attributes, context);
                    break;
                default:
                    message.Skip();
                    break;
            }
        }

        return entry;
    }

    private static SpanLinkEntry ReadLink(ref ProtoReader message, DecodeContext context)
    {
        var link = new SpanLinkEntry();
        while (message.Next())
        {
            switch (message.Field)
            {
                case 1:
                    link.TraceId = context.IdToHex(message.ReadBytes(), 16, "link trace id");
                    break;
                case 2:
                    link.SpanId = context.IdToHex(message.ReadBytes(), 8, "link span id");
                    break;
                case 3:
                    link.TraceState = message.ReadString();
                    break;
                case 4:
                    ProtoReader kv = message.ReadMessage();
                    ReadAttribute(ref kv, link.Attributes, context);
                    break;
                default:
                    message.Skip();
                    break;
            }
        }

        return link;
    }

    private static void ReadStatus(ref ProtoReader message, SpanEvent span)
    {
        while (message.Next())
        {
            switch (message.Field)
            {
                case 2:
                    span.StatusMessage = message.ReadString();
                    break;
                case 3:
                    ulong code = message.ReadVarint();
                    span.StatusCode = code < (ulong)StatusCodes.Length ? StatusCodes[code] : StatusCodes[0];
                    break;
                default:
                    message.Skip();
                    break;
            }
        }
    }

    private static void DecodeMetric(ref ProtoReader metric, ResourceInfo resource, ScopeInfo scope, UInt128 resourceDigest, UInt128 scopeDigest, DecodeContext context)
    {
        var header = new MetricPoint { Resource = resource, Scope = scope };
        ProtoReader scan = metric;
        while (scan.Next())
        {
            switch (scan.Field)
            {
                case 1:
                    header.Name = scan.ReadString();
                    break;
                case 2:
                    header.Description = scan.ReadString();
                    break;
                case 3:
                    header.Unit = scan.ReadString();
                    break;
                default:
                    scan.Skip();
                    break;
            }
        }

        int p = 0;
        while (metric.Next())
        {
            MetricKind kind = metric.Field switch
            {
                5 => MetricKind.Gauge,
                7 => MetricKind.Sum,
                9 => MetricKind.Histogram,
                10 => MetricKind.ExponentialHistogram,
                11 => MetricKind.Summary,
                _ => 0,
            };
            if (kind == 0)
            {
                metric.Skip();
                continue;
            }

            ProtoReader data = metric.ReadMessage();
            header.Kind = kind;
            header.AggregationTemporality = 0;
            header.IsMonotonic = false;
            ProtoReader dataScan = data;
            while (dataScan.Next())
            {
                if (dataScan.Field == 2 && kind is MetricKind.Sum or MetricKind.Histogram or MetricKind.ExponentialHistogram)
                {
                    header.AggregationTemporality = (int)dataScan.ReadVarint();
                }
                else if (dataScan.Field == 3 && kind == MetricKind.Sum)
                {
                    header.IsMonotonic = dataScan.ReadVarint() != 0;
                }
                else
                {
                    dataScan.Skip();
                }
            }

            while (data.Next())
            {
                if (data.Field != 1)
                {
                    data.Skip();
                    continue;
                }

                context.At(3, p++);
                ProtoReader point = data.ReadMessage();
                DecodePoint(ref point, header, resourceDigest, scopeDigest, context);
                context.Up(3);
            }
        }
    }

    private static void DecodePoint(ref ProtoReader point, MetricPoint header, UInt128 resourceDigest, UInt128 scopeDigest, DecodeContext context)
    {
        var mp = new MetricPoint
        {
            Kind = header.Kind,
            Name = header.Name,
            Description = header.Description,
            Unit = header.Unit,
            AggregationTemporality = header.AggregationTemporality,
            IsMonotonic = header.IsMonotonic,
            Resource = header.Resource,
            Scope = header.Scope,
        };
        context.BeginItem();
        int attributesField = header.Kind switch
        {
            MetricKind.Histogram => 9,
            MetricKind.ExponentialHistogram => 1,
            _ => 7,
        };
        while (point.Next())
        {
            int field = point.Field;
            if (field == attributesField)
            {
                ProtoReader kv = point.ReadMessage();
                ReadAttribute(ref kv, mp.Attributes, context);
            }
            else if (field == 2)
            {
                mp.StartTimeUnixNano = point.ReadFixed64();
            }
            else if (field == 3)
            {
                mp.TimeUnixNano = point.ReadFixed64();
            }
            else
            {
                switch (header.Kind)
                {
                    case MetricKind.Gauge or MetricKind.Sum:
                        ReadNumberField(ref point, mp);
                        break;
                    case MetricKind.Histogram:
                        ReadHistogramField(ref point, mp);
                        break;
                    case MetricKind.ExponentialHistogram:
                        ReadExponentialField(ref point, mp);
                        break;
                    default:
                        ReadSummaryField(ref point, mp);
                        break;
                }
            }
        }

        context.CheckTime(mp.TimeUnixNano, "time");
        if (context.EndItem())
        {
            context.CompletePoint(mp, resourceDigest, scopeDigest);
            context.Batch.Metrics.Add(mp);
        }
    }

    private static void ReadNumberField(ref ProtoReader point, MetricPoint mp)
    {
        switch (point.Field)
        {
            case 4:
                mp.Value = point.ReadDouble();
                break;
            case 6:
                mp.Value = (long)point.ReadFixed64();
                break;
            case 8:
                mp.Flags = (uint)point.ReadVarint();
                break;
            default:
                point.Skip();
                break;
        }
    }

    private static void ReadHistogramField(ref ProtoReader point, MetricPoint mp)
    {
        switch (point.Field)
        {
            case 4:
                mp.Count = point.ReadFixed64();
                break;
            case 5:
                mp.Sum = point.ReadDouble();
                break;
            case 6:
                point.ReadRepeatedFixed64(mp.BucketCounts);
                break;
            case 7:
                point.ReadRepeatedDouble(mp.ExplicitBounds);
                break;
            case 10:
                mp.Flags = (uint)point.ReadVarint();
                break;
            case 11:
                mp.Min = point.ReadDouble();
                break;
            case 12:
                mp.Max = point.ReadDouble();
                break;
            default:
                point.Skip();
                break;
        }
    }

    private static void ReadExponentialField(ref ProtoReader point, MetricPoint mp)
    {
        switch (point.Field)
        {
            case 4:
                mp.Count = point.ReadFixed64();
                break;
            case 5:
                mp.Sum = point.ReadDouble();
                break;
            case 6:
                mp.Scale = (int)point.ReadSInt64();
                break;
            case 7:
                mp.ZeroCount = point.ReadFixed64();
                break;
            case 8:
                ProtoReader positive = point.ReadMessage();
                mp.PositiveOffset = ReadBuckets(ref positive, mp.PositiveBucketCounts);
                break;
            case 9:
                ProtoReader negative = point.ReadMessage();
                mp.NegativeOffset = ReadBuckets(ref negative, mp.NegativeBucketCounts);
                break;
            case 10:
                mp.Flags = (uint)point.ReadVarint();
                break;
            case 12:
                mp.Min = point.ReadDouble();
                break;
            case 13:
                mp.Max = point.ReadDouble();
                break;
            default:
                point.Skip();
                break;
        }
    }

    private static int ReadBuckets(ref ProtoReader buckets, List<ulong> counts)
    {
        int offset = 0;
        while (buckets.Next())
        {
            switch (buckets.Field)
            {
                case 1:
                    offset = (int)buckets.ReadSInt64();
                    break;
                case 2:
                    buckets.ReadRepeatedVarint(counts);
                    break;
                default:
                    buckets.Skip();
                    break;
            }
        }

        return offset;
    }

    private static void ReadSummaryField(ref ProtoReader point, MetricPoint mp)
    {
        switch (point.Field)
        {
            case 4:
                mp.Count = point.ReadFixed64();
                break;
            case 5:
                mp.Sum = point.ReadDouble();
                break;
            case 6:
                ProtoReader quantile = point.ReadMessage();
                double q = 0;
                double v = 0;
                while (quantile.Next())
                {
                    switch (quantile.Field)
                    {
                        case 1:
                            q = quantile.ReadDouble();
                            break;
                        case 2:
                            v = quantile.ReadDouble();
                            break;
                        default:
                            quantile.Skip();
                            break;
                    }
                }

                mp.Quantiles.Add(q);
                mp.QuantileValues.Add(v);
                break;
            case 8:
                mp.Flags = (uint)point.ReadVarint();
                break;
            default:
                point.Skip();
                break;
        }
    }

    /// <summary>Reads one KeyValue into <paramref name="into"/>; the value may precede the key on the wire.</summary>
    private static void ReadAttribute(ref ProtoReader kv, AttributeList into, DecodeContext context)
    {
        if (kv.TryReadSimpleKeyValue(out ReadOnlySpan<byte> simpleKey, out int field, out ReadOnlySpan<byte> bytes))
        {
            ReadSimpleAttribute(simpleKey, field, bytes, into, context);
            return;
        }

        if (context.CheckOnly)
        {
            CheckAttribute(ref kv, context);
            return;
        }

        bool hasValue = ReadKeyValue(ref kv, out ReadOnlySpan<byte> keyUtf8, out ProtoReader value);
        string key = context.ShortString(keyUtf8);
        if (hasValue && context.WantsWireEventId && key == "event.id" && TryStringValue(value, out ReadOnlySpan<byte> eventId))
        {
            // The id is all the record keeps of it (see OtlpDecoder): no string for a value unique to every event.
            context.CheckValueSize(key, eventId.Length);
            context.TakeWireEventId(eventId);
            return;
        }

        into.Add(key, hasValue ? RenderValue(ref value, key, context) : string.Empty);
    }

    /// <summary>
    /// A KeyValue of the common shape (see <see cref="ProtoReader.TryReadSimpleKeyValue"/>): the same
    /// checks, errors and text as the field-by-field path below, without its readers.
    /// </summary>
    private static void ReadSimpleAttribute(ReadOnlySpan<byte> keyUtf8, int field, ReadOnlySpan<byte> bytes, AttributeList into, DecodeContext context)
    {
        if (field == 1 && bytes.Length > context.Limits.MaxAttributeValueBytes)
        {
            context.CheckValueSize(context.ShortString(keyUtf8), bytes.Length);
        }

        if (context.CheckOnly)
        {
            return;
        }

        // Records of one request mostly carry the same keys in the same order, and many of the same
        // values (session, user, device): the n-th key and value are first compared with the last ones.
        int position = into.Count * 2;
        string key = context.ShortString(keyUtf8, position);
        if (field == 1 && context.WantsWireEventId && key == "event.id")
        {
            context.TakeWireEventId(bytes);
            return;
        }

        into.Add(key, field switch
        {
            1 => context.ShortString(bytes, position + 1),
            2 => ProtoReader.VarintValue(bytes) != 0 ? "true" : "false",
            3 => context.IntText((long)ProtoReader.VarintValue(bytes)),
            _ => context.DoubleText(BitConverter.UInt64BitsToDouble(BinaryPrimitives.ReadUInt64LittleEndian(bytes))),
        });
    }

    /// <summary>A KeyValue's key and value, in whichever order they come on the wire; false when it has no value.</summary>
    private static bool ReadKeyValue(ref ProtoReader kv, out ReadOnlySpan<byte> key, out ProtoReader value)
    {
        key = default;
        value = default;
        bool hasValue = false;
        while (kv.Next())
        {
            switch (kv.Field)
            {
                case 1:
                    key = kv.ReadBytes();
                    break;
                case 2:
                    value = kv.ReadMessage();
                    hasValue = true;
                    break;
                default:
                    kv.Skip();
                    break;
            }
        }

        return hasValue;
    }

    /// <summary>
    /// The ingest check of one KeyValue: the same checks and errors as <see cref="RenderValue"/> gives it
    /// in a full decode, without making strings; the key becomes one only for an error's message.
    /// </summary>
    private static void CheckAttribute(ref ProtoReader kv, DecodeContext context)
    {
        bool hasValue = ReadKeyValue(ref kv, out ReadOnlySpan<byte> key, out ProtoReader value);
        ProtoReader scan = value;
        while (hasValue && scan.Next())
        {
            switch (scan.Field)
            {
                case 1 or 7:
                    int length = scan.ReadBytes().Length;
                    if (length > context.Limits.MaxAttributeValueBytes)
                    {
                        context.CheckValueSize(context.ShortString(key), length);
                    }

                    break;
                case 2 or 3:
                    scan.ReadVarint();
                    break;
                case 4:
                    scan.ReadDouble();
                    break;
                case 5 or 6:
                    // Arrays and lists: checked (depth, sizes of what they hold) as a full decode renders them.
                    RenderValue(ref value, context.ShortString(key), context);
                    return;
                default:
                    scan.Skip();
                    break;
            }
        }
    }

    /// <summary>The UTF-8 of an AnyValue that is a string (its last oneof member wins); false for any other value.</summary>
    private static bool TryStringValue(ProtoReader value, out ReadOnlySpan<byte> text)
    {
        text = default;
        bool isString = false;
        while (value.Next())
        {
            isString = value.Field == 1 && value.Wire == WireType.LengthDelimited;
            if (isString)
            {
                text = value.ReadBytes();
            }
            else
            {
                value.Skip();
            }
        }

        return isString;
    }

    /// <summary>Renders an AnyValue as the model's text (see <see cref="AttributeList"/>); the last oneof member wins.</summary>
    private static string RenderValue(ref ProtoReader value, string? key, DecodeContext context)
    {
        string result = string.Empty;
        while (value.Next())
        {
            switch (value.Field)
            {
                case 1:
                    ReadOnlySpan<byte> text = value.ReadBytes();
                    context.CheckValueSize(key, text.Length);
                    result = context.CheckOnly ? string.Empty : context.ShortString(text);
                    break;
                case 2:
                    result = value.ReadVarint() != 0 ? "true" : "false";
                    break;
                case 3:
                    long number = (long)value.ReadVarint();
                    result = context.CheckOnly ? string.Empty : context.IntText(number);
                    break;
                case 4:
                    double real = value.ReadDouble();
                    result = context.CheckOnly ? string.Empty : context.DoubleText(real);
                    break;
                case 5 or 6:
                    bool isArray = value.Field == 5;
                    ProtoReader nested = value.ReadMessage();
                    Utf8JsonWriter json = context.StartJson();
                    WriteNested(ref nested, isArray, json, key, 1, context);
                    result = context.TakeJson();
                    break;
                case 7:
                    ReadOnlySpan<byte> bytes = value.ReadBytes();
                    context.CheckValueSize(key, bytes.Length);
                    result = context.CheckOnly ? string.Empty : Convert.ToBase64String(bytes);
                    break;
                default:
                    value.Skip();
                    break;
            }
        }

        return result;
    }

    /// <summary>Writes an ArrayValue or KeyValueList as JSON; refuses to go deeper than the limit before recursing.</summary>
    private static void WriteNested(ref ProtoReader list, bool isArray, Utf8JsonWriter json, string? key, int depth, DecodeContext context)
    {
        if (!context.CheckDepth(key, depth))
        {
            json.WriteNullValue();
            return;
        }

        if (isArray)
        {
            json.WriteStartArray();
        }
        else
        {
            json.WriteStartObject();
        }

        while (list.Next())
        {
            if (list.Field != 1)
            {
                list.Skip();
                continue;
            }

            ProtoReader element = list.ReadMessage();
            if (isArray)
            {
                WriteValue(ref element, json, key, depth, context);
                continue;
            }

            bool hasValue = ReadKeyValue(ref element, out ReadOnlySpan<byte> name, out ProtoReader value);
            json.WritePropertyName(System.Text.Encoding.UTF8.GetString(name));
            if (hasValue)
            {
                WriteValue(ref value, json, key, depth, context);
            }
            else
            {
                json.WriteNullValue();
            }
        }

        if (isArray)
        {
            json.WriteEndArray();
        }
        else
        {
            json.WriteEndObject();
        }
    }

    private static void WriteValue(ref ProtoReader value, Utf8JsonWriter json, string? key, int depth, DecodeContext context)
    {
        // A oneof: find the member that wins (the last one) before writing, as JSON cannot be unwritten.
        ProtoReader scan = value;
        int last = 0;
        while (scan.Next())
        {
            if (scan.Field is >= 1 and <= 7)
            {
                last = scan.Field;
            }

            scan.Skip();
        }

        if (last == 0)
        {
            json.WriteNullValue();
            return;
        }

        while (value.Next())
        {
            if (value.Field != last)
            {
                value.Skip();
                continue;
            }

            switch (last)
            {
                case 1:
                    ReadOnlySpan<byte> text = value.ReadBytes();
                    context.CheckValueSize(key, text.Length);
                    json.WriteStringValue(System.Text.Encoding.UTF8.GetString(text));
                    break;
                case 2:
                    json.WriteBooleanValue(value.ReadVarint() != 0);
                    break;
                case 3:
                    json.WriteNumberValue((long)value.ReadVarint());
                    break;
                case 4:
                    WriteDouble(json, value.ReadDouble());
                    break;
                case 5 or 6:
                    ProtoReader nested = value.ReadMessage();
                    WriteNested(ref nested, last == 5, json, key, depth + 1, context);
                    break;
                default:
                    ReadOnlySpan<byte> bytes = value.ReadBytes();
                    context.CheckValueSize(key, bytes.Length);
                    json.WriteBase64StringValue(bytes);
                    break;
            }

            return;
        }
    }

    internal static void WriteDouble(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteStringValue(NumberTexts.FormatDouble(value));
        }
    }
}
