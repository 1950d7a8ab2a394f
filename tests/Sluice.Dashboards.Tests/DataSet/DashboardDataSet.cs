using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Sluice.Testing;
using Sluice.Testing.DataSet;

namespace Sluice.Dashboards.Tests.DataSet;

/// <summary>
/// The data set every panel runs on, loaded once per test run through the real receiver process
/// (OTLP/JSON over HTTP, its processors, spool and ClickHouse writer) into a private ClickHouse:
/// the shared generator's product events (<c>SLUICE_DASHBOARD_EVENTS</c>, default 1,000,000, over the
/// last three days), SDK health events (client-side loss, rules versions with a change picked up
/// over a few hours) and the receiver's own metrics every five minutes, shaped as the receiver will
/// export them (ServiceName <c>sluice-receiver</c>).
/// </summary>
public sealed class DashboardDataSet : IAsyncLifetime
{
    /// <summary>Seconds between two points of the receiver's metrics, and the panels' interval in the tests.</summary>
    public const int Step = 300;

    private const int HealthDevices = 600;
    private const int HealthEveryHours = 3;
    private const int RequestRecords = 2000;

    private ReceiverProcess? _receiver;

    public ClickHouseServer ClickHouse { get; } = new();

    public string Database => _receiver?.Database ?? throw new InvalidOperationException("not loaded");

    /// <summary>The product of the receiver's API key: every event's <c>Product</c>.</summary>
    public static string Product => ReceiverProcess.Product;

    /// <summary>Start of the data (on the hour, three days ago).</summary>
    public DateTime From { get; private set; }

    /// <summary>An hour after loading finished: covers every event and every receive time.</summary>
    public DateTime To { get; private set; }

    /// <summary>The data set's rules version change: devices report the new version from a few minutes to three hours after it.</summary>
    public DateTime RulesChange { get; private set; }

    public int Events { get; private set; }

    /// <summary>The generator's product events as sent (user ids in clear; the receiver stores them hashed), for answers computed in C#.</summary>
    public IReadOnlyList<GeneratedEvent> Generated { get; private set; } = [];

    public int HealthEvents { get; private set; }

    public TimeSpan LoadTime { get; private set; }

    public async Task InitializeAsync()
    {
        await ClickHouse.InitializeAsync();
        // The data set stands in for the receiver's own metrics (ServiceName sluice-receiver), so the real ones stay off.
        _receiver = await ReceiverProcess.StartAsync(ClickHouse, selfMetrics: false);
        DateTime now = DateTime.UtcNow;
        From = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc).AddDays(-3);
        RulesChange = From.AddDays(2);
        int count = int.TryParse(Environment.GetEnvironmentVariable("SLUICE_DASHBOARD_EVENTS"), CultureInfo.InvariantCulture, out int n) ? n : 1_000_000;

        var clock = Stopwatch.StartNew();
        List<GeneratedEvent> events = EventGenerator.Generate(seed: 5, count, From, days: 3, devices: 3000, product: Product);
        var requests = new List<byte[]>();
        for (int i = 0; i < events.Count; i += RequestRecords)
        {
            requests.Add(OtlpJson.Logs(events.Skip(i).Take(RequestRecords)
                .GroupBy(e => e.Device, e => new LogItem(e.TimeNanos, e.EventName, [.. e.RecordAttributes().Select(HashUserId)]))));
        }

        List<(GeneratedDevice Device, LogItem Item)> health = HealthReports(events, count);
        for (int i = 0; i < health.Count; i += RequestRecords)
        {
            requests.Add(OtlpJson.Logs(health.Skip(i).Take(RequestRecords).GroupBy(h => h.Device, h => h.Item)));
        }

        var metrics = ReceiverMetrics().ToList();
        await SendAsync(requests, "/v1/logs");
        await SendAsync([.. metrics.Chunk(6).Select(OtlpJson.Metrics)], "/v1/metrics");

        Events = events.Count;
        Generated = events;
        HealthEvents = health.Count;
        int points = metrics.Sum(m => m.Points.Count);
        await Eventually.UntilAsync(
            async () => await CountAsync("otel_logs") == Events + HealthEvents
                && await CountAsync("otel_metrics_sum") + await CountAsync("otel_metrics_gauge") + await CountAsync("otel_metrics_histogram") == points,
            TimeSpan.FromMinutes(10),
            $"{Events + HealthEvents} log records and {points} metric points in ClickHouse");
        LoadTime = clock.Elapsed;
        To = DateTime.UtcNow.AddHours(1);
    }

    public async Task DisposeAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

        await ClickHouse.DisposeAsync();
    }

    // Only the data set's product: the receiver's own metrics arrive too, under Product = 'sluice-receiver'.
    private async Task<long> CountAsync(string table) =>
        long.Parse((await ClickHouse.QueryAsync($"SELECT count() FROM {Database}.{table} WHERE Product = '{Product}'")).Trim(), CultureInfo.InvariantCulture);

    private async Task SendAsync(List<byte[]> bodies, string path)
    {
        using HttpClient http = ReceiverProcess.NewHttpClient();
        Uri uri = new(_receiver!.HttpEndpoint, path);
        await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = 3 }, async (body, cancel) =>
        {
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (true)
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                content.Headers.ContentEncoding.Add("gzip");
                using HttpResponseMessage response = await http.PostAsync(uri, content, cancel);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    string answer = await response.Content.ReadAsStringAsync(cancel);
                    if (answer.Contains("rejected", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new InvalidOperationException($"the receiver rejected part of a request: {answer}");
                    }

                    return;
                }

                bool retry = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;
                if (!retry || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"the receiver answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancel)}");
                }

                // The receiver pushes back while ClickHouse catches up; its Retry-After is the wait it asks for.
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(200), cancel);
            }
        });
    }

    // Every three hours each of the first devices reports its health: loss counters as deltas and
    // the rules version it runs, 7 before the change and 8 from its pick-up time on.
    private List<(GeneratedDevice, LogItem)> HealthReports(List<GeneratedEvent> events, int firstId)
    {
        var devices = events.Select(e => e.Device).DistinctBy(d => d.DeviceId).OrderBy(d => d.DeviceId, StringComparer.Ordinal).Take(HealthDevices).ToList();
        var reports = new List<(GeneratedDevice, LogItem)>();
        for (int d = 0; d < devices.Count; d++)
        {
            DateTime pickUp = RulesChange.AddMinutes(5 + (d * 37 % 180));
            for (int hour = d % HealthEveryHours; hour < 72; hour += HealthEveryHours)
            {
                DateTime time = From.AddHours(hour).AddMinutes(d % 60);
                string id = (firstId + reports.Count).ToString("x32", CultureInfo.InvariantCulture);
                reports.Add((devices[d], new LogItem(Nanos(time), "sluice.sdk.health",
                [
                    new("event.id", id),
                    new("sluice.schema.version", "2"),
                    new("sluice.event.kind", "sdk_health"),
                    new("sluice.health.rules_version", time >= pickUp ? "8" : "7"),
                    new("sluice.health.dropped_by_rule", (d % 4).ToString(CultureInfo.InvariantCulture)),
                    new("sluice.health.dropped_by_sampling", (d % 6 * 3).ToString(CultureInfo.InvariantCulture)),
                    new("sluice.health.dropped_by_cap", (d % 9 == 0 ? 3 : 0).ToString(CultureInfo.InvariantCulture)),
                    new("sluice.health.evicted", (d % 13 == 0 ? 20 : 0).ToString(CultureInfo.InvariantCulture)),
                    new("sluice.health.corrupt_files", (d % 50 == 0 ? 1 : 0).ToString(CultureInfo.InvariantCulture)),
                    new("sluice.health.store_write_failures", "0"),
                    new("sluice.health.default.permanent_failures", (d % 17 == 0 ? 2 : 0).ToString(CultureInfo.InvariantCulture)),
                    new("sluice.health.default.dropped_queue_full", (d % 23 == 0 ? 5 : 0).ToString(CultureInfo.InvariantCulture)),
                    new("sluice.health.crash.permanent_failures", (d % 31 == 0 ? 1 : 0).ToString(CultureInfo.InvariantCulture)),
                ])));
            }
        }

        return reports;
    }

    // The receiver's instruments as cumulative series since its start, a point every Step seconds.
    private IEnumerable<MetricSeries> ReceiverMetrics()
    {
        ulong start = Nanos(From);
        int points = 72 * 3600 / Step;
        var random = new Random(17);
        MetricSeries Counter(string name, double perStep, params (string Key, string Value)[] attributes) =>
            Series(name, "sum", attributes, i => perStep * i + (i == 0 ? 0 : random.Next(0, 3) * perStep / 4 * (i % 2)));
        MetricSeries Series(string name, string kind, (string Key, string Value)[] attributes, Func<int, double> value) =>
            new(name, kind, [.. attributes.Select(a => new KeyValuePair<string, string>(a.Key, a.Value))], start,
                [.. Enumerable.Range(0, points).Select(i => new MetricPoint(start + (ulong)i * Step * 1_000_000_000, Math.Round(value(i))))]);

        foreach (string signal in new[] { "logs", "traces", "metrics" })
        {
            double weight = signal == "logs" ? 12_000 : signal == "traces" ? 3_000 : 600;
            yield return Counter("sluice.receiver.items.accepted", weight, ("signal", signal));
            yield return Counter("sluice.receiver.items.refused", weight / 1000, ("signal", signal), ("reason", "invalid_item"));
            yield return Counter("sluice.receiver.requests", weight / 100, ("protocol", "http"), ("signal", signal), ("status", "200"));
            yield return Counter("sluice.receiver.requests", weight / 400, ("protocol", "grpc"), ("signal", signal), ("status", "0"));
            yield return Counter("sluice.receiver.requests", 2, ("protocol", "http"), ("signal", signal), ("status", "401"));
        }

        yield return Counter("sluice.receiver.items.refused", 40, ("signal", "logs"), ("reason", "spool_full"));
        yield return Counter("sluice.receiver.requests", 3, ("protocol", "http"), ("signal", "logs"), ("status", "503"));
        yield return Counter("sluice.clickhouse.insert.failures", 1);
        yield return Series("sluice.spool.size", "gauge", [], i => 4_000_000 + (i % 48) * 250_000);
        yield return Series("sluice.spool.oldest_age", "gauge", [], i => 1 + (i % 36));
        foreach ((string table, double seconds, double rows) in new[] { ("otel_logs", 0.08, 9000.0), ("otel_traces", 0.03, 2500.0), ("otel_metrics_sum", 0.01, 400.0) })
        {
            // Cumulative count and sum with a constant mean per table, so the panel's average is known.
            long Count(int i) => (long)i * 20 + i / 3;
            yield return new MetricSeries("sluice.clickhouse.insert.duration", "histogram", [new("table", table)], start,
                [.. Enumerable.Range(0, points).Select(i => new MetricPoint(start + (ulong)i * Step * 1_000_000_000, Count(i) * seconds, Count(i)))]);
            yield return new MetricSeries("sluice.clickhouse.insert.rows", "histogram", [new("table", table)], start,
                [.. Enumerable.Range(0, points).Select(i => new MetricPoint(start + (ulong)i * Step * 1_000_000_000, Count(i) * rows, Count(i)))]);
        }
    }

    // The SDK sends user ids hashed (key id, colon, base64 of an HMAC-SHA256); the receiver
    // leaves values of that shape alone and would replace clear ones with "redacted" for a
    // product without a hash key, as the test receiver's is.
    private static KeyValuePair<string, string> HashUserId(KeyValuePair<string, string> attribute) =>
        attribute.Key == "user.id"
            ? new(attribute.Key, "1:" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(attribute.Value))))
            : attribute;

    private static ulong Nanos(DateTime time) => (ulong)(time - DateTime.UnixEpoch).Ticks * 100;
}

/// <summary>The collection every test that reads the data set belongs to.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardDataSetDefinition : ICollectionFixture<DashboardDataSet>
{
    public const string Name = "dashboard data set";
}
