using System.Globalization;

namespace Sluice.Testing.DataSet;

/// <summary>
/// What each query of transforms/queries must answer, computed in C# from the generated events
/// of one product (<paramref name="rows"/>) for the days <paramref name="from"/> to <paramref name="to"/>.
/// </summary>
public sealed class QueryAnswers(IReadOnlyList<GeneratedEvent> rows, string from, string to)
{
    private static string Day(DateTime time) => time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private bool InRange(DateTime time) => string.CompareOrdinal(Day(time), from) >= 0 && string.CompareOrdinal(Day(time), to) <= 0;

    private IEnumerable<GeneratedEvent> Period => rows.Where(r => InRange(r.Time));

    /// <summary>The answer <paramref name="file"/> of transforms/queries must give.</summary>
    public List<object[]> For(string file) => file switch
    {
        "active_users.sql" => ActiveUsers(),
        "crash_free.sql" => CrashFree(),
        "funnel.sql" => Funnel(),
        "ingestion_delay.sql" => IngestionDelay(),
        "platform_breakdown.sql" => PlatformBreakdown(),
        "retention_cohorts.sql" => RetentionCohorts(),
        "sampled_counts.sql" => SampledCounts(),
        "sessions.sql" => Sessions(),
        "top_events.sql" => TopEvents(),
        "trends.sql" => Trends(),
        "version_adoption.sql" => VersionAdoption(),
        _ => throw new ArgumentException($"{file} has no C# answer: add one to QueryAnswers", nameof(file)),
    };

    public List<object[]> Trends() => [.. Period
        .GroupBy(r => (Day: Day(r.Time), r.EventName))
        .OrderBy(g => g.Key.Day, StringComparer.Ordinal).ThenBy(g => g.Key.EventName, StringComparer.Ordinal)
        .Select(g => new object[] { g.Key.Day, g.Key.EventName, g.Count(), g.Sum(r => 1 / r.SampleRate) })];

    public List<object[]> ActiveUsers()
    {
        var days = rows.Where(r => r.UserId.Length > 0).GroupBy(r => r.Time.Date).ToDictionary(g => g.Key, g => g.Select(r => r.UserId).ToHashSet(StringComparer.Ordinal));
        int Distinct(DateTime day, int window) =>
            Enumerable.Range(0, window).SelectMany(o => days.GetValueOrDefault(day.AddDays(-o)) ?? []).Distinct(StringComparer.Ordinal).Count();

        var result = new List<object[]>();
        for (DateTime day = DateTime.Parse(from, CultureInfo.InvariantCulture); day <= DateTime.Parse(to, CultureInfo.InvariantCulture); day = day.AddDays(1))
        {
            int mau = Distinct(day, 30);
            if (mau == 0)
            {
                continue;
            }

            int dau = Distinct(day, 1);
            result.Add([Day(day), dau, Distinct(day, 7), mau, (double)dau / mau]);
        }

        return result;
    }

    public List<object[]> TopEvents() => [.. Period
        .GroupBy(r => r.EventName)
        .Select(g => (Name: g.Key, Estimated: g.Sum(r => 1 / r.SampleRate), Stored: g.Count()))
        .OrderByDescending(e => Math.Round(e.Estimated, 3)).ThenBy(e => e.Name, StringComparer.Ordinal)
        .Take(20)
        .Select(e => new object[] { e.Name, e.Estimated, e.Stored })];

    public List<object[]> PlatformBreakdown()
    {
        double total = Period.Sum(r => 1 / r.SampleRate);
        return [.. Period
            .GroupBy(r => (r.OsType, r.Channel))
            .OrderBy(g => g.Key.OsType, StringComparer.Ordinal).ThenBy(g => g.Key.Channel, StringComparer.Ordinal)
            .Select(g => new object[] { g.Key.OsType, g.Key.Channel, g.Count(), g.Sum(r => 1 / r.SampleRate), g.Sum(r => 1 / r.SampleRate) / total })];
    }

    public List<object[]> VersionAdoption()
    {
        var dayDevices = Period.GroupBy(r => Day(r.Time)).ToDictionary(g => g.Key, g => g.Select(r => r.DeviceId).Distinct(StringComparer.Ordinal).Count(), StringComparer.Ordinal);
        return [.. Period
            .GroupBy(r => (Day: Day(r.Time), r.Version))
            .OrderBy(g => g.Key.Day, StringComparer.Ordinal).ThenBy(g => g.Key.Version, StringComparer.Ordinal)
            .Select(g =>
            {
                int devices = g.Select(r => r.DeviceId).Distinct(StringComparer.Ordinal).Count();
                return new object[] { g.Key.Day, g.Key.Version, devices, (double)devices / dayDevices[g.Key.Day] };
            })];
    }

    public List<object[]> Funnel()
    {
        var levels = Period.Where(r => r.UserId.Length > 0)
            .GroupBy(r => r.UserId)
            .Select(g => FunnelLevel([.. g.OrderBy(r => r.Time)], QueryLibrary.FunnelSteps, TimeSpan.FromHours(1)))
            .ToList();
        return [.. Enumerable.Range(1, 3).Select(step => new object[] { step, levels.Count(l => l >= step) })];
    }

    // The deepest step reached in order, each step within the window of the first step's time.
    private static int FunnelLevel(List<GeneratedEvent> events, string[] steps, TimeSpan window)
    {
        var starts = new DateTime?[steps.Length];
        int best = 0;
        foreach (GeneratedEvent row in events)
        {
            int step = Array.IndexOf(steps, row.EventName);
            if (step == 0)
            {
                starts[0] = row.Time;
                best = Math.Max(best, 1);
            }
            else if (step > 0 && starts[step - 1] is { } start && row.Time <= start + window)
            {
                starts[step] = start;
                best = Math.Max(best, step + 1);
            }
        }

        return best;
    }

    public List<object[]> RetentionCohorts() => [.. Period.Where(r => r.UserId.Length > 0)
        .GroupBy(r => r.UserId)
        .Select(g => (Cohort: g.Min(r => r.Time.Date), Days: g.Select(r => r.Time.Date).Distinct().ToList()))
        .SelectMany(u => u.Days.Select(d => (u.Cohort, Offset: (d - u.Cohort).Days)))
        .GroupBy(x => x)
        .OrderBy(g => g.Key.Cohort).ThenBy(g => g.Key.Offset)
        .Select(g => new object[] { Day(g.Key.Cohort), g.Key.Offset, g.Count() })];

    public List<object[]> Sessions() => [.. rows.GroupBy(r => r.SessionId)
        .Select(g => (Start: g.Min(r => r.TimeNanos), Length: (g.Max(r => r.TimeNanos) - g.Min(r => r.TimeNanos)) / 1e9, Events: g.Count()))
        .GroupBy(s => Day(DateTime.UnixEpoch.AddSeconds(s.Start / 1_000_000_000)))
        .Where(g => string.CompareOrdinal(g.Key, from) >= 0 && string.CompareOrdinal(g.Key, to) <= 0)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g =>
        {
            var lengths = g.Select(s => s.Length).Order().ToList();
            return new object[] { g.Key, g.Count(), lengths.Average(), lengths[Math.Min(lengths.Count - 1, (int)(0.5 * lengths.Count))], g.Average(s => s.Events) };
        })];

    public List<object[]> CrashFree()
    {
        static double Ratio(int part, int whole) => whole == 0 ? double.NaN : 1 - (double)part / whole;
        static int Users(IEnumerable<GeneratedEvent> rows) => rows.Where(r => r.UserId.Length > 0).Select(r => r.UserId).Distinct(StringComparer.Ordinal).Count();
        return [.. Period
            .GroupBy(r => (Day: Day(r.Time), r.Version))
            .OrderBy(g => g.Key.Day, StringComparer.Ordinal).ThenBy(g => g.Key.Version, StringComparer.Ordinal)
            .Select(g =>
            {
                var crashes = g.Where(r => r.Kind == "error" && !r.Handled).ToList();
                int sessions = g.Select(r => r.SessionId).Distinct(StringComparer.Ordinal).Count();
                return new object[]
                {
                    g.Key.Day, g.Key.Version, g.Count(r => r.Kind == "error"), crashes.Count, Users(g),
                    Ratio(Users(crashes), Users(g)), Ratio(crashes.Select(r => r.SessionId).Distinct(StringComparer.Ordinal).Count(), sessions),
                };
            })];
    }

    /// <summary>Per hour of receipt: events, a placeholder for the quantiles (compared with raw rows instead), the worst delay in seconds. Needs receive times.</summary>
    public List<object[]> IngestionDelay() => [.. rows
        .GroupBy(r => new DateTime(r.Received.Year, r.Received.Month, r.Received.Day, r.Received.Hour, 0, 0, DateTimeKind.Utc))
        .Where(g => InRange(g.Key))
        .OrderBy(g => g.Key)
        .Select(g => new object[] { g.Key.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), g.Count(), "quantiles", g.Max(r => r.ReceivedNanos - r.TimeNanos) / 1e9 })];

    public List<object[]> SampledCounts() => [.. Period
        .GroupBy(r => r.EventName)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => new object[] { g.Key, g.Count(), g.Sum(r => 1 / r.SampleRate), g.Min(r => r.SampleRate) })];
}
