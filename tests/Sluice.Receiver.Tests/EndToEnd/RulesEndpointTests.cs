using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Sluice.Receiver.Tests.ClickHouse;
using Sluice.Testing;

namespace Sluice.Receiver.Tests.EndToEnd;

/// <summary>The rules an SRE edits, as the real receiver serves, announces and enforces them.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class RulesEndpointTests(ClickHouseServer clickHouse) : IDisposable
{
    private const string XOff = """
        rules:
          - id: x-off
            match: {events: [X]}
            enabled: false
          - id: beta-clicks
            match: {product: testprod, channels: [beta], minVersion: "2.0"}
            sampleRate: 0.5
          - id: other-off
            match: {product: otherprod}
            enabled: false
        """;

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(static b => b, static b => b);

    private readonly string _folder = Directory.CreateTempSubdirectory("sluice-rules-e2e-").FullName;

    // Each request's body, built once (see Body).
    private readonly Dictionary<(string Run, int Request, string EventName), byte[]> _bodies = [];

    private string RulesPath => Path.Combine(_folder, "rules.yaml");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task GetRules_KeyQueryAndETag_ServesTheKeysProductWith304WhenUnchanged()
    {
        await File.WriteAllTextAsync(RulesPath, XOff);
        await using var receiver = await ReceiverProcess.StartAsync(clickHouse, rulesFile: RulesPath);
        using var http = ReceiverProcess.NewHttpClient();
        var uri = new Uri(receiver.HttpEndpoint, $"v1/rules?product={ReceiverProcess.Product}&version=2.1.0&channel=beta");

        using var first = await http.GetAsync(uri);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("application/json; charset=utf-8", first.Content.Headers.ContentType!.ToString());
        Assert.True(first.Headers.CacheControl is { Private: true, NoCache: true }, first.Headers.CacheControl?.ToString());
        var etag = first.Headers.ETag!;
        Assert.False(etag.IsWeak);
        using var document = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        string version = document.RootElement.GetProperty("version").GetString()!;
        Assert.Equal($"\"{version}\"", etag.Tag);
        Assert.Equal(version, first.Headers.GetValues("Sluice-Rules-Version").Single());
        Assert.Equal(["x-off", "beta-clicks"], document.RootElement.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()));

        using (var revalidate = new HttpRequestMessage(HttpMethod.Get, uri))
        {
            revalidate.Headers.IfNoneMatch.Add(etag);
            using var notModified = await http.SendAsync(revalidate);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Equal(etag, notModified.Headers.ETag);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        }

        // Stable channel: the beta rule is not served; the version (and so the ETag) is the product's.
        using (var stable = await http.GetAsync(new Uri(receiver.HttpEndpoint, $"v1/rules?product={ReceiverProcess.Product}&version=2.1.0&channel=stable")))
        {
            using var stableDocument = JsonDocument.Parse(await stable.Content.ReadAsStringAsync());
            Assert.Equal(["x-off"], stableDocument.RootElement.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
            Assert.Equal(etag, stable.Headers.ETag);
        }

        // Another product's key asking for testprod gets its own product's rules.
        using (var other = ReceiverProcess.NewHttpClient(ReceiverProcess.OtherApiKey))
        {
            using var response = await other.GetAsync(uri);
            using var otherDocument = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(["x-off", "other-off"], otherDocument.RootElement.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
            Assert.NotEqual(etag, response.Headers.ETag);
        }

        using (var stranger = ReceiverProcess.NewHttpClient("not-a-key"))
        {
            using var response = await stranger.GetAsync(uri);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task FileEdited_ExportResponsesAnnounceNewVersion_EndpointServesIt_BrokenEditKeepsIt_EnforcementFollows()
    {
        await File.WriteAllTextAsync(RulesPath, "rules: []\n");
        await using var receiver = await ReceiverProcess.StartAsync(clickHouse, rulesFile: RulesPath);
        using var http = ReceiverProcess.NewHttpClient();
        using var channel = GrpcChannel.ForAddress(receiver.GrpcEndpoint);
        string run = Guid.NewGuid().ToString("N");
        var rulesUri = new Uri(receiver.HttpEndpoint, $"v1/rules?product={ReceiverProcess.Product}&version=1.0&channel=stable");

        string empty = await ExportAsync(http, receiver, run, 0, "X");
        Assert.Equal(empty, await GrpcExportAsync(channel, run, 1, "X"));
        Assert.Matches("^[0-9a-f]{16}$", empty);

        // Enforcement happens as the spool is exported: let these X events be stored before X is turned off.
        await Eventually.UntilAsync(async () => await CountAsync(receiver, run, "X") == 6, TimeSpan.FromSeconds(30), "the X events sent before the rule");

        await File.WriteAllTextAsync(RulesPath, XOff);
        string announced = empty;
        await Eventually.UntilAsync(
            async () => (announced = await ExportAsync(http, receiver, run, 2, "Y")) != empty,
            TimeSpan.FromSeconds(15),
            "export responses to announce the edited rules");
        Assert.Equal(announced, await GrpcExportAsync(channel, run, 3, "Y"));
        using (var fetched = await http.GetAsync(rulesUri))
        {
            Assert.Equal($"\"{announced}\"", fetched.Headers.ETag!.Tag);
            Assert.Contains("x-off", await fetched.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The receiver enforces the same rules on what old clients still send: X is not stored.
        await ExportAsync(http, receiver, run, 4, "X");
        await GrpcExportAsync(channel, run, 5, "X");
        await ExportAsync(http, receiver, run, 6, "Z");
        await Eventually.UntilAsync(async () => await CountAsync(receiver, run, "Z") == 3, TimeSpan.FromSeconds(30), "the marker after the X events");
        Assert.Equal(6, await CountAsync(receiver, run, "X"));
        Assert.Equal(6, await CountAsync(receiver, run, "Y"));

        // A broken edit: logged, and the rules in force stay, for announcements and fetches alike.
        await File.WriteAllTextAsync(RulesPath, XOff.Replace("enabled: false", "enabled: sometimes", StringComparison.Ordinal));
        await Eventually.UntilAsync(() => Task.FromResult(receiver.Output.Contains("changed but is invalid", StringComparison.Ordinal)), TimeSpan.FromSeconds(15), "the refused edit in the log");
        Assert.Contains("rules[0] (x-off).enabled: expected true or false, got", receiver.Output, StringComparison.Ordinal);
        Assert.Contains("sometimes", receiver.Output, StringComparison.Ordinal);
        Assert.Equal(announced, await ExportAsync(http, receiver, run, 7, "Y"));
        using (var stillServed = new HttpRequestMessage(HttpMethod.Get, rulesUri))
        {
            stillServed.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{announced}\""));
            using var response = await http.SendAsync(stillServed);
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        }
    }

    [Fact]
    public async Task Export_ReceiverWithoutRules_NoHeaderAndRulesEndpoint404()
    {
        await using var receiver = await ReceiverProcess.StartAsync(clickHouse);
        using var http = ReceiverProcess.NewHttpClient();

        using var content = Protobuf(OtlpLoad.LogsRequest("none", 0, 1));
        using var export = await http.PostAsync(new Uri(receiver.HttpEndpoint, "v1/logs"), content);
        using var rules = await http.GetAsync(new Uri(receiver.HttpEndpoint, "v1/rules?product=testprod&version=1.0&channel=stable"));

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.False(export.Headers.Contains("Sluice-Rules-Version"));
        Assert.Equal(HttpStatusCode.NotFound, rules.StatusCode);
        Assert.Contains("sluice_rules", await rules.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BrokenRulesFile_ExitsNamingRuleAndKey()
    {
        await File.WriteAllTextAsync(RulesPath, "rules:\n  - id: x-off\n    match: {event: [X]}\n    enabled: false\n");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ReceiverProcess.StartAsync(clickHouse, rulesFile: RulesPath));

        Assert.Contains("exited with 2", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"{RulesPath}:3: rules[0] (x-off).match.event: unknown key; did you mean 'events'?", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Posts one event over OTLP/HTTP; returns the Sluice-Rules-Version of the answer.</summary>
    private async Task<string> ExportAsync(HttpClient http, ReceiverProcess receiver, string run, int request, string eventName)
    {
        using var content = Protobuf(Body(run, request, eventName));
        using var response = await http.PostAsync(new Uri(receiver.HttpEndpoint, "v1/logs"), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Sluice-Rules-Version").Single();
    }

    /// <summary>Exports one event over OTLP/gRPC; returns the sluice-rules-version response header.</summary>
    private async Task<string> GrpcExportAsync(GrpcChannel channel, string run, int request, string eventName)
    {
        var export = new Method<byte[], byte[]>(MethodType.Unary, "opentelemetry.proto.collector.logs.v1.LogsService", "Export", Bytes, Bytes);
        var headers = new Metadata { { "authorization", "Bearer " + ReceiverProcess.ApiKey } };
        using var call = channel.CreateCallInvoker().AsyncUnaryCall(export, null, new CallOptions(headers), Body(run, request, eventName));
        await call.ResponseAsync;
        var responseHeaders = await call.ResponseHeadersAsync;
        return responseHeaders.GetValue("sluice-rules-version") ?? throw new InvalidOperationException("no sluice-rules-version in the gRPC response headers");
    }

    // A request is built once and re-sent as it is, as a client retries: the loop that waits for
    // the announcement sends request 2 several times, and a rebuilt body would carry new
    // timestamps, so its copies would not collapse (the sorting key holds Timestamp and EventId).
    private byte[] Body(string run, int request, string eventName)
    {
        var key = (run, request, eventName);
        if (!_bodies.TryGetValue(key, out byte[]? body))
        {
            body = OtlpLoad.LogsRequest(run, request, 3, eventName);
            _bodies[key] = body;
        }

        return body;
    }

    private static ByteArrayContent Protobuf(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }

    private async Task<long> CountAsync(ReceiverProcess receiver, string run, string eventName) => long.Parse(
        (await clickHouse.QueryAsync($"SELECT count() FROM {receiver.Database}.otel_logs FINAL WHERE has(LogAttributesValues, '{run}') AND EventName = '{eventName}'")).Trim(),
        CultureInfo.InvariantCulture);
}
