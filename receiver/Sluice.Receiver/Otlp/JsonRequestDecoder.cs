using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Otlp;

/// <summary>
/// Decodes OTLP/JSON export requests: the proto3 JSON mapping with OTLP's exceptions (ids as hex,
/// enums as integers or names, 64-bit integers as numbers or strings), lowerCamelCase field names
/// with snake_case accepted too. Unknown fields are skipped. The parsed document is bounded in
/// depth, so hostile nesting fails as malformed input instead of recursing.
/// </summary>
internal static class JsonRequestDecoder
{
    private static readonly string[] SpanKinds = ["Unspecified", "Internal", "Server", "Client", "Producer", "Consumer"];
    private static readonly string[] StatusCodes = ["Unset", "Ok", "Error"];

    /// <summary>Parses the payload; <paramref name="rented"/> backs the document and goes back to the pool after it is disposed.</summary>
    public static JsonDocument Parse(ReadOnlySpan<byte> payload, DecodeLimits limits, out byte[] rented)
    {
        // The OTLP structure itself is up to 13 levels deep; each level of value nesting adds 3.
        var options = new JsonDocumentOptions { MaxDepth = 24 + (3 * (Math.Max(0, limits.MaxNestingDepth) + 1)) };
        rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, payload.Length));
        payload.CopyTo(rented);
        try
        {
            return JsonDocument.Parse(rented.AsMemory(0, payload.Length), options);
        }
        catch (JsonException ex)
        {
            ArrayPool<byte>.Shared.Return(rented);
            rented = [];
            long offset = AbsoluteOffset(payload, ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0);
            throw new OtlpFormatException(string.Create(CultureInfo.InvariantCulture, $"invalid JSON at byte {offset}: {ex.Message}"), ex);
        }
    }

    public static int Count(JsonElement root, DecodeContext context)
    {
        string[] names = context.Signal switch
        {
            Signal.Logs => ["resourceLogs", "resource_logs", "scopeLogs", "scope_logs", "logRecords", "log_records"],
            Signal.Traces => ["resourceSpans", "resource_spans", "scopeSpans", "scope_spans", "spans", "spans"],
            _ => ["resourceMetrics", "resource_metrics", "scopeMetrics", "scope_metrics", "metrics", "metrics"],
        };
        int count = 0;
        foreach (JsonElement resource in Array(root, names[0], names[1]))
        {
            foreach (JsonElement scope in Array(resource, names[2], names[3]))
            {
                foreach (JsonElement item in Array(scope, names[4], names[5]))
                {
                    if (context.Signal != Signal.Metrics)
                    {
                        count++;
                        continue;
                    }

                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    foreach (JsonProperty data in item.EnumerateObject())
                    {
                        if (DataKind(data) != 0)
                        {
                            foreach (JsonElement unused in Array(data.Value, "dataPoints", "data_points"))
                            {
                                count++;
                            }
                        }
                    }
                }
            }
        }

        return count;
    }

    public static void Decode(JsonElement root, DecodeContext context)
    {
        RequireObject(root, "the request");
        string camel = context.Signal switch
        {
            Signal.Logs => "resourceLogs",
            Signal.Traces => "resourceSpans",
            _ => "resourceMetrics",
        };
        string snake = context.Signal switch
        {
            Signal.Logs => "resource_logs",
            Signal.Traces => "resource_spans",
            _ => "resource_metrics",
        };
        foreach (JsonProperty field in root.EnumerateObject())
        {
            if (Named(field, camel, snake))
            {
                int r = 0;
                foreach (JsonElement block in Elements(field, context))
                {
                    context.At(0, r++);
                    DecodeResourceBlock(block, context);
                    context.Up(0);
                }
            }
        }
    }

    private static void DecodeResourceBlock(JsonElement block, DecodeContext context)
    {
        RequireObject(block, "a resource block", context);
        var resource = new ResourceInfo();
        context.BeginItem();
        foreach (JsonProperty field in block.EnumerateObject())
        {
            if (Named(field, "resource", "resource") && field.Value.ValueKind != JsonValueKind.Null)
            {
                RequireObject(field.Value, "resource", context);
                foreach (JsonProperty rf in field.Value.EnumerateObject())
                {
                    if (Named(rf, "attributes", "attributes"))
                    {
                        ReadAttributes(rf, resource.Attributes, context);
                    }
                }
            }
            else if (Named(field, "schemaUrl", "schema_url"))
            {
                resource.SchemaUrl = String(field, context);
            }
        }

        context.ResourceError = context.TakeBlockError();
        UInt128 resourceDigest = context.Digest(resource);
        foreach (JsonProperty field in block.EnumerateObject())
        {
            if (Named(field, "scopeLogs", "scope_logs") || Named(field, "scopeSpans", "scope_spans") || Named(field, "scopeMetrics", "scope_metrics"))
            {
                int s = 0;
                foreach (JsonElement scopeBlock in Elements(field, context))
                {
                    context.At(1, s++);
                    DecodeScopeBlock(scopeBlock, resource, resourceDigest, context);
                    context.Up(1);
                }
            }
        }

        context.ResourceError = null;
    }

    private static void DecodeScopeBlock(JsonElement block, ResourceInfo resource, UInt128 resourceDigest, DecodeContext context)
    {
        RequireObject(block, "a scope block", context);
        var scope = new ScopeInfo();
        context.BeginItem();
        foreach (JsonProperty field in block.EnumerateObject())
        {
            if (Named(field, "scope", "scope") && field.Value.ValueKind != JsonValueKind.Null)
            {
                RequireObject(field.Value, "scope", context);
                foreach (JsonProperty sf in field.Value.EnumerateObject())
                {
                    if (Named(sf, "name", "name"))
                    {
                        scope.Name = String(sf, context);
                    }
                    else if (Named(sf, "version", "version"))
                    {
                        scope.Version = String(sf, context);
                    }
                    else if (Named(sf, "attributes", "attributes"))
                    {
                        ReadAttributes(sf, scope.Attributes, context);
                    }
                }
            }
            else if (Named(field, "schemaUrl", "schema_url"))
            {
                scope.SchemaUrl = String(field, context);
            }
        }

        context.ScopeError = context.TakeBlockError();
        UInt128 scopeDigest = context.Digest(scope);
        foreach (JsonProperty field in block.EnumerateObject())
        {
            bool items = context.Signal switch
            {
                Signal.Logs => Named(field, "logRecords", "log_records"),
                Signal.Traces => Named(field, "spans", "spans"),
                _ => Named(field, "metrics", "metrics"),
            };
            if (!items)
            {
                continue;
            }

            int i = 0;
            foreach (JsonElement item in Elements(field, context))
            {
                context.At(2, i++);
                RequireObject(item, "an item", context);
                switch (context.Signal)
                {
                    case Signal.Logs:
                        DecodeLog(item, resource, scope, resourceDigest, scopeDigest, context);
                        break;
                    case Signal.Traces:
                        DecodeSpan(item, resource, scope, context);
                        break;
                    default:
                        DecodeMetric(item, resource, scope, resourceDigest, scopeDigest, context);
                        break;
                }

                context.Up(2);
            }
        }

        context.ScopeError = null;
    }

    private static void DecodeLog(JsonElement item, ResourceInfo resource, ScopeInfo scope, UInt128 resourceDigest, UInt128 scopeDigest, DecodeContext context)
    {
        var log = new LogEvent { Resource = resource, Scope = scope };
        ulong time = 0;
        context.BeginItem();
        foreach (JsonProperty f in item.EnumerateObject())
        {
            if (Named(f, "timeUnixNano", "time_unix_nano"))
            {
                time = UInt64(f, context);
            }
            else if (Named(f, "observedTimeUnixNano", "observed_time_unix_nano"))
            {
                log.ObservedTimeUnixNano = UInt64(f, context);
            }
            else if (Named(f, "severityNumber", "severity_number"))
            {
                long severity = Enum(f, context, SeverityFromName);
                context.CheckSeverity(severity);
                log.SeverityNumber = (byte)severity;
            }
            else if (Named(f, "severityText", "severity_text"))
            {
                log.SeverityText = ShortString(f, context);
            }
            else if (Named(f, "body", "body"))
            {
                log.Body = RenderValue(f.Value, null, context);
            }
            else if (Named(f, "attributes", "attributes"))
            {
                ReadAttributes(f, log.Attributes, context);
            }
            else if (Named(f, "droppedAttributesCount", "dropped_attributes_count"))
            {
                log.DroppedAttributesCount = (uint)UInt64(f, context);
            }
            else if (Named(f, "flags", "flags"))
            {
                log.TraceFlags = (uint)UInt64(f, context);
            }
            else if (Named(f, "traceId", "trace_id"))
            {
                log.TraceId = context.HexId(String(f, context), 16, "trace id");
            }
            else if (Named(f, "spanId", "span_id"))
            {
                log.SpanId = context.HexId(String(f, context), 8, "span id");
            }
            else if (Named(f, "eventName", "event_name"))
            {
                log.EventName = String(f, context);
            }
        }

        context.CheckTime(time != 0 ? time : log.ObservedTimeUnixNano, "time");
        if (context.EndItem())
        {
            context.CompleteLog(log, time, resourceDigest, scopeDigest);
            context.Batch.Logs.Add(log);
        }
    }

    private static void DecodeSpan(JsonElement item, ResourceInfo resource, ScopeInfo scope, DecodeContext context)
    {
        var span = new SpanEvent { Resource = resource, Scope = scope };
        context.BeginItem();
        foreach (JsonProperty f in item.EnumerateObject())
        {
            if (Named(f, "traceId", "trace_id"))
            {
                span.TraceId = context.HexId(String(f, context), 16, "trace id");
            }
            else if (Named(f, "spanId", "span_id"))
            {
                span.SpanId = context.HexId(String(f, context), 8, "span id");
            }
            else if (Named(f, "traceState", "trace_state"))
            {
                span.TraceState = String(f, context);
            }
            else if (Named(f, "parentSpanId", "parent_span_id"))
            {
                span.ParentSpanId = context.HexId(String(f, context), 8, "parent span id");
            }
            else if (Named(f, "name", "name"))
            {
                span.Name = String(f, context);
            }
            else if (Named(f, "kind", "kind"))
            {
                long kind = Enum(f, context, SpanKindFromName);
                span.Kind = kind is >= 0 and < 6 ? SpanKinds[kind] : SpanKinds[0];
            }
            else if (Named(f, "startTimeUnixNano", "start_time_unix_nano"))
            {
                span.StartTimeUnixNano = UInt64(f, context);
            }
            else if (Named(f, "endTimeUnixNano", "end_time_unix_nano"))
            {
                span.EndTimeUnixNano = UInt64(f, context);
            }
            else if (Named(f, "attributes", "attributes"))
            {
                ReadAttributes(f, span.Attributes, context);
            }
            else if (Named(f, "events", "events"))
            {
                foreach (JsonElement e in Elements(f, context))
                {
                    RequireObject(e, "a span event", context);
                    span.Events.Add(ReadSpanEvent(e, context));
                }
            }
            else if (Named(f, "links", "links"))
            {
                foreach (JsonElement l in Elements(f, context))
                {
                    RequireObject(l, "a span link", context);
                    span.Links.Add(ReadLink(l, context));
                }
            }
            else if (Named(f, "status", "status") && f.Value.ValueKind != JsonValueKind.Null)
            {
                RequireObject(f.Value, "status", context);
                foreach (JsonProperty sf in f.Value.EnumerateObject())
                {
                    if (Named(sf, "message", "message"))
                    {
                        span.StatusMessage = String(sf, context);
                    }
                    else if (Named(sf, "code", "code"))
                    {
                        long code = Enum(sf, context, StatusCodeFromName);
                        span.StatusCode = code is >= 0 and < 3 ? StatusCodes[code] : StatusCodes[0];
                    }
                }
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

    private static SpanEventEntry ReadSpanEvent(JsonElement e, DecodeContext context)
    {
        var entry = new SpanEventEntry();
        foreach (JsonProperty f in e.EnumerateObject())
        {
            if (Named(f, "timeUnixNano", "time_unix_nano"))
            {
                entry.TimeUnixNano = UInt64(f, context);
            }
            else if (Named(f, "name", "name"))
            {
                entry.Name = String(f, context);
            }
            else if (Named(f, "attributes", "attributes"))
            {
                ReadAttributes(f, entry.Attributes, context);
            }
        }

        return entry;
    }

    private static SpanLinkEntry ReadLink(JsonElement l, DecodeContext context)
    {
        var link = new SpanLinkEntry();
        foreach (JsonProperty f in l.EnumerateObject())
        {
            if (Named(f, "traceId", "trace_id"))
            {
                link.TraceId = context.HexId(String(f, context), 16, "link trace id");
            }
            else if (Named(f, "spanId", "span_id"))
            {
                link.SpanId = context.HexId(String(f, context), 8, "link span id");
            }
            else if (Named(f, "traceState", "trace_state"))
            {
                link.TraceState = String(f, context);
            }
            else if (Named(f, "attributes", "attributes"))
            {
                ReadAttributes(f, link.Attributes, context);
            }
        }

        return link;
    }

    private static void DecodeMetric(JsonElement metric, ResourceInfo resource, ScopeInfo scope, UInt128 resourceDigest, UInt128 scopeDigest, DecodeContext context)
    {
        var header = new MetricPoint { Resource = resource, Scope = scope };
        foreach (JsonProperty f in metric.EnumerateObject())
        {
            if (Named(f, "name", "name"))
            {
                header.Name = String(f, context);
            }
            else if (Named(f, "description", "description"))
            {
                header.Description = String(f, context);
            }
            else if (Named(f, "unit", "unit"))
            {
                header.Unit = String(f, context);
            }
        }

        int p = 0;
        foreach (JsonProperty data in metric.EnumerateObject())
        {
            MetricKind kind = DataKind(data);
            if (kind == 0 || data.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            RequireObject(data.Value, data.Name, context);
            header.Kind = kind;
            header.AggregationTemporality = 0;
            header.IsMonotonic = false;
            foreach (JsonProperty f in data.Value.EnumerateObject())
            {
                if (Named(f, "aggregationTemporality", "aggregation_temporality"))
                {
                    header.AggregationTemporality = (int)Enum(f, context, TemporalityFromName);
                }
                else if (Named(f, "isMonotonic", "is_monotonic"))
                {
                    header.IsMonotonic = Bool(f, context);
                }
            }

            foreach (JsonProperty f in data.Value.EnumerateObject())
            {
                if (!Named(f, "dataPoints", "data_points"))
                {
                    continue;
                }

                foreach (JsonElement point in Elements(f, context))
                {
                    context.At(3, p++);
                    RequireObject(point, "a data point", context);
                    DecodePoint(point, header, resourceDigest, scopeDigest, context);
                    context.Up(3);
                }
            }
        }
    }

    private static void DecodePoint(JsonElement point, MetricPoint header, UInt128 resourceDigest, UInt128 scopeDigest, DecodeContext context)
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
        foreach (JsonProperty f in point.EnumerateObject())
        {
            if (Named(f, "attributes", "attributes"))
            {
                ReadAttributes(f, mp.Attributes, context);
            }
            else if (Named(f, "startTimeUnixNano", "start_time_unix_nano"))
            {
                mp.StartTimeUnixNano = UInt64(f, context);
            }
            else if (Named(f, "timeUnixNano", "time_unix_nano"))
            {
                mp.TimeUnixNano = UInt64(f, context);
            }
            else if (Named(f, "flags", "flags"))
            {
                mp.Flags = (uint)UInt64(f, context);
            }
            else if (Named(f, "asDouble", "as_double"))
            {
                mp.Value = Double(f.Value, f.Name, context);
            }
            else if (Named(f, "asInt", "as_int"))
            {
                mp.Value = Int64(f, context);
            }
            else if (Named(f, "count", "count"))
            {
                mp.Count = UInt64(f, context);
            }
            else if (Named(f, "sum", "sum"))
            {
                mp.Sum = Double(f.Value, f.Name, context);
            }
            else if (Named(f, "min", "min"))
            {
                mp.Min = Double(f.Value, f.Name, context);
            }
            else if (Named(f, "max", "max"))
            {
                mp.Max = Double(f.Value, f.Name, context);
            }
            else if (Named(f, "bucketCounts", "bucket_counts"))
            {
                foreach (JsonElement c in Elements(f, context))
                {
                    mp.BucketCounts.Add(UInt64(c, f.Name, context));
                }
            }
            else if (Named(f, "explicitBounds", "explicit_bounds"))
            {
                foreach (JsonElement b in Elements(f, context))
                {
                    mp.ExplicitBounds.Add(Double(b, f.Name, context));
                }
            }
            else if (Named(f, "scale", "scale"))
            {
                mp.Scale = (int)Int64(f, context);
            }
            else if (Named(f, "zeroCount", "zero_count"))
            {
                mp.ZeroCount = UInt64(f, context);
            }
            else if (Named(f, "positive", "positive"))
            {
                mp.PositiveOffset = ReadBuckets(f, mp.PositiveBucketCounts, context);
            }
            else if (Named(f, "negative", "negative"))
            {
                mp.NegativeOffset = ReadBuckets(f, mp.NegativeBucketCounts, context);
            }
            else if (Named(f, "quantileValues", "quantile_values"))
            {
                foreach (JsonElement q in Elements(f, context))
                {
                    RequireObject(q, "a quantile value", context);
                    double quantile = 0;
                    double value = 0;
                    foreach (JsonProperty qf in q.EnumerateObject())
                    {
                        if (Named(qf, "quantile", "quantile"))
                        {
                            quantile = Double(qf.Value, qf.Name, context);
                        }
                        else if (Named(qf, "value", "value"))
                        {
                            value = Double(qf.Value, qf.Name, context);
                        }
                    }

                    mp.Quantiles.Add(quantile);
                    mp.QuantileValues.Add(value);
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

    private static int ReadBuckets(JsonProperty buckets, List<ulong> counts, DecodeContext context)
    {
        if (buckets.Value.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        RequireObject(buckets.Value, buckets.Name, context);
        int offset = 0;
        foreach (JsonProperty f in buckets.Value.EnumerateObject())
        {
            if (Named(f, "offset", "offset"))
            {
                offset = (int)Int64(f, context);
            }
            else if (Named(f, "bucketCounts", "bucket_counts"))
            {
                foreach (JsonElement c in Elements(f, context))
                {
                    counts.Add(UInt64(c, f.Name, context));
                }
            }
        }

        return offset;
    }

    private static MetricKind DataKind(JsonProperty p) =>
        Named(p, "gauge", "gauge") ? MetricKind.Gauge
        : Named(p, "sum", "sum") ? MetricKind.Sum
        : Named(p, "histogram", "histogram") ? MetricKind.Histogram
        : Named(p, "exponentialHistogram", "exponential_histogram") ? MetricKind.ExponentialHistogram
        : Named(p, "summary", "summary") ? MetricKind.Summary
        : 0;

    private static void ReadAttributes(JsonProperty attributes, AttributeList into, DecodeContext context)
    {
        foreach (JsonElement kv in Elements(attributes, context))
        {
            RequireObject(kv, "an attribute", context);
            string key = string.Empty;
            JsonElement value = default;
            foreach (JsonProperty f in kv.EnumerateObject())
            {
                if (Named(f, "key", "key"))
                {
                    key = ShortString(f, context);
                }
                else if (Named(f, "value", "value"))
                {
                    value = f.Value;
                }
            }

            into.Add(key, value.ValueKind == JsonValueKind.Undefined ? string.Empty : RenderValue(value, key, context));
        }
    }

    /// <summary>Renders an AnyValue as the model's text, exactly as the protobuf decoder does.</summary>
    private static string RenderValue(JsonElement value, string? key, DecodeContext context)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return string.Empty;
        }

        RequireObject(value, "a value", context);
        string result = string.Empty;
        foreach (JsonProperty f in value.EnumerateObject())
        {
            if (Named(f, "stringValue", "string_value"))
            {
                string text = String(f, context);
                context.CheckValueSize(key, System.Text.Encoding.UTF8.GetByteCount(text));
                result = text;
            }
            else if (Named(f, "boolValue", "bool_value"))
            {
                result = Bool(f, context) ? "true" : "false";
            }
            else if (Named(f, "intValue", "int_value"))
            {
                result = context.IntText(Int64(f, context));
            }
            else if (Named(f, "doubleValue", "double_value"))
            {
                result = context.DoubleText(Double(f.Value, f.Name, context));
            }
            else if (Named(f, "bytesValue", "bytes_value"))
            {
                byte[] bytes = Bytes(f, context);
                context.CheckValueSize(key, bytes.Length);
                result = Convert.ToBase64String(bytes);
            }
            else if (IsNested(f, out bool isArray))
            {
                Utf8JsonWriter json = context.StartJson();
                WriteNested(f.Value, isArray, json, key, 1, context);
                result = context.TakeJson();
            }
        }

        return result;
    }

    private static bool IsNested(JsonProperty f, out bool isArray)
    {
        isArray = Named(f, "arrayValue", "array_value");
        return isArray || Named(f, "kvlistValue", "kvlist_value");
    }

    private static void WriteNested(JsonElement list, bool isArray, Utf8JsonWriter json, string? key, int depth, DecodeContext context)
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

        if (list.ValueKind != JsonValueKind.Null)
        {
            RequireObject(list, isArray ? "an array value" : "a kvlist value", context);
            foreach (JsonProperty values in list.EnumerateObject())
            {
                if (!Named(values, "values", "values"))
                {
                    continue;
                }

                foreach (JsonElement element in Elements(values, context))
                {
                    if (isArray)
                    {
                        WriteValue(element, json, key, depth, context);
                        continue;
                    }

                    RequireObject(element, "a key/value", context);
                    string name = string.Empty;
                    JsonElement value = default;
                    foreach (JsonProperty f in element.EnumerateObject())
                    {
                        if (Named(f, "key", "key"))
                        {
                            name = String(f, context);
                        }
                        else if (Named(f, "value", "value"))
                        {
                            value = f.Value;
                        }
                    }

                    json.WritePropertyName(name);
                    if (value.ValueKind == JsonValueKind.Undefined)
                    {
                        json.WriteNullValue();
                    }
                    else
                    {
                        WriteValue(value, json, key, depth, context);
                    }
                }
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

    private static void WriteValue(JsonElement value, Utf8JsonWriter json, string? key, int depth, DecodeContext context)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            json.WriteNullValue();
            return;
        }

        RequireObject(value, "a value", context);

        // A oneof: the last member wins, as in the protobuf decoder.
        JsonProperty last = default;
        bool found = false;
        foreach (JsonProperty f in value.EnumerateObject())
        {
            if (Named(f, "stringValue", "string_value") || Named(f, "boolValue", "bool_value") || Named(f, "intValue", "int_value")
                || Named(f, "doubleValue", "double_value") || Named(f, "bytesValue", "bytes_value") || IsNested(f, out _))
            {
                last = f;
                found = true;
            }
        }

        if (!found)
        {
            json.WriteNullValue();
        }
        else if (Named(last, "stringValue", "string_value"))
        {
            string text = String(last, context);
            context.CheckValueSize(key, System.Text.Encoding.UTF8.GetByteCount(text));
            json.WriteStringValue(text);
        }
        else if (Named(last, "boolValue", "bool_value"))
        {
            json.WriteBooleanValue(Bool(last, context));
        }
        else if (Named(last, "intValue", "int_value"))
        {
            json.WriteNumberValue(Int64(last, context));
        }
        else if (Named(last, "doubleValue", "double_value"))
        {
            ProtobufRequestDecoder.WriteDouble(json, Double(last.Value, last.Name, context));
        }
        else if (Named(last, "bytesValue", "bytes_value"))
        {
            byte[] bytes = Bytes(last, context);
            context.CheckValueSize(key, bytes.Length);
            json.WriteBase64StringValue(bytes);
        }
        else
        {
            IsNested(last, out bool isArray);
            WriteNested(last.Value, isArray, json, key, depth + 1, context);
        }
    }

    private static bool Named(JsonProperty p, string camel, string snake) => p.NameEquals(camel) || p.NameEquals(snake);

    private static JsonElement.ArrayEnumerator Array(JsonElement obj, string camel, string snake)
    {
        if (obj.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in obj.EnumerateObject())
            {
                if (Named(p, camel, snake) && p.Value.ValueKind == JsonValueKind.Array)
                {
                    return p.Value.EnumerateArray();
                }
            }
        }

        return default;
    }

    private static JsonElement.ArrayEnumerator Elements(JsonProperty p, DecodeContext context)
    {
        return p.Value.ValueKind switch
        {
            JsonValueKind.Array => p.Value.EnumerateArray(),
            JsonValueKind.Null => default,
            _ => throw context.FormatError($"field '{p.Name}' is {p.Value.ValueKind}, expected an array"),
        };
    }

    private static void RequireObject(JsonElement e, string what, DecodeContext? context = null)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            string message = $"{what} is {e.ValueKind}, expected an object";
            throw context is null ? new OtlpFormatException(message) : context.FormatError(message);
        }
    }

    private static string String(JsonProperty p, DecodeContext context) => p.Value.ValueKind switch
    {
        JsonValueKind.String => p.Value.GetString()!,
        JsonValueKind.Null => string.Empty,
        _ => throw context.FormatError($"field '{p.Name}' is {p.Value.ValueKind}, expected a string"),
    };

    // Keys repeat across the items of a request: take them from the raw UTF-8 when unescaped, decoded once per request.
    private static string ShortString(JsonProperty p, DecodeContext context)
    {
        if (p.Value.ValueKind == JsonValueKind.String)
        {
            ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(p.Value);
            if (raw.Length >= 2 && !raw.Contains((byte)'\\'))
            {
                return context.ShortString(raw[1..^1]);
            }
        }

        return String(p, context);
    }

    private static bool Bool(JsonProperty p, DecodeContext context) => p.Value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False or JsonValueKind.Null => false,
        _ => throw context.FormatError($"field '{p.Name}' is {p.Value.ValueKind}, expected true or false"),
    };

    private static ulong UInt64(JsonProperty p, DecodeContext context) => UInt64(p.Value, p.Name, context);

    private static ulong UInt64(JsonElement e, string name, DecodeContext context)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if ((e.ValueKind == JsonValueKind.Number && e.TryGetUInt64(out ulong n))
            || (e.ValueKind == JsonValueKind.String && ulong.TryParse(e.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out n)))
        {
            return n;
        }

        throw context.FormatError($"field '{name}' value {Shorten(e)} is not an unsigned 64-bit integer");
    }

    private static long Int64(JsonProperty p, DecodeContext context)
    {
        JsonElement e = p.Value;
        if (e.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if ((e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long n))
            || (e.ValueKind == JsonValueKind.String && long.TryParse(e.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)))
        {
            return n;
        }

        throw context.FormatError($"field '{p.Name}' value {Shorten(e)} is not a 64-bit integer");
    }

    private static double Double(JsonElement e, string name, DecodeContext context)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Null:
                return 0;
            case JsonValueKind.Number:
                return e.GetDouble();
            case JsonValueKind.String:
                string s = e.GetString()!;
                switch (s)
                {
                    case "NaN":
                        return double.NaN;
                    case "Infinity":
                        return double.PositiveInfinity;
                    case "-Infinity":
                        return double.NegativeInfinity;
                }

                if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
                {
                    return d;
                }

                break;
        }

        throw context.FormatError($"field '{name}' value {Shorten(e)} is not a number");
    }

    private static byte[] Bytes(JsonProperty p, DecodeContext context)
    {
        if (p.Value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (p.Value.ValueKind == JsonValueKind.String)
        {
            if (p.Value.TryGetBytesFromBase64(out byte[]? bytes))
            {
                return bytes;
            }

            // proto3 JSON also accepts the URL-safe alphabet, with or without padding.
            string s = p.Value.GetString()!.Replace('-', '+').Replace('_', '/');
            s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
            byte[] buffer = new byte[s.Length];
            if (Convert.TryFromBase64String(s, buffer, out int written))
            {
                return buffer.AsSpan(0, written).ToArray();
            }
        }

        throw context.FormatError($"field '{p.Name}' is not base64");
    }

    private static long Enum(JsonProperty p, DecodeContext context, Func<string, int> fromName)
    {
        JsonElement e = p.Value;
        if (e.ValueKind == JsonValueKind.String)
        {
            string name = e.GetString()!;
            int value = fromName(name);
            if (value >= 0)
            {
                return value;
            }

            if (long.TryParse(name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
            {
                return n;
            }

            throw context.FormatError($"field '{p.Name}' has unknown enum value '{Shorten(e)}'");
        }

        return Int64(p, context);
    }

    private static int SeverityFromName(string name)
    {
        ReadOnlySpan<char> s = name.StartsWith("SEVERITY_NUMBER_", StringComparison.Ordinal) ? name.AsSpan(16) : name.AsSpan();
        int step = 0;
        if (s.Length > 1 && s[^1] is >= '2' and <= '4' && char.IsAsciiLetter(s[^2]))
        {
            step = s[^1] - '1';
            s = s[..^1];
        }

        int baseValue = s switch
        {
            "UNSPECIFIED" => 0,
            "TRACE" => 1,
            "DEBUG" => 5,
            "INFO" => 9,
            "WARN" => 13,
            "ERROR" => 17,
            "FATAL" => 21,
            _ => -1,
        };
        return baseValue < 0 || (baseValue == 0 && step != 0) ? -1 : baseValue + step;
    }

    private static int SpanKindFromName(string name) => name switch
    {
        "SPAN_KIND_UNSPECIFIED" => 0,
        "SPAN_KIND_INTERNAL" => 1,
        "SPAN_KIND_SERVER" => 2,
        "SPAN_KIND_CLIENT" => 3,
        "SPAN_KIND_PRODUCER" => 4,
        "SPAN_KIND_CONSUMER" => 5,
        _ => -1,
    };

    private static int StatusCodeFromName(string name) => name switch
    {
        "STATUS_CODE_UNSET" => 0,
        "STATUS_CODE_OK" => 1,
        "STATUS_CODE_ERROR" => 2,
        _ => -1,
    };

    private static int TemporalityFromName(string name) => name switch
    {
        "AGGREGATION_TEMPORALITY_UNSPECIFIED" => 0,
        "AGGREGATION_TEMPORALITY_DELTA" => 1,
        "AGGREGATION_TEMPORALITY_CUMULATIVE" => 2,
        _ => -1,
    };

    private static string Shorten(JsonElement e)
    {
        string raw = e.GetRawText();
        return raw.Length <= 40 ? raw : raw[..40] + "...";
    }

    private static long AbsoluteOffset(ReadOnlySpan<byte> payload, long line, long positionInLine)
    {
        long offset = 0;
        for (long l = 0; l < line; l++)
        {
            int next = payload[(int)offset..].IndexOf((byte)'\n');
            if (next < 0)
            {
                break;
            }

            offset += next + 1;
        }

        return Math.Min(offset + positionInLine, payload.Length);
    }
}
