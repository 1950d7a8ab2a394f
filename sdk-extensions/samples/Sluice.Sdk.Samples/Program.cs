// A pretend desktop editor: sessions of page views, actions, feature usage, measurements and
// the odd error, sent through the Sluice SDK to the receiver started by ./sluice up.
//
//   dotnet run --project sdk-extensions/samples/Sluice.Sdk.Samples -- [events] [users]
//
// Environment: SLUICE_ENDPOINT (default http://127.0.0.1:4318), SLUICE_API_KEY (default: the
// key ./sluice up keeps in .sluice/api-key), SLUICE_HASH_KEY (default: a fixed demo key).
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using Sluice.Sdk;
using Sluice.Sdk.Events;
using Sluice.Sdk.Privacy;

var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
var users = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
var endpoint = new Uri(Environment.GetEnvironmentVariable("SLUICE_ENDPOINT") ?? "http://127.0.0.1:4318");
var apiKey = Environment.GetEnvironmentVariable("SLUICE_API_KEY") ?? ReadKeyFile();
var hashKey = Environment.GetEnvironmentVariable("SLUICE_HASH_KEY") ?? "c2x1aWNlLXNhbXBsZS1kZW1vLWtleS0xMjM0NTY3ODkwYWJjZGVm";

var services = new ServiceCollection();
services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Information));

// The few lines an app needs.
services.AddOpenTelemetry().UseSluice(o =>
{
    o.ProductName = "Contoso.Editor";
    o.ProductVersion = "2.1.0";
    o.ReleaseChannel = "beta";
    o.DataFolder = Path.Combine(Path.GetTempPath(), "sluice-sample");
    o.Privacy.HashKey = hashKey;
    o.Privacy.Attributes["document.path"] = PrivacyAction.Hash;
    o.Privacy.Attributes["clipboard.text"] = PrivacyAction.Drop;
    o.Privacy.ClearUserIdKinds.Add(UserKind.Test);
    o.AddChannel("main", endpoint, apiKey);
});

await using var provider = services.BuildServiceProvider();
var telemetry = provider.GetRequiredService<SluiceTelemetry>();
var random = new Random(20261125);
string[] pages = ["Home", "Editor", "Settings", "Search", "Extensions", "Account"];
string[] targets = ["save", "open", "undo", "redo", "format", "share", "close-tab"];
string[] features = ["spell-check", "dark-mode", "auto-save", "git-sync", "ai-complete"];

Console.WriteLine($"Sending {events} events for {users} users to {endpoint} (installation {telemetry.InstallationId})");
for (var i = 0; i < events; i++)
{
    if (i % (events / users + 1) == 0)
    {
        var user = random.Next(users);
        telemetry.SetUser($"user-{user}@contoso.example", user == 0 ? UserKind.Test : UserKind.External);
        telemetry.StartNewSession();
        telemetry.TrackMeasurement(new Measurement { Name = "startup", Value = 300 + random.NextDouble() * 900, Unit = "ms" });
    }

    switch (random.Next(10))
    {
        case < 3:
            telemetry.TrackPageView(new PageView { Name = pages[random.Next(pages.Length)], LoadTime = TimeSpan.FromMilliseconds(20 + random.Next(400)) });
            break;
        case < 7:
            telemetry.TrackAction(
                new UserAction { Name = "click", Target = targets[random.Next(targets.Length)], Page = "Editor" },
                [new("document.path", $"/home/someone/notes-{random.Next(50)}.md"), new("clipboard.text", "secret text")]);
            break;
        case < 9:
            telemetry.TrackFeatureUsage(new FeatureUsage { Name = features[random.Next(features.Length)], Outcome = random.Next(4) == 0 ? "abandoned" : "completed" });
            break;
        default:
            try
            {
                throw new IOException("The document could not be saved: disk quota exceeded");
            }
            catch (IOException ex)
            {
                telemetry.TrackError(ErrorEvent.From(ex), [new("retry.count", random.Next(3))]);
            }

            break;
    }

    if (i % 200 == 199)
    {
        // Real apps are not a tight loop; this also lets batches form over several flushes.
        await Task.Delay(50);
    }
}

Console.WriteLine("Done; shutting down (queued events are flushed to the offline store and sent next run if the receiver is down).");

static string ReadKeyFile()
{
    var path = Path.Combine(Environment.GetEnvironmentVariable("SLUICE_HOME") ?? ".sluice", "api-key");
    return File.Exists(path) ? File.ReadAllText(path).Trim() : "dev-key";
}
