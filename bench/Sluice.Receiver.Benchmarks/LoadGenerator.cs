using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Sluice.Receiver.Benchmarks;

/// <summary>What the harness asks of one load run (the <c>load</c> verb's arguments).</summary>
public sealed record LoadOptions
{
    public required string Url { get; init; }

    public required string Key { get; init; }

    /// <summary>Unique text put in every event (<see cref="Workload.RunAttribute"/>) so the run's rows can be counted.</summary>
    public required string Run { get; init; }

    /// <summary>Unique number put in every event id.</summary>
    public int RunNumber { get; init; }

    public EventShape Shape { get; init; } = EventShape.Typical;

    public int EventsPerRequest { get; init; } = 1000;

    /// <summary>Distinct requests encoded up front; the run stops early if it has sent them all.</summary>
    public int Requests { get; init; }

    /// <summary>HTTP connections (HTTP/1.1, one request at a time each).</summary>
    public int Connections { get; init; } = 16;

    public double DurationSeconds { get; init; } = 30;

    /// <summary>Offered events/s (open loop, requests started on a fixed schedule); 0: closed loop, each connection sends again when answered.</summary>
    public double Rate { get; init; }

    /// <summary>After the duration, how long requests still in flight or waiting to retry may take.</summary>
    public double GraceSeconds { get; init; } = 30;
}

/// <summary>What a load run saw, returned to the harness as JSON.</summary>
public sealed record LoadResult
{
    public int RequestsPrepared { get; init; }

    public int RequestsStarted { get; init; }

    public int RequestsAcked { get; init; }

    public long EventsAcked { get; init; }

    public double Seconds { get; init; }

    public long StartUnixMs { get; init; }

    public double AvgGzipBytes { get; init; }

    public double AvgRawBytes { get; init; }

    public double EncodeSeconds { get; init; }

    public bool Exhausted { get; init; }

    /// <summary>CPU seconds the generator itself used while sending (it shares the cores with the receiver and ClickHouse).</summary>
    public double CpuSeconds { get; init; }

    /// <summary>Answers by HTTP status ("200", "429", ...; "error" for no answer), counting every attempt.</summary>
    public Dictionary<string, int> Statuses { get; init; } = [];

    /// <summary>429 and 503 answers that carried a Retry-After header.</summary>
    public int RetryAfterAnswers { get; init; }

    /// <summary>Requests given up on at the end of the grace time (never acknowledged).</summary>
    public int Abandoned { get; init; }

    public double P50Ms { get; init; }

    public double P90Ms { get; init; }

    public double P99Ms { get; init; }

    public double MaxMs { get; init; }

    /// <summary>The numbers of the acknowledged requests (each holds EventsPerRequest events).</summary>
    public List<int> AckedRequests { get; init; } = [];
}

/// <summary>
/// The <c>load</c> verb: a separate process that encodes its requests up front, prints <c>READY</c>,
/// waits for a line on stdin, sends for the duration, and prints <c>RESULT {json}</c>. Acknowledgement
/// latency is timed from when the request was due (open loop) or sent (closed loop) to its 200, so
/// queueing in the client counts (no coordinated omission). Like an OTLP exporter it retries 429, 503
/// and connection errors of the same request after Retry-After (or 1 s), until the grace time ends.
/// </summary>
public static class LoadGenerator
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static async Task<int> MainAsync(string[] args)
    {
        var options = Parse(args);
        var encode = Stopwatch.StartNew();
        var payloads = new byte[options.Requests][];
        long raw = 0;
        Parallel.For(0, options.Requests, r =>
        {
            byte[] body = Workload.Request(options.Run, options.RunNumber, r, options.EventsPerRequest, options.Shape);
            Interlocked.Add(ref raw, body.Length);
            payloads[r] = Workload.Gzip(body);
        });
        double encodeSeconds = encode.Elapsed.TotalSeconds;
        GC.Collect();
        double avgGzip = payloads.Average(p => (double)p.Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"READY {options.Requests} requests, {avgGzip / 1024:F1} KiB gzip, {raw / (double)options.Requests / 1024:F1} KiB raw each, encoded in {encodeSeconds:F1} s"));
        if (await Console.In.ReadLineAsync() is null)
        {
            return 1;
        }

        var cpu = Environment.CpuUsage.TotalTime;
        var run = new Run(options, payloads);
        var result = await run.ExecuteAsync();
        result = result with
        {
            AvgGzipBytes = avgGzip,
            AvgRawBytes = raw / (double)options.Requests,
            EncodeSeconds = encodeSeconds,
            CpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds,
        };
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result, Json));
        return 0;
    }

    private static LoadOptions Parse(string[] args)
    {
        string Get(string name, string? fallback = null)
        {
            int i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback ?? throw new ArgumentException($"load: --{name} is required");
        }

        double Num(string name, string fallback) => double.Parse(Get(name, fallback), CultureInfo.InvariantCulture);
        return new LoadOptions
        {
            Url = Get("url"),
            Key = Get("key"),
            Run = Get("run"),
            RunNumber = (int)Num("run-number", "1"),
            Shape = Enum.Parse<EventShape>(Get("shape", "Typical"), ignoreCase: true),
            EventsPerRequest = (int)Num("events", "1000"),
            Requests = (int)Num("requests", "100"),
            Connections = (int)Num("connections", "16"),
            DurationSeconds = Num("duration", "30"),
            Rate = Num("rate", "0"),
            GraceSeconds = Num("grace", "30"),
        };
    }

    /// <summary>The arguments that make <see cref="Parse"/> return <paramref name="options"/>.</summary>
    public static IEnumerable<string> Arguments(LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var c = CultureInfo.InvariantCulture;
        return
        [
            "load", "--url", options.Url, "--key", options.Key, "--run", options.Run, "--run-number", options.RunNumber.ToString(c),
            "--shape", options.Shape.ToString(), "--events", options.EventsPerRequest.ToString(c), "--requests", options.Requests.ToString(c),
            "--connections", options.Connections.ToString(c), "--duration", options.DurationSeconds.ToString(c), "--rate", options.Rate.ToString(c),
            "--grace", options.GraceSeconds.ToString(c),
        ];
    }

    private sealed class Run(LoadOptions options, byte[][] payloads)
    {
        private readonly Lock _lock = new();
        private readonly List<double> _latencies = [];
        private readonly List<int> _acked = [];
        private readonly Dictionary<string, int> _statuses = [];
        private int _retryAfter;
        private int _abandoned;
        private int _started;
        private long _ackedEvents;

        public async Task<LoadResult> ExecuteAsync()
        {
            using var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = options.Connections,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                AutomaticDecompression = DecompressionMethods.None,
                UseProxy = false,
            };
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Key);
            var uri = new Uri(options.Url);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(options.DurationSeconds + options.GraceSeconds));
            long start = Stopwatch.GetTimestamp();
            long startUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            long end = start + (long)(options.DurationSeconds * Stopwatch.Frequency);
            int next = -1;
            bool exhausted = false;

            if (options.Rate <= 0)
            {
                // Closed loop: each connection sends its next request when the last one is answered.
                var workers = Enumerable.Range(0, options.Connections).Select(async _ =>
                {
                    while (Stopwatch.GetTimestamp() < end)
                    {
                        int r = Interlocked.Increment(ref next);
                        if (r >= payloads.Length)
                        {
                            exhausted = true;
                            return;
                        }

                        Interlocked.Increment(ref _started);
                        await SendUntilAckedAsync(client, uri, r, Stopwatch.GetTimestamp(), grace.Token);
                    }
                }).ToArray();
                await Task.WhenAll(workers);
            }
            else
            {
                // Open loop: request r is due at start + r / (requests per second), answered or not.
                double interval = options.EventsPerRequest / options.Rate;
                var inflight = new List<Task>();
                for (int r = 0; ; r++)
                {
                    long due = start + (long)(r * interval * Stopwatch.Frequency);
                    if (due >= end)
                    {
                        break;
                    }

                    if (r >= payloads.Length)
                    {
                        exhausted = true;
                        break;
                    }

                    long wait = due - Stopwatch.GetTimestamp();
                    if (wait > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency));
                    }

                    Interlocked.Increment(ref _started);
                    inflight.Add(SendUntilAckedAsync(client, uri, r, due, grace.Token));
                }

                await Task.WhenAll(inflight);
            }

            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            lock (_lock)
            {
                _latencies.Sort();
                return new LoadResult
                {
                    RequestsPrepared = payloads.Length,
                    RequestsStarted = _started,
                    RequestsAcked = _acked.Count,
                    EventsAcked = _ackedEvents,
                    Seconds = seconds,
                    StartUnixMs = startUnixMs,
                    Exhausted = exhausted,
                    Statuses = new Dictionary<string, int>(_statuses),
                    RetryAfterAnswers = _retryAfter,
                    Abandoned = _abandoned,
                    P50Ms = Percentile(_latencies, 0.50),
                    P90Ms = Percentile(_latencies, 0.90),
                    P99Ms = Percentile(_latencies, 0.99),
                    MaxMs = _latencies.Count == 0 ? 0 : _latencies[^1],
                    AckedRequests = [.. _acked],
                };
            }
        }

        private async Task SendUntilAckedAsync(HttpClient client, Uri uri, int request, long due, CancellationToken grace)
        {
            while (true)
            {
                string status;
                TimeSpan? retryAfter = null;
                try
                {
                    using var content = new ByteArrayContent(payloads[request]);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                    content.Headers.ContentEncoding.Add("gzip");
                    using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
                    message.Headers.Add("Sluice-Sent-At", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
                    using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, grace);
                    status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        double ms = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
                        lock (_lock)
                        {
                            Count(status);
                            _latencies.Add(ms);
                            _acked.Add(request);
                            _ackedEvents += options.EventsPerRequest;
                        }

                        return;
                    }

                    retryAfter = response.Headers.RetryAfter?.Delta;
                    if (retryAfter is not null && (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
                    {
                        Interlocked.Increment(ref _retryAfter);
                    }

                    if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout))
                    {
                        // Not retryable (400, 401, 413...): a bug in the benchmark; counted and dropped.
                        lock (_lock)
                        {
                            Count(status);
                        }

                        return;
                    }
                }
                catch (OperationCanceledException) when (grace.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _abandoned);
                    return;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    status = "error";
                }

                lock (_lock)
                {
                    Count(status);
                }

                try
                {
                    await Task.Delay(retryAfter ?? TimeSpan.FromSeconds(1), grace);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref _abandoned);
                    return;
                }
            }
        }

        private void Count(string status) => _statuses[status] = _statuses.GetValueOrDefault(status) + 1;

        private static double Percentile(List<double> sorted, double p) =>
            sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
