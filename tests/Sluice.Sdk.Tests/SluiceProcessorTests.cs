using System.Text;
using Microsoft.Extensions.Logging;
using Sluice.Sdk.Events;
using Sluice.Sdk.Privacy;
using Sluice.Sdk.Rules;
using Sluice.Sdk.Schema;
using Sluice.Sdk.Tests.Testing;

namespace Sluice.Sdk.Tests;

public sealed class SluiceProcessorTests : IDisposable
{
    private static readonly Action<ILogger, string, string, int, Exception?> SignedUp =
        LoggerMessage.Define<string, string, int>(LogLevel.Information, new EventId(3, "signup"), "{Email} signed up for {Plan} with {Pin}");

    private readonly TempFolder _folder = new();
    private readonly ConsoleEventListener _listener = new();

    public void Dispose()
    {
        _listener.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task OnEnd_TrackedEvent_ArrivesWithEnvelopeOnRecordAndResource()
    {
        var receiver = new FakeReceiver();
        await using var sdk = SdkHarness.Start(SdkHarness.DefaultOptions(_folder.Path), receiver);

        sdk.Telemetry.TrackPageView(new PageView { Name = "Home", LoadTime = TimeSpan.FromMilliseconds(120) }, [new("theme", "dark")]);
        sdk.Telemetry.TrackPageView(new PageView { Name = "Settings" });

        await Wait.UntilAsync(() => receiver.AcceptedRecords().Count == 2, "two records at the receiver");
        var records = receiver.AcceptedRecords();
        var first = records[0];
        Assert.Equal("page_view", first.EventName);
        Assert.Equal("Home", first.Attributes[SluiceAttributes.PageName]);
        Assert.Equal("page_view", first.Attributes[SluiceAttributes.EventKind]);
        Assert.Equal("dark", first.Attributes["theme"]);
        Assert.Equal(2L, first.Attributes[SluiceAttributes.SchemaVersion]);
        Assert.Equal(1.0, first.Attributes[SluiceAttributes.SampleRate]);
        Assert.Equal(1L, first.Attributes[SluiceAttributes.SessionSequence]);
        Assert.Equal(2L, records[1].Attributes[SluiceAttributes.SessionSequence]);
        Assert.Equal(1L, first.Attributes[SluiceAttributes.SessionEpoch]);
        Assert.Matches("^[0-9a-f]{32}$", (string)first.Attributes[SluiceAttributes.EventId]!);
        Assert.NotEqual(first.Attributes[SluiceAttributes.EventId], records[1].Attributes[SluiceAttributes.EventId]);
        Assert.Equal(sdk.Telemetry.SessionId, first.Attributes[SluiceAttributes.SessionId]);
        Assert.Equal("Contoso.Editor", first.Resource[SluiceAttributes.ServiceName]);
        Assert.Equal("2.1.0", first.Resource[SluiceAttributes.ServiceVersion]);
        Assert.Equal(sdk.Telemetry.InstallationId, first.Resource[SluiceAttributes.DeviceId]);
        Assert.True(first.Resource.ContainsKey(SluiceAttributes.OsType));
        Assert.True(first.Resource.ContainsKey(SluiceAttributes.HostArch));

        var request = receiver.Requests.First();
        Assert.Equal("/v1/logs", request.Uri.AbsolutePath);
        Assert.Equal("Bearer k-main", request.Headers["Authorization"]);
        Assert.Contains("gzip", request.ContentEncoding);
        Assert.True(long.Parse(request.Headers[SluiceAttributes.SentAtHeader], System.Globalization.CultureInfo.InvariantCulture) > 1_600_000_000_000);
    }

    [Fact]
    public async Task OnEnd_PlainILoggerCall_IsAnEventToo()
    {
        var receiver = new FakeReceiver();
        await using var sdk = SdkHarness.Start(SdkHarness.DefaultOptions(_folder.Path), receiver);

        var logger = sdk.Loggers.CreateLogger("Contoso.Sync");
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation(new EventId(7, "sync.completed"), "Synced {Files} files", 12);
        }

        await Wait.UntilAsync(() => receiver.AcceptedRecords().Count == 1, "one record");
        var record = receiver.AcceptedRecords()[0];
        Assert.Equal("sync.completed", record.EventName);
        Assert.Equal(12L, record.Attributes["Files"]);
        Assert.True(record.Attributes.ContainsKey(SluiceAttributes.EventId));
    }

    [Fact]
    public async Task OnEnd_SensitiveValues_NeverInClearOnTheWireOrInTheStore()
    {
        var receiver = new FakeReceiver { Down = true };
        var options = SdkHarness.DefaultOptions(_folder.Path);
        options.Privacy.Attributes["email"] = PrivacyAction.Hash;
        options.Privacy.Classifications["phone"] = "EUPI";
        options.Privacy.ClassificationActions["EUPI"] = PrivacyAction.Drop;
        var sdk = SdkHarness.Start(options, receiver);
        sdk.Telemetry.SetUser("alice@contoso.com", UserKind.External);

        sdk.Telemetry.TrackEvent("signup", [new("email", "bob@contoso.com"), new("phone", "+1-555-0100"), new("plan", "pro")]);
        await Wait.UntilAsync(() => sdk.Runtime.Store.FileCount == 1, "the event in the offline store");
        await sdk.DisposeAsync();

        foreach (var file in Directory.EnumerateFiles(_folder.Path, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            var text = Encoding.UTF8.GetString(file.EndsWith(".slob", StringComparison.Ordinal) ? OtlpTestDecoder.Gunzip(bytes[28..]) : bytes);
            Assert.DoesNotContain("bob@contoso.com", text, StringComparison.Ordinal);
            Assert.DoesNotContain("alice@contoso.com", text, StringComparison.Ordinal);
            Assert.DoesNotContain("555-0100", text, StringComparison.Ordinal);
        }

        receiver.Down = false;
        await using var restarted = SdkHarness.Start(SdkHarness.DefaultOptions(_folder.Path), receiver);
        await Wait.UntilAsync(() => receiver.AcceptedRecords().Count == 1, "the stored event sent after restart");
        var record = receiver.AcceptedRecords()[0];
        Assert.Equal("pro", record.Attributes["plan"]);
        Assert.False(record.Attributes.ContainsKey("phone"));
        var email = Assert.IsType<string>(record.Attributes["email"]);
        Assert.StartsWith("1:", email, StringComparison.Ordinal);
        Assert.Equal(new PrivacyFilter(options.Privacy).Hash("bob@contoso.com"), email);
        Assert.Equal(new PrivacyFilter(options.Privacy).Hash("alice@contoso.com"), record.Attributes[SluiceAttributes.UserId]);
        Assert.Equal("external", record.Attributes[SluiceAttributes.UserKind]);
    }

    [Fact]
    public async Task OnEnd_HashedAttributes_RecordLeavesTheProcessorWithOnlyTheirHashAsText()
    {
        // The hash is computed when the exporter writes the value (HashedValue.ToString), so what a
        // channel's processor receives must already write as the hash: the text, a number's
        // invariant text, and no formatted message that could carry them.
        var options = SdkHarness.DefaultOptions(_folder.Path);
        options.Privacy.Attributes["Email"] = PrivacyAction.Hash;
        options.Privacy.Attributes["Pin"] = PrivacyAction.Hash;
        var runtime = new SluiceRuntime(options, TimeProvider.System, new FakeReceiver());
        var seen = new List<(string? Email, string? Pin, string? Plan, string? Message)>();
        try
        {
            var capture = new CaptureProcessor(record =>
            {
                string? Text(string key) => record.Attributes!.FirstOrDefault(a => a.Key == key).Value?.ToString();
                seen.Add((Text("Email"), Text("Pin"), Text("Plan"), record.FormattedMessage));
            });
            using (var loggers = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
            {
                o.IncludeFormattedMessage = true;
                o.AddProcessor(new SluiceProcessor(runtime, [capture]));
            })))
            {
                SignedUp(loggers.CreateLogger("signup"), "bob@contoso.com", "pro", 1234, null);
            }
        }
        finally
        {
            await runtime.StopAsync();
        }

        var hasher = new PrivacyFilter(options.Privacy);
        var (email, pin, plan, message) = Assert.Single(seen);
        Assert.Equal(hasher.Hash("bob@contoso.com"), email);
        Assert.Equal(hasher.Hash("1234"), pin);
        Assert.Equal("pro", plan);
        Assert.Null(message);
    }

    [Fact]
    public async Task OnEnd_EventTurnedOffByRule_NeverReachesAChannel()
    {
        var receiver = new FakeReceiver();
        await using var sdk = SdkHarness.Start(SdkHarness.DefaultOptions(_folder.Path), receiver);
        sdk.Runtime.Rules.Apply(RuleSet.Parse("""{"version":"1","rules":[{"id":"x-off","match":{"events":["X"]},"enabled":false}]}"""u8));

        sdk.Telemetry.TrackEvent("X");
        sdk.Telemetry.TrackEvent("Y");

        await Wait.UntilAsync(() => receiver.AcceptedRecords().Count == 1, "Y at the receiver");
        Assert.Equal("Y", receiver.AcceptedRecords()[0].EventName);
        Assert.Equal(0, sdk.Runtime.Channels[0].Counters.Queued - 1);
        Assert.Equal(1, sdk.Runtime.RuleCounters.DroppedByRule);
        Assert.Equal(1L, receiver.AcceptedRecords()[0].Attributes[SluiceAttributes.SessionSequence]);
    }

    [Fact]
    public async Task OnEnd_TwoChannels_ErrorsAlsoGoToOps()
    {
        var receiver = new FakeReceiver();
        var options = SdkHarness.DefaultOptions(_folder.Path);
        var ops = options.AddChannel("ops", new Uri("http://ops.test:4317"), "k-ops");
        ops.Protocol = Sdk.Delivery.DeliveryProtocol.Grpc;
        ops.Events.Add("error");
        ops.FlushInterval = TimeSpan.FromMilliseconds(20);
        receiver.Respond = (_, request) => request.RequestUri!.Host == "ops.test" ? GrpcOk() : new HttpResponseMessage(System.Net.HttpStatusCode.OK);
        await using var sdk = SdkHarness.Start(options, receiver);

        sdk.Telemetry.TrackError(ErrorEvent.From(new InvalidOperationException("boom")));
        sdk.Telemetry.TrackAction(new UserAction { Name = "click", Target = "save" });

        await Wait.UntilAsync(() => receiver.AcceptedRecords().Count == 3, "two at main, one at ops");
        var toOps = receiver.Requests.Where(r => r.Uri.Host == "ops.test").ToList();
        var opsRequest = Assert.Single(toOps);
        Assert.Equal("/opentelemetry.proto.collector.logs.v1.LogsService/Export", opsRequest.Uri.AbsolutePath);
        Assert.Equal("Bearer k-ops", opsRequest.Headers["Authorization"]);
    }

    [Fact]
    public async Task OnEnd_SchemaVersion1_SendsFlatVersion1Names()
    {
        var receiver = new FakeReceiver();
        var options = SdkHarness.DefaultOptions(_folder.Path);
        options.SchemaVersion = 1;
        await using var sdk = SdkHarness.Start(options, receiver);
        sdk.Telemetry.SetUser("tester-7", UserKind.Test);

        sdk.Telemetry.TrackEvent("opened");

        await Wait.UntilAsync(() => receiver.AcceptedRecords().Count == 1, "one record");
        var attributes = receiver.AcceptedRecords()[0].Attributes;
        Assert.Equal(1L, attributes[SluiceAttributes.SchemaVersion]);
        Assert.Equal("Contoso.Editor", attributes[SchemaV1Attributes.ProductName]);
        Assert.Equal(sdk.Telemetry.InstallationId, attributes[SchemaV1Attributes.MachineId]);
        Assert.Equal(1L, attributes[SchemaV1Attributes.Sequence]);
        Assert.NotEqual("tester-7", attributes[SchemaV1Attributes.UserId]);
        Assert.False(attributes.ContainsKey(SluiceAttributes.SessionSequence));
    }

    [Fact]
    public async Task Shutdown_ReceiverDown_QueueFlushedToDiskAndSentOldestFirstAfterRestart()
    {
        var receiver = new FakeReceiver { Down = true };
        var options = SdkHarness.DefaultOptions(_folder.Path);
        options.Channels[0].FlushInterval = TimeSpan.FromHours(1);
        var sdk = SdkHarness.Start(options, receiver);
        for (var i = 0; i < 50; i++)
        {
            sdk.Telemetry.TrackEvent("e" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(0, sdk.Runtime.Store.FileCount);
        await sdk.DisposeAsync();
        receiver.Down = false;

        await using var restarted = SdkHarness.Start(SdkHarness.DefaultOptions(_folder.Path), receiver);
        Assert.Equal(2, restarted.Runtime.Identity.Epoch);
        await Wait.UntilAsync(() => receiver.AcceptedRecords().Count == 50, "all 50 events");
        Assert.Equal(Enumerable.Range(0, 50).Select(i => "e" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)), receiver.AcceptedRecords().Select(r => r.EventName));
        await Wait.UntilAsync(() => restarted.Runtime.Store.FileCount == 0, "store emptied");
    }

    [Fact]
    public async Task OnEnd_10kEventsWithReceiverDownPartOfTheRun_AllArriveOnce()
    {
        var receiver = new FakeReceiver();
        await using var sdk = SdkHarness.Start(SdkHarness.DefaultOptions(_folder.Path), receiver);

        for (var i = 0; i < 10_000; i++)
        {
            if (i == 3_000)
            {
                receiver.Down = true;
            }

            if (i == 7_000)
            {
                await Wait.UntilAsync(() => sdk.Runtime.Channels[0].Counters.Retried > 0, "a send refused while down");
                receiver.Down = false;
            }

            sdk.Telemetry.TrackEvent("tick", [new("i", (long)i)]);
        }

        await Wait.UntilAsync(() => sdk.Runtime.Channels[0].Counters.Sent == 10_000, "all sent", 30_000);
        var records = receiver.AcceptedRecords();
        Assert.Equal(10_000, records.Count);
        Assert.Equal(10_000, records.Select(r => r.Attributes[SluiceAttributes.EventId]).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (long)i), records.Select(r => (long)r.Attributes["i"]!).Order());
        Assert.Equal(0, sdk.Runtime.Store.FileCount);
    }

    private sealed class CaptureProcessor(Action<OpenTelemetry.Logs.LogRecord> onEnd) : OpenTelemetry.BaseProcessor<OpenTelemetry.Logs.LogRecord>
    {
        public override void OnEnd(OpenTelemetry.Logs.LogRecord data) => onEnd(data);
    }

    private static HttpResponseMessage GrpcOk()
    {
        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent([0, 0, 0, 0, 0]) };
        response.TrailingHeaders.Add("grpc-status", "0");
        return response;
    }
}
