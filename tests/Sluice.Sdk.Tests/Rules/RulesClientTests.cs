using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Sluice.Sdk.Rules;
using Sluice.Sdk.Tests.Testing;

namespace Sluice.Sdk.Tests.Rules;

public sealed class RulesClientTests : IDisposable
{
    private const string OffX = """{"version":"7","rules":[{"id":"off","match":{"events":["X"]},"enabled":false}]}""";
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task FetchAsync_Ok_AppliesRulesAndAsksWithProductVersionChannelAndKey()
    {
        var receiver = new FakeReceiver { Respond = (_, _) => Json(OffX, "\"e7\"") };
        var (client, engine) = Create(receiver);

        Assert.True(await client.FetchAsync(CancellationToken.None));

        Assert.Equal(RuleVerdict.DroppedByRule, engine.Evaluate("X", out _));
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("http://receiver.test:4318/v1/rules?product=Contoso.Editor&version=2.1.0&channel=stable", request.Uri.ToString());
        Assert.Equal("Bearer k", request.Headers["Authorization"]);
    }

    [Fact]
    public async Task FetchAsync_SecondTime_SendsIfNoneMatchAndKeepsRulesOn304()
    {
        var receiver = new FakeReceiver { Respond = (call, _) => call == 1 ? Json(OffX, "\"e7\"") : new HttpResponseMessage(HttpStatusCode.NotModified) };
        var (client, engine) = Create(receiver);
        await client.FetchAsync(CancellationToken.None);

        Assert.False(await client.FetchAsync(CancellationToken.None));

        Assert.Equal("\"e7\"", receiver.Requests.Last().Headers["If-None-Match"]);
        Assert.Equal("7", engine.Version);
    }

    [Fact]
    public async Task LoadCache_AppStartsOffline_AppliesLastRules()
    {
        var online = new FakeReceiver { Respond = (_, _) => Json(OffX, "\"e7\"") };
        await Create(online).Client.FetchAsync(CancellationToken.None);

        var (offline, engine) = Create(new FakeReceiver { Down = true });
        offline.LoadCache();
        await offline.FetchAsync(CancellationToken.None);

        Assert.Equal(RuleVerdict.DroppedByRule, engine.Evaluate("X", out _));
    }

    [Fact]
    public async Task FetchAsync_InvalidDocument_KeepsRulesInForce()
    {
        var receiver = new FakeReceiver { Respond = (call, _) => call == 1 ? Json(OffX, "\"a\"") : Json("""{"version":"8","rules":[{"sampleRate":7}]}""", "\"b\"") };
        var (client, engine) = Create(receiver);
        await client.FetchAsync(CancellationToken.None);

        Assert.False(await client.FetchAsync(CancellationToken.None));

        Assert.Equal("7", engine.Version);
    }

    [Fact]
    public async Task OnAnnouncedVersion_NewVersion_FetchesBeforeThePollInterval()
    {
        var version = "7";
        var receiver = new FakeReceiver { Respond = (_, _) => Json(OffX.Replace("\"7\"", $"\"{version}\"", StringComparison.Ordinal), null) };
        var (client, engine) = Create(receiver);
        client.Start();
        await Wait.UntilAsync(() => engine.Version == "7", "first fetch");

        version = "8";
        client.OnAnnouncedVersion("8");

        await Wait.UntilAsync(() => engine.Version == "8", "fetch on announcement");
        Assert.Equal(2, receiver.Calls);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Start_PollInterval_PollsAgainWhenItElapses()
    {
        var receiver = new FakeReceiver { Respond = (_, _) => Json(OffX, null) };
        var (client, _) = Create(receiver);
        client.Start();
        await Wait.UntilAsync(() => receiver.Calls == 1, "first fetch");

        await Wait.UntilAdvancingAsync(_time, TimeSpan.FromMinutes(1), () => receiver.Calls == 2, "second fetch after the interval");
        await client.DisposeAsync();
    }

    private static HttpResponseMessage Json(string body, string? etag)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (etag is not null)
        {
            response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue(etag);
        }

        return response;
    }

    private (RulesClient Client, RuleEngine Engine) Create(FakeReceiver receiver)
    {
        var engine = new RuleEngine("Contoso.Editor", "2.1.0", "stable", "0123456789abcdef0123456789abcdef", _time);
        var client = new RulesClient(engine, new HttpMessageInvoker(receiver), new Uri("http://receiver.test:4318"), "k", "Contoso.Editor", "2.1.0", "stable", _folder.Path, TimeSpan.FromMinutes(5), _time);
        return (client, engine);
    }
}
