using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;
using Sluice.Testing;

namespace Sluice.Receiver.Tests.EndToEnd;

/// <summary>
/// A load generator for end-to-end tests: OTLP/HTTP protobuf log requests of realistic product
/// events, each with its own <c>event.id</c>, sent like an OTLP client would (gzip, retry on
/// 429/503/connection errors), recording which requests were acknowledged.
/// </summary>
internal sealed class OtlpLoad(Uri httpEndpoint, string run, int requests, int eventsPerRequest)
{
    private readonly HashSet<int> _acked = [];
    private readonly Lock _lock = new();

    public int Requests => requests;

    public int EventsPerRequest => eventsPerRequest;

    /// <summary>How many requests got 200 so far.</summary>
    public int Acked
    {
        get
        {
            lock (_lock)
            {
                return _acked.Count;
            }
        }
    }

    /// <summary>Answers other than 200, by status (503 while the receiver is down is expected).</summary>
    public int Failures => _failures;

    private int _failures;

    public static byte[] LogsRequest(string run, int request, int events, string eventName = "app.event")
    {
        var logs = new ScopeLogs { Scope = new InstrumentationScope { Name = "load", Version = "1.0.0" } };
        ulong baseTime = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        for (int i = 0; i < events; i++)
        {
            var record = new LogRecord
            {
                TimeUnixNano = baseTime + (ulong)i,
                SeverityNumber = SeverityNumber.Info,
                SeverityText = "INFO",
                EventName = eventName,
                Body = new AnyValue { StringValue = $"event {request}/{i}" },
            };
            record.Attributes.Add(Attr("event.id", new Guid(request, (short)(i >> 16), (short)i, 1, 2, 3, 4, 5, 6, 7, 8).ToString()));
            record.Attributes.Add(Attr("run.id", run));
            record.Attributes.Add(Attr("request", request.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            record.Attributes.Add(Attr("screen", "home"));
            record.Attributes.Add(Attr("user.id", "u" + (i % 97).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            logs.LogRecords.Add(record);
        }

        var resource = new Resource();
        resource.Attributes.Add(Attr("service.name", "load-app"));
        resource.Attributes.Add(Attr("service.version", "3.1.0"));
        resource.Attributes.Add(Attr("os.type", "windows"));
        var body = new ExportLogsServiceRequest();
        body.ResourceLogs.Add(new ResourceLogs { Resource = resource, ScopeLogs = { logs } });
        return body.ToByteArray();
    }

    public static byte[] Gzip(byte[] data, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, level))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>zlib, what HTTP's <c>Content-Encoding: deflate</c> carries.</summary>
    public static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    private byte[][]? _payloads;

    /// <summary>Encodes and compresses every request up front, so that a timed run measures the receiver, not the generator.</summary>
    public OtlpLoad Prepare()
    {
        _payloads = new byte[requests][];
        Parallel.For(0, requests, r => _payloads[r] = Gzip(LogsRequest(run, r, eventsPerRequest)));
        return this;
    }

    /// <summary>Sends every request until each is acknowledged or <paramref name="deadline"/> passes, <paramref name="concurrency"/> at a time.</summary>
    public async Task RunAsync(int concurrency, TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        using var client = ReceiverProcess.NewHttpClient();
        client.Timeout = TimeSpan.FromSeconds(10);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(deadline);
        int next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int request;
            while ((request = Interlocked.Increment(ref next)) < requests)
            {
                byte[] payload = _payloads?[request] ?? Gzip(LogsRequest(run, request, eventsPerRequest));
                while (!await SendAsync(client, payload, stop.Token))
                {
                    Interlocked.Increment(ref _failures);
                    await Task.Delay(100, stop.Token);
                }

                lock (_lock)
                {
                    _acked.Add(request);
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
    }

    private async Task<bool> SendAsync(HttpClient client, byte[] payload, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(payload);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");
        try
        {
            using var response = await client.PostAsync(new Uri(httpEndpoint, "v1/logs"), content, cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static KeyValue Attr(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };
}
