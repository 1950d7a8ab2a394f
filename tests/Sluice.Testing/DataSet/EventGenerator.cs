using System.Globalization;

namespace Sluice.Testing.DataSet;

/// <summary>
/// A deterministic data set shaped like real product telemetry: several products (services),
/// versions, OSes and release channels; a skewed population (a few devices very active, most
/// rarely; some users on two devices, some never signed in); sessions of ordered events; errors,
/// a third of them crashes; events sampled at 0.5 and 0.25; spread over <c>days</c> days.
/// </summary>
public static class EventGenerator
{
    private static readonly string[] Services = ["editor", "viewer", "sync"];
    private static readonly string[] Versions = ["1.9.0", "2.0.0", "2.1.0", "2.2.0-beta"];
    private static readonly string[] OsTypes = ["windows", "linux", "darwin"];
    private static readonly string[] Channels = ["stable", "beta"];
    private static readonly string[] Names = ["app.start", "page.view", "action.click", "app.error", "perf.load", "feature.use"];

    /// <summary>
    /// <paramref name="count"/> events over <paramref name="days"/> days from <paramref name="start"/>,
    /// by <paramref name="devices"/> devices, all sent with <paramref name="product"/>'s key (or, when
    /// null, each with its service's name as product). <paramref name="receivedDelay"/>: when true,
    /// each event gets a receive time up to 10 minutes after its event time (for direct inserts).
    /// </summary>
    public static List<GeneratedEvent> Generate(int seed, int count, DateTime start, int days = 3, int devices = 200, string? product = null, bool receivedDelay = true)
    {
        var random = new Random(seed);
        var deviceList = new GeneratedDevice[devices];
        for (int d = 0; d < devices; d++)
        {
            string service = Services[d % Services.Length];
            string version = Versions[d * 7 % Versions.Length];
            string os = OsTypes[d % OsTypes.Length];
            string channel = Channels[d % 5 == 0 ? 1 : 0];
            string deviceId = "dev-" + d.ToString("D6", CultureInfo.InvariantCulture);
            deviceList[d] = new GeneratedDevice
            {
                Service = service,
                DeviceId = deviceId,
                UserId = d % 7 == 0 ? string.Empty : "7user" + (d / 2).ToString(CultureInfo.InvariantCulture),
                Version = version,
                OsType = os,
                Channel = channel,
                ResourceAttributes =
                [
                    new("service.name", service),
                    new("service.version", version),
                    new("os.type", os),
                    new("sluice.release_channel", channel),
                    new("device.id", deviceId),
                ],
            };
        }

        var events = new List<GeneratedEvent>(count);
        ulong startNanos = (ulong)(start - DateTime.UnixEpoch).Ticks * 100;
        int session = 0;
        while (events.Count < count)
        {
            // Skewed: the square of a uniform number favours low device numbers.
            GeneratedDevice device = deviceList[(int)Math.Floor(Math.Pow(random.NextDouble(), 2) * devices)];
            string sessionId = "s" + (session++).ToString("D8", CultureInfo.InvariantCulture);
            ulong sessionStart = startNanos + (ulong)(random.NextDouble() * days * 86_400) * 1_000_000_000;
            int length = random.Next(1, 12);
            for (int seq = 1; seq <= length && events.Count < count; seq++)
            {
                string name = Names[random.Next(Names.Length)];
                string kind = name == "app.error" ? "error" : name == "page.view" ? "page_view" : string.Empty;
                bool handled = random.Next(3) != 0;
                double rate = name == "perf.load" ? 0.25 : name == "action.click" ? 0.5 : 1;
                ulong time = sessionStart + (ulong)(seq * random.Next(1, 90)) * 1_000_000_000 + (ulong)random.Next(0, 999_999_999);
                events.Add(new GeneratedEvent
                {
                    Index = events.Count,
                    Product = product ?? device.Service,
                    Device = device,
                    SessionId = sessionId,
                    Seq = seq,
                    EventName = name,
                    Kind = kind,
                    Handled = kind == "error" && handled,
                    SampleRate = rate,
                    TimeNanos = time,
                    ReceivedNanos = receivedDelay ? time + (ulong)random.Next(1, 600_000) * 1_000_000 : 0,
                });
            }
        }

        return events;
    }
}
