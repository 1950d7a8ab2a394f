using System.Globalization;

namespace Sluice.Transforms.Tests.Schema;

/// <summary>One generated event with the fields the tests check, and its attributes as stored.</summary>
internal sealed record Row(
    string EventId,
    DateTime Time,
    ulong TimeNanos,
    DateTime Received,
    ulong ReceivedNanos,
    ulong ClientSentNanos,
    string Product,
    string EventName,
    string Version,
    string OsType,
    string Channel,
    string DeviceId,
    string UserId,
    string SessionId,
    long Seq,
    double SampleRate,
    string Kind,
    bool Handled,
    Dictionary<string, string> Resource,
    Dictionary<string, string> Attributes);

/// <summary>
/// A small deterministic data set shaped like real product telemetry: several products,
/// versions, OSes and channels, a skewed user population, sessions of ordered events, errors
/// (some crashes) and sampled events, over three days.
/// </summary>
internal static class EventGenerator
{
    private static readonly string[] Products = ["editor", "viewer"];
    private static readonly string[] Versions = ["1.9.0", "2.0.0", "2.1.0"];
    private static readonly string[] OsTypes = ["windows", "linux", "darwin"];
    private static readonly string[] Channels = ["stable", "beta"];
    private static readonly string[] Names = ["app.start", "page.view", "action.click", "app.error", "perf.load"];

    public static List<Row> Generate(int seed, int count)
    {
        var random = new Random(seed);
        var rows = new List<Row>(count);
        var start = new DateTime(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);
        int session = 0;
        while (rows.Count < count)
        {
            // Skewed: low device numbers are much more active.
            int device = (int)Math.Floor(Math.Pow(random.NextDouble(), 2) * 200);
            string product = Products[device % Products.Length];
            string deviceId = "dev-" + device.ToString("D4", CultureInfo.InvariantCulture);
            string userId = device % 7 == 0 ? string.Empty : "7user" + (device / 2).ToString(CultureInfo.InvariantCulture);
            string sessionId = "s" + (session++).ToString("D6", CultureInfo.InvariantCulture);
            DateTime sessionStart = start.AddSeconds(random.Next(0, 3 * 86_400));
            int length = random.Next(1, 12);
            for (int seq = 1; seq <= length && rows.Count < count; seq++)
            {
                string name = Names[random.Next(Names.Length)];
                string kind = name == "app.error" ? "error" : name == "page.view" ? "page_view" : string.Empty;
                bool handled = random.Next(3) != 0;
                double rate = name == "perf.load" ? 0.25 : name == "action.click" ? 0.5 : 1;
                DateTime time = sessionStart.AddSeconds(seq * random.Next(1, 90));
                ulong timeNanos = ToNanos(time) + (ulong)random.Next(0, 999_999_999);
                ulong delay = (ulong)random.Next(1, 600_000) * 1_000_000;
                ulong receivedNanos = timeNanos + delay;
                var resource = new Dictionary<string, string>
                {
                    ["service.name"] = product,
                    ["service.version"] = Versions[device % Versions.Length],
                    ["os.type"] = OsTypes[device % OsTypes.Length],
                    ["sluice.release_channel"] = Channels[device % 5 == 0 ? 1 : 0],
                    ["device.id"] = deviceId,
                };
                var attributes = new Dictionary<string, string>
                {
                    ["event.id"] = Guid.NewGuid().ToString("N"),
                    ["sluice.schema.version"] = "2",
                    ["session.id"] = sessionId,
                    ["sluice.session.seq"] = seq.ToString(CultureInfo.InvariantCulture),
                    ["sluice.sample_rate"] = rate.ToString(CultureInfo.InvariantCulture),
                };
                if (userId.Length > 0)
                {
                    attributes["user.id"] = userId;
                }

                if (kind.Length > 0)
                {
                    attributes["sluice.event.kind"] = kind;
                }

                if (kind == "error")
                {
                    attributes["exception.type"] = "System.InvalidOperationException";
                    attributes["exception.message"] = "Ünïcode message 😀";
                    attributes["sluice.error.handled"] = handled ? "true" : "false";
                }

                string eventId = rows.Count.ToString("D16", CultureInfo.InvariantCulture);
                rows.Add(new Row(
                    eventId, Floor(timeNanos), timeNanos, Floor(receivedNanos), receivedNanos, receivedNanos - 1_000_000,
                    product, name, resource["service.version"], resource["os.type"], resource["sluice.release_channel"],
                    deviceId, userId, sessionId, seq, rate, kind, kind == "error" && handled, resource, attributes));
            }
        }

        return rows;
    }

    private static ulong ToNanos(DateTime time) => (ulong)(time - DateTime.UnixEpoch).Ticks * 100;

    private static DateTime Floor(ulong nanos) => DateTime.UnixEpoch.AddSeconds(nanos / 1_000_000_000);
}
