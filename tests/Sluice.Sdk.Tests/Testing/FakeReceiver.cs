using System.Collections.Concurrent;
using System.Net;

namespace Sluice.Sdk.Tests.Testing;

/// <summary>A receiver in a message handler: records each request and answers as scripted.</summary>
public sealed class FakeReceiver : HttpMessageHandler
{
    private int _calls;

    /// <summary>Answer per call number (from 1); default 200.</summary>
    public Func<int, HttpRequestMessage, HttpResponseMessage> Respond { get; set; } = (_, _) => new HttpResponseMessage(HttpStatusCode.OK);

    /// <summary>When true, every call fails like a refused connection.</summary>
    public bool Down
    {
        get => Volatile.Read(ref _down);
        set => Volatile.Write(ref _down, value);
    }

    private bool _down;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    public List<DecodedRecord> AcceptedRecords()
    {
        var all = new List<DecodedRecord>();
        foreach (var request in Requests)
        {
            if (request.Accepted)
            {
                all.AddRange(OtlpTestDecoder.Decode(OtlpTestDecoder.Gunzip(request.Payload)));
            }
        }

        return all;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        if (Down)
        {
            throw new HttpRequestException("Connection refused (fake)", new IOException("refused"));
        }

        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var response = Respond(call, request);
        Requests.Enqueue(new ReceivedRequest(request.Method, request.RequestUri!, request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase), request.Content?.Headers.ContentEncoding.ToArray() ?? [], body, response.IsSuccessStatusCode, request.Content?.Headers.ContentType?.MediaType ?? string.Empty));
        response.RequestMessage = request;
        return response;
    }
}

public sealed record ReceivedRequest(HttpMethod Method, Uri Uri, Dictionary<string, string> Headers, string[] ContentEncoding, byte[] Body, bool Accepted, string ContentType = "")
{
    /// <summary>The gzip payload: the body, without the gRPC frame header when there is one.</summary>
    public byte[] Payload => ContentType == "application/grpc" ? Body[5..] : Body;
}
