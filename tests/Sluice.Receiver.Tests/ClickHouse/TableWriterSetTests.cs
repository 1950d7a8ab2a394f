using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Sluice.Receiver.ClickHouse;
using Sluice.Testing;
using Sluice.Transforms.Model;
using static Sluice.Receiver.Tests.ClickHouse.TestBatches;

namespace Sluice.Receiver.Tests.ClickHouse;

[Collection(ClickHouseCollection.Name)]
public sealed class TableWriterSetTests(ClickHouseServer server)
{
    private const ulong Time = 1_763_900_000_987_654_321UL; // 2025-11-23T12:13:20.987654321Z
    private const string ResourceScopeSelect =
        "ResourceSchemaUrl, ResourceAttributesKeys, ResourceAttributesValues, ScopeName, ScopeVersion, ScopeSchemaUrl, ScopeAttributesKeys, ScopeAttributesValues";

    private static readonly UInt128 Id1 = new(0x0102030405060708, 0x090a0b0c0d0e0f10);
    private static readonly UInt128 Id2 = new(0xfedcba9876543210, 0x0011223344556677);

    [Theory]
    [InlineData("gzip")]
    [InlineData("none")]
    public async Task InsertAsync_Logs_EveryColumnReadsBack(string compress)
    {
        using var client = await MigratedClientAsync(server, "logs", compress);
        var resource = Resource();
        var scope = Scope();
        var batch = Batch();
        batch.Logs.Add(Log(Id1, Time, resource, scope));
        var bare = new LogEvent { EventId = Id2, TimeUnixNano = Time + 1, Resource = new ResourceInfo(), Scope = new ScopeInfo() };
        batch.Logs.Add(bare);

        await InsertAllAsync(client, batch, expectedRows: 2);

        var rows = JsonRows.Parse(await client.QueryAsync(
            $"SELECT hex(EventId) AS Id, toUnixTimestamp(Timestamp) AS Seconds, TimestampNanos, ObservedTimestampNanos, TraceId, SpanId, TraceFlags, " +
            "SeverityText, SeverityNumber, ServiceName, Body, EventName, Product, toUnixTimestamp(ReceivedTimestamp) AS ReceivedSeconds, ReceivedTimestampNanos, " +
            $"ClientSentNanos, {ResourceScopeSelect}, LogAttributesKeys, LogAttributesValues, DroppedAttributesCount " +
            $"FROM {client.Database}.otel_logs ORDER BY TimestampNanos FORMAT JSONEachRow",
            CancellationToken.None));

        Assert.Equal(2, rows.Count);
        var r = rows[0];
        Assert.Equal("0102030405060708090A0B0C0D0E0F10", r.Str("Id"));
        Assert.Equal(Time / 1_000_000_000, r.U64("Seconds"));
        Assert.Equal(Time, r.U64("TimestampNanos"));
        Assert.Equal(Time + 5, r.U64("ObservedTimestampNanos"));
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", r.Str("TraceId"));
        Assert.Equal("b7ad6b7169203331", r.Str("SpanId"));
        Assert.Equal(1UL, r.U64("TraceFlags"));
        Assert.Equal("Warn", r.Str("SeverityText"));
        Assert.Equal(13UL, r.U64("SeverityNumber"));
        Assert.Equal("checkout-ü", r.Str("ServiceName"));
        Assert.Equal(Unicode, r.Str("Body"));
        Assert.Equal("cart.checkout", r.Str("EventName"));
        Assert.Equal("shop-ß", r.Str("Product"));
        Assert.Equal(Received / 1_000_000_000, r.U64("ReceivedSeconds"));
        Assert.Equal(Received, r.U64("ReceivedTimestampNanos"));
        Assert.Equal(ClientSent, r.U64("ClientSentNanos"));
        AssertResourceScope(r);
        Assert.Equal(["cart.items", "note"], r.Strings("LogAttributesKeys"));
        Assert.Equal(["3", Long], r.Strings("LogAttributesValues"));
        Assert.Equal(2UL, r.U64("DroppedAttributesCount"));

        var b = rows[1];
        Assert.Equal("FEDCBA98765432100011223344556677", b.Str("Id"));
        Assert.Equal(string.Empty, b.Str("Body"));
        Assert.Equal(string.Empty, b.Str("ServiceName"));
        Assert.Empty(b.Strings("LogAttributesKeys"));
        Assert.Empty(b.Strings("ResourceAttributesKeys"));
        Assert.Empty(b.Strings("ScopeAttributesValues"));
        Assert.Equal(0UL, b.U64("ObservedTimestampNanos"));
    }

    [Fact]
    public async Task InsertAsync_Spans_EveryColumnIncludingEventsAndLinksReadsBack()
    {
        using var client = await MigratedClientAsync(server, "spans");
        var batch = Batch();
        batch.Spans.Add(Span(Id1, Time, Resource(), Scope()));
        batch.Spans.Add(new SpanEvent { EventId = Id2, StartTimeUnixNano = Time + 10, EndTimeUnixNano = Time, Resource = new ResourceInfo(), Scope = new ScopeInfo() });

        await InsertAllAsync(client, batch, expectedRows: 2);

        var rows = JsonRows.Parse(await client.QueryAsync(
            "SELECT hex(EventId) AS Id, toUnixTimestamp(Timestamp) AS Seconds, TimestampNanos, TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, " +
            $"ServiceName, Product, ReceivedTimestampNanos, ClientSentNanos, {ResourceScopeSelect}, SpanAttributesKeys, SpanAttributesValues, Duration, " +
            "StatusCode, StatusMessage, arrayMap(t -> toUnixTimestamp(t), Events.Timestamp) AS EventSeconds, Events.TimestampNanos, Events.Name, " +
            "Events.AttributesKeys, Events.AttributesValues, Links.TraceId, Links.SpanId, Links.TraceState, Links.AttributesKeys, Links.AttributesValues " +
            $"FROM {client.Database}.otel_traces ORDER BY TimestampNanos FORMAT JSONEachRow",
            CancellationToken.None));

        Assert.Equal(2, rows.Count);
        var r = rows[0];
        Assert.Equal("0102030405060708090A0B0C0D0E0F10", r.Str("Id"));
        Assert.Equal(Time / 1_000_000_000, r.U64("Seconds"));
        Assert.Equal(Time, r.U64("TimestampNanos"));
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", r.Str("TraceId"));
        Assert.Equal("b7ad6b7169203331", r.Str("SpanId"));
        Assert.Equal("00f067aa0ba902b7", r.Str("ParentSpanId"));
        Assert.Equal("congo=t61rcWkgMzE", r.Str("TraceState"));
        Assert.Equal("GET /cart/{id} ✓", r.Str("SpanName"));
        Assert.Equal("Server", r.Str("SpanKind"));
        Assert.Equal("checkout-ü", r.Str("ServiceName"));
        Assert.Equal("shop-ß", r.Str("Product"));
        Assert.Equal(Received, r.U64("ReceivedTimestampNanos"));
        Assert.Equal(ClientSent, r.U64("ClientSentNanos"));
        AssertResourceScope(r);
        Assert.Equal(["http.method"], r.Strings("SpanAttributesKeys"));
        Assert.Equal(["GET"], r.Strings("SpanAttributesValues"));
        Assert.Equal(1_500_000UL, r.U64("Duration"));
        Assert.Equal("Error", r.Str("StatusCode"));
        Assert.Equal("boom — ошибка", r.Str("StatusMessage"));
        Assert.Equal([(Time + 1000) / 1_000_000_000, (Time + 2000) / 1_000_000_000], r.U64s("EventSeconds"));
        Assert.Equal([Time + 1000, Time + 2000], r.U64s("Events.TimestampNanos"));
        Assert.Equal(["exception", "no-attributes"], r.Strings("Events.Name"));
        var eventKeys = r.StringArrays("Events.AttributesKeys");
        Assert.Equal(2, eventKeys.Length);
        Assert.Equal(["exception.type", "exception.message"], eventKeys[0]);
        Assert.Empty(eventKeys[1]);
        Assert.Equal(["InvalidOperationException", Unicode], r.StringArrays("Events.AttributesValues")[0]);
        Assert.Equal(["11111111111111111111111111111111"], r.Strings("Links.TraceId"));
        Assert.Equal(["2222222222222222"], r.Strings("Links.SpanId"));
        Assert.Equal(["a=b"], r.Strings("Links.TraceState"));
        Assert.Equal(["link.reason"], Assert.Single(r.StringArrays("Links.AttributesKeys")));
        Assert.Equal(["retry"], Assert.Single(r.StringArrays("Links.AttributesValues")));

        var bare = rows[1];
        Assert.Equal(0UL, bare.U64("Duration")); // end before start: no negative wrap-around
        Assert.Empty(bare.Strings("Events.Name"));
        Assert.Empty(bare.StringArrays("Links.AttributesKeys"));
        Assert.Equal("Unspecified", bare.Str("SpanKind"));
        Assert.Equal("Unset", bare.Str("StatusCode"));
    }

    [Fact]
    public async Task InsertAsync_EveryMetricKind_LandsInItsTableWithEveryColumn()
    {
        using var client = await MigratedClientAsync(server, "metrics");
        var batch = Batch();
        var resource = Resource();
        var scope = Scope();
        ulong id = 1;
        foreach (var kind in Enum.GetValues<MetricKind>())
        {
            batch.Metrics.Add(Metric(kind, id++, Time, resource, scope));
        }

        await InsertAllAsync(client, batch, expectedRows: 5);

        const string common = "hex(EventId) AS Id, Product, ServiceName, ReceivedTimestampNanos, " + ResourceScopeSelect +
            ", MetricName, MetricDescription, MetricUnit, AttributesKeys, AttributesValues, toUnixTimestamp(StartTimeUnix) AS StartSeconds, StartTimeUnixNanos, " +
            "toUnixTimestamp(TimeUnix) AS Seconds, TimeUnixNanos, Flags";

        var gauge = await SingleAsync(client, $"SELECT {common}, Value FROM {client.Database}.otel_metrics_gauge");
        AssertMetricCommon(gauge, MetricKind.Gauge, 1);
        Assert.Equal(-12.5, gauge.F64("Value"));

        var sum = await SingleAsync(client, $"SELECT {common}, Value, AggregationTemporality, IsMonotonic FROM {client.Database}.otel_metrics_sum");
        AssertMetricCommon(sum, MetricKind.Sum, 2);
        Assert.Equal(42.25, sum.F64("Value"));
        Assert.Equal(2, sum.I64("AggregationTemporality"));
        Assert.Equal(1UL, sum.U64("IsMonotonic"));

        var histogram = await SingleAsync(client, $"SELECT {common}, Count, Sum, BucketCounts, ExplicitBounds, Min, Max, AggregationTemporality FROM {client.Database}.otel_metrics_histogram");
        AssertMetricCommon(histogram, MetricKind.Histogram, 3);
        Assert.Equal(7UL, histogram.U64("Count"));
        Assert.Equal(123.5, histogram.F64("Sum"));
        Assert.Equal([1UL, 2, 4, 0], histogram.U64s("BucketCounts"));
        Assert.Equal([1.0, 10.0, 100.0], histogram.F64s("ExplicitBounds"));
        Assert.Equal(0.5, histogram.F64("Min"));
        Assert.Equal(99.75, histogram.F64("Max"));
        Assert.Equal(1, histogram.I64("AggregationTemporality"));

        var exponential = await SingleAsync(
            client,
            $"SELECT {common}, Count, Sum, Scale, ZeroCount, PositiveOffset, PositiveBucketCounts, NegativeOffset, NegativeBucketCounts, Min, Max, AggregationTemporality " +
            $"FROM {client.Database}.otel_metrics_exponential_histogram");
        AssertMetricCommon(exponential, MetricKind.ExponentialHistogram, 4);
        Assert.Equal(9UL, exponential.U64("Count"));
        Assert.Equal(55.5, exponential.F64("Sum"));
        Assert.Equal(-3, exponential.I64("Scale"));
        Assert.Equal(1UL, exponential.U64("ZeroCount"));
        Assert.Equal(-2, exponential.I64("PositiveOffset"));
        Assert.Equal([3UL, 5], exponential.U64s("PositiveBucketCounts"));
        Assert.Equal(4, exponential.I64("NegativeOffset"));
        Assert.Empty(exponential.U64s("NegativeBucketCounts"));
        Assert.Equal(0.25, exponential.F64("Min"));
        Assert.Equal(30.0, exponential.F64("Max"));
        Assert.Equal(2, exponential.I64("AggregationTemporality"));

        var summary = await SingleAsync(client, $"SELECT {common}, Count, Sum, ValueAtQuantiles.Quantile, ValueAtQuantiles.Value FROM {client.Database}.otel_metrics_summary");
        AssertMetricCommon(summary, MetricKind.Summary, 5);
        Assert.Equal(100UL, summary.U64("Count"));
        Assert.Equal(2500.0, summary.F64("Sum"));
        Assert.Equal([0.5, 0.99], summary.F64s("ValueAtQuantiles.Quantile"));
        Assert.Equal([20.0, 95.5], summary.F64s("ValueAtQuantiles.Value"));
    }

    [Fact]
    public async Task InsertAsync_SameRowsTwice_CountOnceWithFinal()
    {
        using var client = await MigratedClientAsync(server, "dedup");
        var batch = Batch();
        var resource = Resource();
        var scope = Scope();
        for (int i = 0; i < 100; i++)
        {
            batch.Logs.Add(Log((UInt128)i + 1, Time + ((ulong)i * 1_000_000_000), resource, scope));
            batch.Spans.Add(Span((UInt128)i + 1, Time + (ulong)i, resource, scope));
            batch.Metrics.Add(Metric(MetricKind.Sum, (UInt128)i + 1, Time + (ulong)i, resource, scope));
        }

        // Two separate inserts, as a spool replay after a crash would make.
        await InsertAllAsync(client, batch, expectedRows: 300);
        await InsertAllAsync(client, batch, expectedRows: 300);

        foreach (string table in new[] { "otel_logs", "otel_traces", "otel_metrics_sum" })
        {
            Assert.Equal("200", (await client.QueryAsync($"SELECT count() FROM {client.Database}.{table}", CancellationToken.None)).Trim());
            Assert.Equal("100", (await client.QueryAsync($"SELECT count() FROM {client.Database}.{table} FINAL", CancellationToken.None)).Trim());
        }
    }

    [Fact]
    public void Append_RowFailsHalfWay_LeavesNoPartialRow()
    {
        using var writers = new TableWriterSet();
        var batch = Batch();
        batch.Logs.Add(Log(Id1, Time, Resource(), Scope()));
        writers.Append(batch);
        var good = writers.NonEmpty.Single();
        int bytes = good.Bytes;

        var broken = Batch();
        broken.Logs.Add(new LogEvent { EventId = Id2, Resource = Resource() }); // no Scope: fails after some columns are written

        Assert.ThrowsAny<Exception>(() => writers.Append(broken));
        Assert.Equal(1, good.Rows);
        Assert.Equal(bytes, good.Bytes);
    }

    [Fact]
    public void Append_RowsSharingResourcesScopesAndKeys_EncodeAsEachRowAlone()
    {
        // One Append copies a run of columns from the previous row when it encodes the same objects
        // (resource and scope) or the same key instances; the bytes must be those of each row encoded
        // on its own, whatever the order of resources, tables and key lists.
        var a = Resource();
        var b = Resource(); // equal text, another instance
        b.Attributes.Set("service.version", "9.9");
        var s1 = Scope();
        var s2 = new ScopeInfo { Name = "other" };
        var items = new List<Action<TelemetryBatch>>();
        void AddLog(UInt128 id, ResourceInfo resource, ScopeInfo scope, params (string Key, string Value)[] attributes)
        {
            items.Add(batch =>
            {
                var log = Log(id, Time, resource, scope);
                log.Attributes.Clear();
                foreach (var (key, value) in attributes)
                {
                    log.Attributes.Add(key, value);
                }

                batch.Logs.Add(log);
            });
        }

        string items1 = "cart.items";
        string note = "note";
        AddLog(Id1, a, s1, (items1, "1"), (note, "x"));
        AddLog(Id2, a, s1, (items1, "2"), (note, "y"));                             // same keys: copied
        AddLog(Id1, a, s1, (new string(items1.AsSpan()), "3"), (note, "z"));         // equal text, other instance
        AddLog(Id2, a, s2, (items1, "4"), (note, Long));                            // other scope
        AddLog(Id1, b, s2, (items1, "5"));                                          // other resource, fewer keys
        AddLog(Id2, a, s1, (items1, "6"), (note, "w"), ("extra", Unicode));          // back to the first resource, more keys
        AddLog(Id1, a, s1);                                                         // no attributes
        AddLog(Id2, a, s1);
        string shared = "shared-ü";
        AddLog(Id1, a, s1, (items1, shared), (note, Unicode), ("extra", Long));
        AddLog(Id2, a, s1, (items1, shared), (note, "new"), ("extra", Long));        // first and last values repeat
        AddLog(Id1, a, s1, (items1, Long), (note, shared));                         // the same values, other places
        AddLog(Id2, a, s1, (items1, Long), (note, shared), ("extra", shared), ("more", Long));
        AddLog(Id1, a, s1, ("cart.itemz", Long), ("nope", shared), ("extrA", shared), ("more", Long)); // same count and lengths, other keys
        items.Add(batch => batch.Spans.Add(Span(Id1, Time, a, s1)));
        items.Add(batch => batch.Spans.Add(Span(Id2, Time, a, s1)));
        items.Add(batch => batch.Metrics.Add(Metric(MetricKind.Gauge, Id1, Time, a, s1)));
        items.Add(batch => batch.Metrics.Add(Metric(MetricKind.Sum, Id2, Time, a, s1)));    // another table, same resource
        items.Add(batch => batch.Metrics.Add(Metric(MetricKind.Gauge, Id2, Time, a, s1)));
        items.Add(batch => batch.Metrics.Add(Metric(MetricKind.Gauge, Id1, Time, b, s1)));

        using var together = new TableWriterSet();
        var all = Batch();
        foreach (var item in items)
        {
            item(all);
        }

        together.Append(all);

        using var alone = new TableWriterSet();
        foreach (var item in items)
        {
            var one = Batch();
            item(one);
            alone.Append(one);
        }

        var expected = alone.NonEmpty.ToDictionary(t => t.Table, t => t.Data.ToArray());
        var actual = together.NonEmpty.ToDictionary(t => t.Table, t => t.Data.ToArray());
        Assert.Equal(["otel_logs", "otel_metrics_gauge", "otel_metrics_sum", "otel_traces"], actual.Keys.Order());
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (table, bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(actual[table]), $"{table}: {actual[table].Length} bytes appended together, {bytes.Length} row by row");
        }
    }

    [Fact]
    public async Task InsertAsync_RowsSharingResourceAndKeys_ReadBackAsWritten()
    {
        using var client = await MigratedClientAsync(server, "memo");
        var resource = Resource();
        var scope = Scope();
        var batch = Batch();
        for (int i = 0; i < 3; i++)
        {
            var log = Log(new UInt128(0, (ulong)i + 1), Time + (ulong)i, resource, scope);
            log.Attributes.SetAt(0, (i + 10).ToString(CultureInfo.InvariantCulture));
            batch.Logs.Add(log);
        }

        await InsertAllAsync(client, batch, expectedRows: 3);

        var rows = JsonRows.Parse(await client.QueryAsync(
            $"SELECT {ResourceScopeSelect}, LogAttributesKeys, LogAttributesValues FROM {client.Database}.otel_logs ORDER BY TimestampNanos FORMAT JSONEachRow",
            CancellationToken.None));
        Assert.Equal(3, rows.Count);
        for (int i = 0; i < 3; i++)
        {
            AssertResourceScope(rows[i]);
            Assert.Equal(["cart.items", "note"], rows[i].Strings("LogAttributesKeys"));
            Assert.Equal([(i + 10).ToString(CultureInfo.InvariantCulture), Long], rows[i].Strings("LogAttributesValues"));
        }
    }

    [Fact]
    public void Clear_AfterAppend_EmptiesEveryTable()
    {
        using var writers = new TableWriterSet();
        var batch = Batch();
        batch.Logs.Add(Log(Id1, Time, Resource(), Scope()));
        batch.Metrics.Add(Metric(MetricKind.Gauge, Id2, Time, Resource(), Scope()));
        writers.Append(batch);
        Assert.Equal(2, writers.PendingRows);
        Assert.Equal(["otel_logs", "otel_metrics_gauge"], writers.NonEmpty.Select(t => t.Table));

        writers.Clear();

        Assert.Equal(0, writers.PendingRows);
        Assert.Empty(writers.NonEmpty);
    }

    [Fact]
    public void Append_GzipWriters_BodyIsTheRowBinaryOfUncompressedWritersGzipped()
    {
        // Five batches of ~0.97 MiB each: the buffer seals its rows into the gzip body once they pass
        // 1 MiB (after the second batch and the fourth), and the fifth's when the body is taken.
        using var plain = new TableWriterSet();
        using var gzip = new TableWriterSet(gzip: true);
        var expected = new List<byte>();
        for (int b = 0; b < 5; b++)
        {
            var batch = LargeLogs(b, 1000);
            plain.Append(batch);
            gzip.Append(batch);
            expected.AddRange(plain.NonEmpty.Single().Data.ToArray());
            plain.Clear();
            Assert.Equal(expected.Count, gzip.PendingBytes);
        }

        var table = gzip.NonEmpty.Single();
        Assert.InRange(table.Bytes, 1, 1024 * 1024); // only the rows since the last seal are still in the buffer
        Assert.Equal(4L * table.Bytes, table.TotalBytes - table.Bytes); // the first four batches are in the gzip body
        byte[] body = table.Body().ToArray();

        Assert.Equal(5000, table.Rows);
        Assert.Equal(expected, Gunzip(body));
        Assert.True(body.Length < expected.Count / 4, $"{body.Length} bytes of gzip for {expected.Count} of RowBinary");
        Assert.Equal(body, table.Body().ToArray()); // an insert retried sends the same bytes
    }

    [Fact]
    public void Clear_GzipWritersAfterBody_NextBodyHoldsOnlyNewRows()
    {
        using var plain = new TableWriterSet();
        using var gzip = new TableWriterSet(gzip: true);
        gzip.Append(LargeLogs(0, 3000));
        _ = gzip.NonEmpty.Single().Body();

        gzip.Clear();
        var batch = LargeLogs(1, 10);
        gzip.Append(batch);
        plain.Append(batch);

        Assert.Equal(plain.NonEmpty.Single().Data.ToArray(), Gunzip(gzip.NonEmpty.Single().Body().ToArray()));
    }

    private static TelemetryBatch LargeLogs(int batchNumber, int count)
    {
        var batch = Batch();
        var resource = Resource();
        var scope = Scope();
        for (int i = 0; i < count; i++)
        {
            var log = Log((UInt128)((batchNumber * 100_000) + i + 1), Time + (ulong)i, resource, scope);
            log.Body = string.Create(CultureInfo.InvariantCulture, $"event {batchNumber}/{i}: ") + new string((char)('a' + (i % 26)), 200);
            batch.Logs.Add(log);
        }

        return batch;
    }

    private static byte[] Gunzip(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    internal static async Task InsertAllAsync(ClickHouseClient client, TelemetryBatch batch, int expectedRows)
    {
        // As the exporter makes them: compressing as they fill when the client sends gzip.
        using var writers = new TableWriterSet(client.Gzip);
        writers.Append(batch);
        Assert.Equal(expectedRows, writers.PendingRows);
        foreach (var table in writers.NonEmpty)
        {
            await client.InsertAsync(table, CancellationToken.None);
        }
    }

    private static async Task<JsonElement> SingleAsync(ClickHouseClient client, string sql) =>
        Assert.Single(JsonRows.Parse(await client.QueryAsync(sql + " FORMAT JSONEachRow", CancellationToken.None)));

    private static void AssertMetricCommon(JsonElement r, MetricKind kind, int id)
    {
        Assert.Equal(id.ToString("X32", CultureInfo.InvariantCulture), r.Str("Id"));
        Assert.Equal("shop-ß", r.Str("Product"));
        Assert.Equal("checkout-ü", r.Str("ServiceName"));
        Assert.Equal(Received, r.U64("ReceivedTimestampNanos"));
        AssertResourceScope(r);
        Assert.Equal("http.server.duration." + kind, r.Str("MetricName"));
        Assert.Equal("Durée des requêtes", r.Str("MetricDescription"));
        Assert.Equal("ms", r.Str("MetricUnit"));
        Assert.Equal(["http.route"], r.Strings("AttributesKeys"));
        Assert.Equal(["/cart/{id}"], r.Strings("AttributesValues"));
        Assert.Equal((Time - 60_000_000_000) / 1_000_000_000, r.U64("StartSeconds"));
        Assert.Equal(Time - 60_000_000_000, r.U64("StartTimeUnixNanos"));
        Assert.Equal(Time / 1_000_000_000, r.U64("Seconds"));
        Assert.Equal(Time, r.U64("TimeUnixNanos"));
        Assert.Equal(1UL, r.U64("Flags"));
    }

    private static void AssertResourceScope(JsonElement r)
    {
        Assert.Equal("https://opentelemetry.io/schemas/1.26.0", r.Str("ResourceSchemaUrl"));
        Assert.Equal(["service.name", "service.version", "device.id"], r.Strings("ResourceAttributesKeys"));
        Assert.Equal(["checkout-ü", "1.2.3", Unicode], r.Strings("ResourceAttributesValues"));
        Assert.Equal("Sluice.Tests", r.Str("ScopeName"));
        Assert.Equal("0.1", r.Str("ScopeVersion"));
        Assert.Equal("https://example.com/scope", r.Str("ScopeSchemaUrl"));
        Assert.Equal(["scope.kind"], r.Strings("ScopeAttributesKeys"));
        Assert.Equal(["test"], r.Strings("ScopeAttributesValues"));
    }
}
