using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using Sluice.Sdk.Delivery;
using Sluice.Sdk.Privacy;
using Sluice.Sdk.Schema;
using Sluice.Sdk.Tests.Testing;

namespace Sluice.Sdk.Tests.Hosting;

public sealed class OpenTelemetryBuilderSluiceExtensionsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task UseSluice_FromCode_EventsArriveWithResourceAndAnnouncedRulesAreFetched()
    {
        // The rules start empty (r1); the receiver then announces r2, which turns "noisy" off.
        var current = """{"version":"r1","rules":[]}""";
        var receiver = new FakeReceiver();
        receiver.Respond = (_, request) => request.RequestUri!.AbsolutePath == "/v1/rules"
            ? new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(Volatile.Read(ref current)) }
            : WithRulesVersion("r2");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new SluiceNetwork(receiver));
        services.AddOpenTelemetry().UseSluice(o =>
        {
            o.ProductName = "Contoso.Editor";
            o.ProductVersion = "2.1.0";
            o.DataFolder = _folder.Path;
            o.Privacy.HashKey = SdkHarness.Key;
            o.Rules.PollInterval = TimeSpan.FromHours(1);
            o.AddChannel("main", new Uri("http://receiver.test:4318"), "k").FlushInterval = TimeSpan.FromMilliseconds(20);
        });

        await using (var provider = services.BuildServiceProvider())
        {
            var telemetry = provider.GetRequiredService<SluiceTelemetry>();
            await Wait.UntilAsync(() => provider.GetRequiredService<SluiceRuntime>().Rules.Version == "r1", "first rules");
            Volatile.Write(ref current, """{"version":"r2","rules":[{"id":"off","match":{"events":["noisy"]},"enabled":false}]}""");
            telemetry.TrackEvent("noisy");
            await Wait.UntilAsync(() => receiver.AcceptedRecords().Count == 1, "first event");
            await Wait.UntilAsync(() => provider.GetRequiredService<SluiceRuntime>().Rules.Version == "r2", "rules fetched");

            telemetry.TrackEvent("noisy");
            telemetry.TrackEvent("quiet");
            await Wait.UntilAsync(() => receiver.AcceptedRecords().Count == 2, "second event");

            var records = receiver.AcceptedRecords();
            Assert.Equal(["noisy", "quiet"], records.Select(r => r.EventName));
            Assert.Equal("Contoso.Editor", records[0].Resource[SluiceAttributes.ServiceName]);
            Assert.Equal(telemetry.InstallationId, records[0].Resource[SluiceAttributes.DeviceId]);
        }

        Assert.Equal(2, receiver.AcceptedRecords().Count);
    }

    [Fact]
    public void UseSluice_FromConfiguration_BindsEveryLevel()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sluice:ProductName"] = "Contoso.Editor",
            ["Sluice:ProductVersion"] = "2.1.0",
            ["Sluice:ReleaseChannel"] = "beta",
            ["Sluice:Privacy:HashKey"] = SdkHarness.Key,
            ["Sluice:Privacy:Attributes:email"] = "Hash",
            ["Sluice:Privacy:ClearUserIdKinds:0"] = "Internal",
            ["Sluice:Rules:PollInterval"] = "00:01:00",
            ["Sluice:OfflineStore:MaxBytes"] = "1048576",
            ["Sluice:Channels:0:Name"] = "main",
            ["Sluice:Channels:0:Endpoint"] = "http://localhost:4318",
            ["Sluice:Channels:0:ApiKey"] = "k",
            ["Sluice:Channels:1:Name"] = "ops",
            ["Sluice:Channels:1:Endpoint"] = "http://ops:4317",
            ["Sluice:Channels:1:ApiKey"] = "k2",
            ["Sluice:Channels:1:Protocol"] = "Grpc",
            ["Sluice:Channels:1:Events:0"] = "error",
            ["Sluice:Channels:1:MaxRequestBytes"] = "65536",
        }).Build();
        var services = new ServiceCollection();
        services.AddOpenTelemetry().UseSluice(configuration.GetSection("Sluice"));

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<SluiceOptions>>().Value;

        Assert.Equal("beta", options.ReleaseChannel);
        Assert.Equal(PrivacyAction.Hash, options.Privacy.Attributes["email"]);
        Assert.Equal([UserKind.Internal], options.Privacy.ClearUserIdKinds);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Rules.PollInterval);
        Assert.Equal(1048576, options.OfflineStore.MaxBytes);
        Assert.Equal(2, options.Channels.Count);
        Assert.Equal(DeliveryProtocol.Grpc, options.Channels[1].Protocol);
        Assert.Equal(["error"], options.Channels[1].Events);
        Assert.Equal(65536, options.Channels[1].MaxRequestBytes);
        Assert.Equal(1000, options.Channels[1].MaxEventsPerRequest);
    }

    private static HttpResponseMessage WithRulesVersion(string version)
    {
        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK);
        response.Headers.Add(SluiceAttributes.RulesVersionHeader, version);
        return response;
    }
}
