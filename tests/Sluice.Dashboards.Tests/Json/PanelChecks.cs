namespace Sluice.Dashboards.Tests.Json;

/// <summary>How a panel's column is reduced to one figure: summed over rows, its maximum, or its first row.</summary>
internal enum Reduce
{
    Sum,
    Max,
    First,
}

/// <summary>
/// A figure of a panel and the same figure computed from raw rows (<c>otel_logs FINAL</c>, the metric
/// tables with FINAL), written independently of the panel's SQL. Placeholders: <c>{db}</c>,
/// <c>{product}</c>, <c>{from}</c>/<c>{to}</c> (Unix seconds), <c>{step}</c> (the interval in seconds),
/// <c>{dims}</c> (the version and OS selection as a condition, empty for "All").
/// </summary>
internal sealed record PanelCheck(string Column, Reduce Reduce, string RawSql);

/// <summary>The checks of every panel, by title; <see cref="Filtered"/> names the panels that honour the version, OS and channel variables.</summary>
internal static class PanelChecks
{
    private const string Logs = "FROM {db}.otel_logs FINAL WHERE Product = '{product}' AND Timestamp >= toDateTime({from}) AND Timestamp <= toDateTime({to}){dims}";
    private const string NotHealth = " AND EventName != 'sluice.sdk.health'";
    private const string Health = "FROM {db}.otel_logs FINAL ARRAY JOIN LogAttributesKeys AS K, LogAttributesValues AS V WHERE Product = '{product}' AND EventName = 'sluice.sdk.health' AND Timestamp >= toDateTime({from}) AND Timestamp <= toDateTime({to})";
    private const string Estimated = "SELECT sum(1 / SampleRate) " + Logs + NotHealth;
    private const string DailyUsers = "SELECT count() FROM (SELECT DISTINCT toDate(Timestamp), UserId " + Logs + " AND UserId != '')";
    private const string AllUsers = "SELECT uniqExact(UserId) " + Logs + " AND UserId != ''";

    /// <summary>Titles of the panels whose SQL applies the version, OS and channel selection to every row it reads.</summary>
    public static readonly HashSet<string> Filtered = new(StringComparer.Ordinal)
    {
        "Events (estimated, sampling-corrected)", "Events over time by name (sampling-corrected)", "Top events", "Retention cohorts", "Funnel",
        "Version adoption (devices per version per day)", "Events by OS (sampling-corrected)", "Events by release channel (sampling-corrected)",
        "Devices by platform and locale",
    };

    public static readonly Dictionary<string, PanelCheck[]> ByTitle = new(StringComparer.Ordinal)
    {
        // Product usage
        ["Events (estimated, sampling-corrected)"] = [new("estimated", Reduce.First, "SELECT round(sum(1 / SampleRate)) " + Logs + NotHealth), new("stored", Reduce.First, "SELECT count() " + Logs + NotHealth)],
        ["Active users and devices per day"] =
        [
            new("users", Reduce.Sum, DailyUsers),
            new("devices", Reduce.Sum, "SELECT count() FROM (SELECT DISTINCT toDate(Timestamp), DeviceId " + Logs + " AND DeviceId != '')"),
        ],
        ["DAU, WAU, MAU and stickiness"] = [new("DAU", Reduce.Sum, DailyUsers), new("MAU", Reduce.Max, AllUsers)],
        ["Events over time by name (sampling-corrected)"] = [new("events", Reduce.Sum, Estimated)],
        ["Top events"] = [new("stored", Reduce.Sum, "SELECT count() " + Logs + NotHealth), new("estimated", Reduce.Sum, Estimated)],
        ["New vs returning users"] = [new("new_users", Reduce.Sum, AllUsers), new("returning_users", Reduce.Sum, "SELECT (" + DailyUsers + ") - (" + AllUsers + ")")],
        ["Retention cohorts"] = [new("users", Reduce.Sum, DailyUsers)],
        ["Funnel"] = [new("users", Reduce.First, "SELECT uniqExact(UserId) " + Logs + " AND UserId != '' AND EventName = 'app.start'")],
        ["Sessions per day and their length"] =
        [
            new("sessions", Reduce.Sum, "SELECT count() FROM (SELECT SessionId, min(Timestamp) AS Start FROM {db}.otel_logs FINAL WHERE Product = '{product}' AND SessionId != '' GROUP BY SessionId) WHERE Start >= toDateTime({from}) AND Start <= toDateTime({to})"),
        ],
        ["Version adoption (devices per version per day)"] = [new("devices", Reduce.Sum, "SELECT count() FROM (SELECT DISTINCT toDate(Timestamp), ServiceVersion, DeviceId " + Logs + " AND DeviceId != '')")],
        ["Events by OS (sampling-corrected)"] = [new("events", Reduce.Sum, Estimated)],
        ["Events by release channel (sampling-corrected)"] = [new("events", Reduce.Sum, Estimated)],
        ["Devices by platform and locale"] = [new("devices", Reduce.Sum, "SELECT count() FROM (SELECT DISTINCT OsType, OsName, Locale, DeviceId " + Logs + " AND DeviceId != '')")],
        ["Errors and crashes per day"] =
        [
            new("errors", Reduce.Sum, "SELECT countIf(EventKind = 'error') " + Logs),
            new("crashes", Reduce.Sum, "SELECT countIf(EventKind = 'error' AND ErrorHandled = 0) " + Logs),
        ],
        ["Crash-free users and sessions by version"] =
        [
            new("users", Reduce.Sum, "SELECT count() FROM (SELECT DISTINCT ServiceVersion, UserId " + Logs + " AND UserId != '')"),
            new("crash_users", Reduce.Sum, "SELECT count() FROM (SELECT DISTINCT ServiceVersion, UserId " + Logs + " AND UserId != '' AND EventKind = 'error' AND ErrorHandled = 0)"),
        ],

        // Pipeline health
        ["Items accepted per second by signal"] = [new("per_second", Reduce.Sum, Increase("sluice.receiver.items.accepted"))],
        ["Items refused per second by signal and reason"] = [new("per_second", Reduce.Sum, Increase("sluice.receiver.items.refused"))],
        ["Requests per second by status"] = [new("per_second", Reduce.Sum, Increase("sluice.receiver.requests"))],
        ["ClickHouse insert failures per second"] = [new("per_second", Reduce.Sum, Increase("sluice.clickhouse.insert.failures"))],
        ["Spool size"] = [new("spool_bytes", Reduce.Max, Gauge("sluice.spool.size"))],
        ["Oldest item not yet in ClickHouse"] = [new("oldest_age_seconds", Reduce.Max, Gauge("sluice.spool.oldest_age"))],
        ["ClickHouse insert latency by table"] = [new("avg_seconds", Reduce.Max, Mean("sluice.clickhouse.insert.duration"))],
        ["Rows per insert by table"] = [new("rows_per_insert", Reduce.Max, Mean("sluice.clickhouse.insert.rows"))],
        ["Ingestion delay percentiles"] =
        [
            new("max_seconds", Reduce.Max, "SELECT round(max(IngestionDelayNanos) / 1e9, 3) FROM {db}.otel_logs FINAL WHERE ReceivedTimestamp >= toDateTime({from}) AND ReceivedTimestamp <= toDateTime({to})"),
        ],
        ["Events lost on clients"] =
        [
            new("evicted", Reduce.Sum, "SELECT sum(toUInt64(V)) " + Health + " AND K = 'sluice.health.evicted'"),
            new("permanent_failures", Reduce.Sum, "SELECT sum(toUInt64(V)) " + Health + " AND K LIKE 'sluice.health.%.permanent_failures'"),
        ],
        ["Client-side loss by product and version"] =
        [
            new("dropped_queue_full", Reduce.Sum, "SELECT sum(toUInt64(V)) " + Health + " AND K LIKE 'sluice.health.%.dropped_queue_full'"),
            new("corrupt_files", Reduce.Sum, "SELECT sum(toUInt64(V)) " + Health + " AND K = 'sluice.health.corrupt_files'"),
            new("reporting_devices", Reduce.Sum, "SELECT count() FROM (SELECT DISTINCT Product, ServiceVersion, DeviceId " + Health + ")"),
        ],

        // Dynamic telemetry
        ["Rules version in force on clients"] =
        [
            new("latest_rules_version", Reduce.First, "SELECT max(toUInt64(V)) " + Health + " AND K = 'sluice.health.rules_version'"),
            new("reporting_devices", Reduce.First, "SELECT uniqExact(DeviceId) " + Health),
        ],
        ["How fast clients picked up the latest rules"] =
        [
            new("devices", Reduce.First, "SELECT uniqExact(DeviceId) " + Health + " AND K = 'sluice.health.rules_version' AND V = (SELECT toString(max(toUInt64(V))) " + Health + " AND K = 'sluice.health.rules_version')"),
            new("last_minutes", Reduce.First, "SELECT round((toUInt32(max(First)) - toUInt32(min(First))) / 60, 1) FROM (SELECT DeviceId, min(Timestamp) AS First " + Health + " AND K = 'sluice.health.rules_version' AND V = (SELECT toString(max(toUInt64(V))) " + Health + " AND K = 'sluice.health.rules_version') GROUP BY DeviceId)"),
        ],
        ["Devices by rules version"] = [new("devices", Reduce.Sum, "SELECT count() FROM (SELECT DISTINCT intDiv(toUInt32(Timestamp), {step}), V, DeviceId " + Health + " AND K = 'sluice.health.rules_version')")],
        ["Share of reporting devices on the latest rules"] =
        [
            new("on_latest", Reduce.Sum, "SELECT sum(Share) FROM (SELECT round(uniqExactIf(DeviceId, V = '8') / uniqExact(DeviceId), 4) AS Share " + Health + " AND K = 'sluice.health.rules_version' GROUP BY intDiv(toUInt32(Timestamp), {step}))"),
        ],
        ["Events dropped on clients by rule, sampling and cap"] =
        [
            new("dropped_by_rule", Reduce.Sum, "SELECT sum(toUInt64(V)) " + Health + " AND K = 'sluice.health.dropped_by_rule'"),
            new("dropped_by_sampling", Reduce.Sum, "SELECT sum(toUInt64(V)) " + Health + " AND K = 'sluice.health.dropped_by_sampling'"),
            new("dropped_by_cap", Reduce.Sum, "SELECT sum(toUInt64(V)) " + Health + " AND K = 'sluice.health.dropped_by_cap'"),
        ],
        ["Events not stored because of sampling (estimated)"] = [new("sampled_out", Reduce.Sum, "SELECT sum(1 / SampleRate - 1) " + Logs + NotHealth)],
    };

    // A cumulative counter's increase over the range per series, summed, per second of one interval:
    // the panel's per-second rates summed over its rows (one point per interval per series).
    private static string Increase(string metric) =>
        "SELECT sum(Last - First) / {step} FROM (SELECT argMax(Value, TimeUnix) AS Last, argMin(Value, TimeUnix) AS First FROM {db}.otel_metrics_sum FINAL "
        + $"WHERE ServiceName = 'sluice-receiver' AND MetricName = '{metric}' AND TimeUnix >= toDateTime({{from}}) AND TimeUnix <= toDateTime({{to}}) GROUP BY AttributesValues, ResourceAttributesValues)";

    private static string Gauge(string metric) =>
        $"SELECT max(Value) FROM {{db}}.otel_metrics_gauge FINAL WHERE ServiceName = 'sluice-receiver' AND MetricName = '{metric}' AND TimeUnix >= toDateTime({{from}}) AND TimeUnix <= toDateTime({{to}})";

    // A histogram's mean over the range (sum's increase over count's), the largest of its series.
    private static string Mean(string metric) =>
        "SELECT max((LastSum - FirstSum) / (LastCount - FirstCount)) FROM (SELECT argMax(Sum, TimeUnix) AS LastSum, argMin(Sum, TimeUnix) AS FirstSum, "
        + "argMax(Count, TimeUnix) AS LastCount, argMin(Count, TimeUnix) AS FirstCount FROM {db}.otel_metrics_histogram FINAL "
        + $"WHERE ServiceName = 'sluice-receiver' AND MetricName = '{metric}' AND TimeUnix >= toDateTime({{from}}) AND TimeUnix <= toDateTime({{to}}) GROUP BY AttributesValues, ResourceAttributesValues)";
}
