using Sluice.Transforms.Model;

namespace Sluice.Receiver.ClickHouse;

/// <summary>
/// Encodes batches into one <see cref="TableBuffer"/> per table (logs, spans, and one per metric
/// kind), so that many batches become one insert per table. The column lists here and the
/// migrations in Sluice.Transforms/Schema must agree; the ClickHouse tests insert every column.
/// </summary>
internal sealed class TableWriterSet : IDisposable
{
    public const string LogsTable = "otel_logs";
    public const string TracesTable = "otel_traces";
    public const string GaugeTable = "otel_metrics_gauge";
    public const string SumTable = "otel_metrics_sum";
    public const string HistogramTable = "otel_metrics_histogram";
    public const string ExponentialHistogramTable = "otel_metrics_exponential_histogram";
    public const string SummaryTable = "otel_metrics_summary";

    private const string ResourceScopeColumns =
        "ResourceSchemaUrl, ResourceAttributesKeys, ResourceAttributesValues, ScopeName, ScopeVersion, ScopeSchemaUrl, ScopeAttributesKeys, ScopeAttributesValues";

    private const string LogColumns =
        "EventId, Timestamp, TimestampNanos, ObservedTimestampNanos, TraceId, SpanId, TraceFlags, SeverityText, SeverityNumber, ServiceName, Body, EventName, Product, " +
        "ReceivedTimestamp, ReceivedTimestampNanos, ClientSentNanos, " + ResourceScopeColumns + ", LogAttributesKeys, LogAttributesValues, DroppedAttributesCount";

    private const string TraceColumns =
        "EventId, Timestamp, TimestampNanos, TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, Product, ReceivedTimestampNanos, ClientSentNanos, " +
        ResourceScopeColumns + ", SpanAttributesKeys, SpanAttributesValues, Duration, StatusCode, StatusMessage, " +
        "Events.Timestamp, Events.TimestampNanos, Events.Name, Events.AttributesKeys, Events.AttributesValues, " +
        "Links.TraceId, Links.SpanId, Links.TraceState, Links.AttributesKeys, Links.AttributesValues";

    private const string MetricColumns =
        "EventId, Product, ServiceName, ReceivedTimestampNanos, " + ResourceScopeColumns + ", MetricName, MetricDescription, MetricUnit, AttributesKeys, AttributesValues, " +
        "StartTimeUnix, StartTimeUnixNanos, TimeUnix, TimeUnixNanos, Flags";

    private readonly TableBuffer _logs;
    private readonly TableBuffer _traces;
    private readonly TableBuffer _gauge;
    private readonly TableBuffer _sum;
    private readonly TableBuffer _histogram;
    private readonly TableBuffer _exponentialHistogram;
    private readonly TableBuffer _summary;
    private readonly TableBuffer[] _all;
    private readonly AttributeRuns _attributeRuns = new();

    /// <param name="gzip">Compress each table's rows as they are appended (<see cref="TableBuffer"/>), for a client that sends gzip.</param>
    public TableWriterSet(bool gzip = false)
    {
        _logs = new(LogsTable, LogColumns, gzip);
        _traces = new(TracesTable, TraceColumns, gzip);
        _gauge = new(GaugeTable, MetricColumns + ", Value", gzip);
        _sum = new(SumTable, MetricColumns + ", Value, AggregationTemporality, IsMonotonic", gzip);
        _histogram = new(HistogramTable, MetricColumns + ", Count, Sum, BucketCounts, ExplicitBounds, Min, Max, AggregationTemporality", gzip);
        _exponentialHistogram = new(
            ExponentialHistogramTable,
            MetricColumns + ", Count, Sum, Scale, ZeroCount, PositiveOffset, PositiveBucketCounts, NegativeOffset, NegativeBucketCounts, Min, Max, AggregationTemporality",
            gzip);
        _summary = new(SummaryTable, MetricColumns + ", Count, Sum, ValueAtQuantiles.Quantile, ValueAtQuantiles.Value", gzip);
        _all = [_logs, _traces, _gauge, _sum, _histogram, _exponentialHistogram, _summary];
    }

    /// <summary>Tells every table's buffer the most its batches hold (<see cref="TableBuffer.LargeCapacity"/>).</summary>
    public void ExpectUpTo(int bytes)
    {
        foreach (var table in _all)
        {
            table.LargeCapacity = bytes;
        }
    }

    /// <summary>Rows waiting in all buffers.</summary>
    public long PendingRows
    {
        get
        {
            long rows = 0;
            foreach (var table in _all)
            {
                rows += table.Rows;
            }

            return rows;
        }
    }

    /// <summary>RowBinary bytes waiting in all buffers, compressed or not.</summary>
    public long PendingBytes
    {
        get
        {
            long bytes = 0;
            foreach (var table in _all)
            {
                bytes += table.TotalBytes;
            }

            return bytes;
        }
    }

    /// <summary>The buffers holding at least one row.</summary>
    public IEnumerable<TableBuffer> NonEmpty
    {
        get
        {
            foreach (var table in _all)
            {
                if (table.Rows > 0)
                {
                    yield return table;
                }
            }
        }
    }

    /// <summary>Encodes every log, span and metric point of <paramref name="batch"/> into its table's buffer.</summary>
    public void Append(TelemetryBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _attributeRuns.Forget();
        var context = new RowContext(batch, _attributeRuns);
        foreach (var log in batch.Logs)
        {
            int mark = _logs.Bytes;
            try
            {
                WriteLog(_logs, log, ref context);
            }
            catch
            {
                // Never leave half a row in the buffer: the whole insert would be rejected.
                _logs.Truncate(mark);
                throw;
            }
        }

        foreach (var span in batch.Spans)
        {
            int mark = _traces.Bytes;
            try
            {
                WriteSpan(_traces, span, ref context);
            }
            catch
            {
                _traces.Truncate(mark);
                throw;
            }
        }

        foreach (var point in batch.Metrics)
        {
            var table = TableFor(point.Kind);
            int mark = table.Bytes;
            try
            {
                WriteMetric(table, point, ref context);
            }
            catch
            {
                table.Truncate(mark);
                throw;
            }
        }

        // The row memo's offsets into the buffers end with this batch.
        foreach (var table in _all)
        {
            table.Seal();
        }
    }

    /// <summary>Empties every buffer (after a successful insert), keeping the memory.</summary>
    public void Clear()
    {
        foreach (var table in _all)
        {
            table.Clear();
        }
    }

    public void Dispose()
    {
        foreach (var table in _all)
        {
            table.Dispose();
        }
    }

    private TableBuffer TableFor(MetricKind kind) => kind switch
    {
        MetricKind.Gauge => _gauge,
        MetricKind.Sum => _sum,
        MetricKind.Histogram => _histogram,
        MetricKind.ExponentialHistogram => _exponentialHistogram,
        MetricKind.Summary => _summary,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown metric kind."),
    };

    private static void WriteLog(TableBuffer b, LogEvent log, ref RowContext context)
    {
        b.WriteFixedString16(log.EventId);
        b.WriteDateTime(log.TimeUnixNano);
        b.WriteUInt64(log.TimeUnixNano);
        b.WriteUInt64(log.ObservedTimeUnixNano);
        b.WriteString(log.TraceId);
        b.WriteString(log.SpanId);
        b.WriteUInt32(log.TraceFlags);
        b.WriteString(log.SeverityText);
        b.WriteUInt8(log.SeverityNumber);
        b.WriteString(context.ServiceName(log.Resource));
        b.WriteString(log.Body);
        b.WriteString(log.EventName);
        b.WriteString(context.Batch.Product);
        b.WriteDateTime(context.Batch.ReceivedUnixNano);
        b.WriteUInt64(context.Batch.ReceivedUnixNano);
        b.WriteUInt64(context.Batch.ClientSentUnixNano);
        context.WriteResourceScope(b, log.Resource, log.Scope);
        context.Attributes.Write(b, log.Attributes);
        b.WriteUInt32(log.DroppedAttributesCount);
        b.EndRow();
    }

    private static void WriteSpan(TableBuffer b, SpanEvent span, ref RowContext context)
    {
        b.WriteFixedString16(span.EventId);
        b.WriteDateTime(span.StartTimeUnixNano);
        b.WriteUInt64(span.StartTimeUnixNano);
        b.WriteString(span.TraceId);
        b.WriteString(span.SpanId);
        b.WriteString(span.ParentSpanId);
        b.WriteString(span.TraceState);
        b.WriteString(span.Name);
        b.WriteString(span.Kind);
        b.WriteString(context.ServiceName(span.Resource));
        b.WriteString(context.Batch.Product);
        b.WriteUInt64(context.Batch.ReceivedUnixNano);
        b.WriteUInt64(context.Batch.ClientSentUnixNano);
        context.WriteResourceScope(b, span.Resource, span.Scope);
        context.Attributes.Write(b, span.Attributes);
        b.WriteUInt64(span.EndTimeUnixNano > span.StartTimeUnixNano ? span.EndTimeUnixNano - span.StartTimeUnixNano : 0);
        b.WriteString(span.StatusCode);
        b.WriteString(span.StatusMessage);

        // Nested columns are parallel arrays, one column at a time.
        var events = span.Events;
        b.WriteVarUInt((uint)events.Count);
        foreach (var e in events)
        {
            b.WriteDateTime(e.TimeUnixNano);
        }

        b.WriteVarUInt((uint)events.Count);
        foreach (var e in events)
        {
            b.WriteUInt64(e.TimeUnixNano);
        }

        b.WriteVarUInt((uint)events.Count);
        foreach (var e in events)
        {
            b.WriteString(e.Name);
        }

        b.WriteVarUInt((uint)events.Count);
        foreach (var e in events)
        {
            b.WriteStringArray(e.Attributes.Keys);
        }

        b.WriteVarUInt((uint)events.Count);
        foreach (var e in events)
        {
            b.WriteStringArray(e.Attributes.Values);
        }

        var links = span.Links;
        b.WriteVarUInt((uint)links.Count);
        foreach (var l in links)
        {
            b.WriteString(l.TraceId);
        }

        b.WriteVarUInt((uint)links.Count);
        foreach (var l in links)
        {
            b.WriteString(l.SpanId);
        }

        b.WriteVarUInt((uint)links.Count);
        foreach (var l in links)
        {
            b.WriteString(l.TraceState);
        }

        b.WriteVarUInt((uint)links.Count);
        foreach (var l in links)
        {
            b.WriteStringArray(l.Attributes.Keys);
        }

        b.WriteVarUInt((uint)links.Count);
        foreach (var l in links)
        {
            b.WriteStringArray(l.Attributes.Values);
        }

        b.EndRow();
    }

    private static void WriteMetric(TableBuffer b, MetricPoint p, ref RowContext context)
    {
        b.WriteFixedString16(p.EventId);
        b.WriteString(context.Batch.Product);
        b.WriteString(context.ServiceName(p.Resource));
        b.WriteUInt64(context.Batch.ReceivedUnixNano);
        context.WriteResourceScope(b, p.Resource, p.Scope);
        b.WriteString(p.Name);
        b.WriteString(p.Description);
        b.WriteString(p.Unit);
        context.Attributes.Write(b, p.Attributes);
        b.WriteDateTime(p.StartTimeUnixNano);
        b.WriteUInt64(p.StartTimeUnixNano);
        b.WriteDateTime(p.TimeUnixNano);
        b.WriteUInt64(p.TimeUnixNano);
        b.WriteUInt32(p.Flags);
        switch (p.Kind)
        {
            case MetricKind.Gauge:
                b.WriteFloat64(p.Value);
                break;
            case MetricKind.Sum:
                b.WriteFloat64(p.Value);
                b.WriteInt32(p.AggregationTemporality);
                b.WriteUInt8(p.IsMonotonic ? (byte)1 : (byte)0);
                break;
            case MetricKind.Histogram:
                b.WriteUInt64(p.Count);
                b.WriteFloat64(p.Sum);
                b.WriteUInt64Array(p.BucketCounts);
                b.WriteFloat64Array(p.ExplicitBounds);
                b.WriteFloat64(p.Min);
                b.WriteFloat64(p.Max);
                b.WriteInt32(p.AggregationTemporality);
                break;
            case MetricKind.ExponentialHistogram:
                b.WriteUInt64(p.Count);
                b.WriteFloat64(p.Sum);
                b.WriteInt32(p.Scale);
                b.WriteUInt64(p.ZeroCount);
                b.WriteInt32(p.PositiveOffset);
                b.WriteUInt64Array(p.PositiveBucketCounts);
                b.WriteInt32(p.NegativeOffset);
                b.WriteUInt64Array(p.NegativeBucketCounts);
                b.WriteFloat64(p.Min);
                b.WriteFloat64(p.Max);
                b.WriteInt32(p.AggregationTemporality);
                break;
            case MetricKind.Summary:
                b.WriteUInt64(p.Count);
                b.WriteFloat64(p.Sum);
                b.WriteFloat64Array(p.Quantiles);
                b.WriteFloat64Array(p.QuantileValues);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(p), p.Kind, "Unknown metric kind.");
        }

        b.EndRow();
    }

    private static void EncodeResourceScope(TableBuffer b, ResourceInfo resource, ScopeInfo scope)
    {
        b.WriteString(resource.SchemaUrl);
        b.WriteStringArray(resource.Attributes.Keys);
        b.WriteStringArray(resource.Attributes.Values);
        b.WriteString(scope.Name);
        b.WriteString(scope.Version);
        b.WriteString(scope.SchemaUrl);
        b.WriteStringArray(scope.Attributes.Keys);
        b.WriteStringArray(scope.Attributes.Values);
    }

    // One Append's rows: items of one resource block share its ResourceInfo and ScopeInfo, items of
    // one kind mostly carry the same attribute keys, and many values repeat the previous row's at the
    // same place (the decoder hands out the same string instance for the same text). A run of
    // columns, or a value, that encodes the same objects as the previous row is copied from that
    // row's bytes instead of being encoded again. The batch is not changed while it is appended, and
    // a row that fails ends the Append, so what a memo points at holds until the Append returns.
    private struct RowContext(TelemetryBatch batch, AttributeRuns attributes)
    {
        private ResourceInfo? _resource;
        private string _serviceName = string.Empty;

        private TableBuffer? _resourceScopeTable;
        private int _resourceScopeStart;
        private int _resourceScopeLength;
        private ResourceInfo? _memoResource;
        private ScopeInfo? _memoScope;

        public readonly TelemetryBatch Batch => batch;

        /// <summary>The attribute keys and values columns, with what the previous row shares.</summary>
        public readonly AttributeRuns Attributes => attributes;

        public string ServiceName(ResourceInfo resource)
        {
            if (!ReferenceEquals(resource, _resource))
            {
                _resource = resource;
                _serviceName = resource.ServiceName;
            }

            return _serviceName;
        }

        /// <summary>The eight resource and scope columns.</summary>
        public void WriteResourceScope(TableBuffer b, ResourceInfo resource, ScopeInfo scope)
        {
            if (ReferenceEquals(b, _resourceScopeTable) && ReferenceEquals(resource, _memoResource) && ReferenceEquals(scope, _memoScope))
            {
                b.Repeat(_resourceScopeStart, _resourceScopeLength);
                return;
            }

            int start = b.Bytes;
            EncodeResourceScope(b, resource, scope);
            (_resourceScopeTable, _resourceScopeStart, _resourceScopeLength) = (b, start, b.Bytes - start);
            (_memoResource, _memoScope) = (resource, scope);
        }
    }

    // The previous row's attributes, in which buffer and where its keys and each of its values were
    // encoded, so the next row in that buffer can copy the keys column when its keys are the same
    // instances and each value that is the same instance at the same place. Reused by every Append,
    // which starts by forgetting the previous Append's rows.
    private sealed class AttributeRuns
    {
        private int[] _ends = new int[32];
        private int[] _previousEnds = new int[32];
        private TableBuffer? _table;
        private AttributeList? _previous;
        private int _keysStart;
        private int _keysLength;
        private int _previousFirst;

        public void Forget()
        {
            _table = null;
            _previous = null;
        }

        /// <summary>The keys column, then the values column, of one row's attributes.</summary>
        public void Write(TableBuffer b, AttributeList attributes)
        {
            AttributeList? previous = ReferenceEquals(b, _table) ? _previous : null;
            WriteKeys(b, attributes.Keys, previous);
            WriteValues(b, attributes.Values, previous is null ? default : previous.Values);
            (_table, _previous) = (b, attributes);
        }

        private static bool SameInstances(ReadOnlySpan<string> a, ReadOnlySpan<string> b)
        {
            if (a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                if (!ReferenceEquals(a[i], b[i]))
                {
                    return false;
                }
            }

            return true;
        }

        private void WriteKeys(TableBuffer b, ReadOnlySpan<string> keys, AttributeList? previous)
        {
            if (previous is not null && SameInstances(keys, previous.Keys))
            {
                b.Repeat(_keysStart, _keysLength);
                return;
            }

            int start = b.Bytes;
            b.WriteStringArray(keys);
            (_keysStart, _keysLength) = (start, b.Bytes - start);
        }

        private void WriteValues(TableBuffer b, ReadOnlySpan<string> values, ReadOnlySpan<string> previous)
        {
            b.WriteVarUInt((uint)values.Length);
            int first = b.Bytes;
            if (_ends.Length < values.Length)
            {
                _ends = new int[Math.Max(values.Length, _ends.Length * 2)];
            }

            for (int i = 0; i < values.Length; i++)
            {
                if (i < previous.Length && ReferenceEquals(values[i], previous[i]))
                {
                    int start = i == 0 ? _previousFirst : _previousEnds[i - 1];
                    b.Repeat(start, _previousEnds[i] - start);
                }
                else
                {
                    b.WriteString(values[i]);
                }

                _ends[i] = b.Bytes;
            }

            (_ends, _previousEnds, _previousFirst) = (_previousEnds, _ends, first);
        }
    }
}
