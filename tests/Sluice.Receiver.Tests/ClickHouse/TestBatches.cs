using Sluice.Receiver.ClickHouse;
using Sluice.Receiver.Configuration;
using Sluice.Testing;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Tests.ClickHouse;

/// <summary>Batches with every field set, and helpers to get a migrated database.</summary>
internal static class TestBatches
{
    public const ulong Received = 1_764_000_000_123_456_789UL; // 2025-11-24T16:00:00.123456789Z
    public const ulong ClientSent = 1_764_000_000_000_000_001UL;

    // Multi-byte UTF-8, characters that need escaping in text formats, and a string past the one-byte length prefix.
    public const string Unicode = "héllo wörld 🚀 日本語 \"quoted\" \t tab \n newline \\ backslash";
    public static readonly string Long = string.Concat(Enumerable.Repeat("ünïcode-", 40));

    public static ClickHouseExporterConfig Config(ClickHouseServer server, string database, string compress = "gzip") =>
        new() { Endpoint = server.Url, Database = database, Compress = compress };

    public static async Task<ClickHouseClient> MigratedClientAsync(ClickHouseServer server, string prefix, string compress = "gzip")
    {
        string db = await server.CreateDatabaseAsync(prefix);
        var client = new ClickHouseClient(Config(server, db, compress));
        await SchemaMigrator.MigrateAsync(client, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        return client;
    }

    public static ResourceInfo Resource()
    {
        var resource = new ResourceInfo { SchemaUrl = "https://opentelemetry.io/schemas/1.26.0" };
        resource.Attributes.Add("service.name", "checkout-ü");
        resource.Attributes.Add("service.version", "1.2.3");
        resource.Attributes.Add("device.id", Unicode);
        return resource;
    }

    public static ScopeInfo Scope()
    {
        var scope = new ScopeInfo { Name = "Sluice.Tests", Version = "0.1", SchemaUrl = "https://example.com/scope" };
        scope.Attributes.Add("scope.kind", "test");
        return scope;
    }

    public static LogEvent Log(UInt128 id, ulong time, ResourceInfo resource, ScopeInfo scope)
    {
        var log = new LogEvent
        {
            EventId = id,
            TimeUnixNano = time,
            ObservedTimeUnixNano = time + 5,
            TraceId = "0af7651916cd43dd8448eb211c80319c",
            SpanId = "b7ad6b7169203331",
            TraceFlags = 1,
            SeverityText = "Warn",
            SeverityNumber = 13,
            Body = Unicode,
            EventName = "cart.checkout",
            DroppedAttributesCount = 2,
            Resource = resource,
            Scope = scope,
        };
        log.Attributes.Add("cart.items", "3");
        log.Attributes.Add("note", Long);
        return log;
    }

    public static SpanEvent Span(UInt128 id, ulong start, ResourceInfo resource, ScopeInfo scope)
    {
        var span = new SpanEvent
        {
            EventId = id,
            StartTimeUnixNano = start,
            EndTimeUnixNano = start + 1_500_000,
            TraceId = "0af7651916cd43dd8448eb211c80319c",
            SpanId = "b7ad6b7169203331",
            ParentSpanId = "00f067aa0ba902b7",
            TraceState = "congo=t61rcWkgMzE",
            Name = "GET /cart/{id} ✓",
            Kind = "Server",
            StatusCode = "Error",
            StatusMessage = "boom — ошибка",
            Resource = resource,
            Scope = scope,
        };
        span.Attributes.Add("http.method", "GET");
        var e1 = new SpanEventEntry { TimeUnixNano = start + 1000, Name = "exception" };
        e1.Attributes.Add("exception.type", "InvalidOperationException");
        e1.Attributes.Add("exception.message", Unicode);
        span.Events.Add(e1);
        span.Events.Add(new SpanEventEntry { TimeUnixNano = start + 2000, Name = "no-attributes" });
        var link = new SpanLinkEntry { TraceId = "11111111111111111111111111111111", SpanId = "2222222222222222", TraceState = "a=b" };
        link.Attributes.Add("link.reason", "retry");
        span.Links.Add(link);
        return span;
    }

    public static MetricPoint Metric(MetricKind kind, UInt128 id, ulong time, ResourceInfo resource, ScopeInfo scope)
    {
        var p = new MetricPoint
        {
            EventId = id,
            Kind = kind,
            Name = "http.server.duration." + kind,
            Description = "Durée des requêtes",
            Unit = "ms",
            StartTimeUnixNano = time - 60_000_000_000,
            TimeUnixNano = time,
            Flags = 1,
            Resource = resource,
            Scope = scope,
        };
        p.Attributes.Add("http.route", "/cart/{id}");
        switch (kind)
        {
            case MetricKind.Gauge:
                p.Value = -12.5;
                break;
            case MetricKind.Sum:
                p.Value = 42.25;
                p.AggregationTemporality = 2;
                p.IsMonotonic = true;
                break;
            case MetricKind.Histogram:
                p.Count = 7;
                p.Sum = 123.5;
                p.Min = 0.5;
                p.Max = 99.75;
                p.AggregationTemporality = 1;
                p.BucketCounts.AddRange([1, 2, 4, 0]);
                p.ExplicitBounds.AddRange([1.0, 10.0, 100.0]);
                break;
            case MetricKind.ExponentialHistogram:
                p.Count = 9;
                p.Sum = 55.5;
                p.Min = 0.25;
                p.Max = 30;
                p.AggregationTemporality = 2;
                p.Scale = -3;
                p.ZeroCount = 1;
                p.PositiveOffset = -2;
                p.PositiveBucketCounts.AddRange([3, 5]);
                p.NegativeOffset = 4;
                // NegativeBucketCounts stays empty: empty arrays must round-trip too.
                break;
            case MetricKind.Summary:
                p.Count = 100;
                p.Sum = 2500;
                p.Quantiles.AddRange([0.5, 0.99]);
                p.QuantileValues.AddRange([20.0, 95.5]);
                break;
        }

        return p;
    }

    public static TelemetryBatch Batch(string product = "shop-ß")
    {
        return new TelemetryBatch { Product = product, ReceivedUnixNano = Received, ClientSentUnixNano = ClientSent };
    }
}
