using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Telemetry;

/// <summary>The receiver's own metrics: one <see cref="Meter"/>, served on /metrics in Prometheus format.</summary>
internal sealed class ReceiverMetrics : IDisposable
{
    public const string MeterName = "Sluice.Receiver";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _insertDuration;
    private readonly Histogram<long> _insertRows;
    private readonly Counter<long> _insertFailures;
    private readonly Counter<long> _spoolCorrupt;
    private readonly Counter<long> _exported;

    public ReceiverMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _requests = _meter.CreateCounter<long>("sluice.receiver.requests", "{request}", "OTLP export requests by protocol, signal and status code.");
        _accepted = _meter.CreateCounter<long>("sluice.receiver.items.accepted", "{item}", "Items (log records, spans, data points) made durable in the spool.");
        _refused = _meter.CreateCounter<long>("sluice.receiver.items.refused", "{item}", "Items refused, by signal and reason.");
        _insertDuration = _meter.CreateHistogram<double>("sluice.clickhouse.insert.duration", "s", "Time of one ClickHouse insert.");
        _insertRows = _meter.CreateHistogram<long>("sluice.clickhouse.insert.rows", "{row}", "Rows per ClickHouse insert.");
        _insertFailures = _meter.CreateCounter<long>("sluice.clickhouse.insert.failures", "{insert}", "ClickHouse inserts that failed and will be retried.");
        _spoolCorrupt = _meter.CreateCounter<long>("sluice.spool.corrupt_records", "{record}", "Damaged spool records that were skipped.");
        _exported = _meter.CreateCounter<long>("sluice.export.requests", "{request}", "Spooled requests the exporter turned into rows, by where their items came from: decoded at ingest (handed over in memory), or decoded from the spool.");
    }

    public Func<long>? SpoolBytes { get; set; }

    public Func<double>? SpoolOldestAgeSeconds { get; set; }

    public void RegisterSpoolGauges()
    {
        _meter.CreateObservableGauge("sluice.spool.size", () => SpoolBytes?.Invoke() ?? 0, "By", "Bytes in the spool, read or not.");
        _meter.CreateObservableGauge("sluice.spool.oldest_age", () => SpoolOldestAgeSeconds?.Invoke() ?? 0, "s", "Age of the oldest item not yet in ClickHouse.");
    }

    public void Request(string protocol, Signal signal, int status) =>
        _requests.Add(1, new TagList { { "protocol", protocol }, { "signal", SignalName(signal) }, { "status", status } });

    public void Accepted(Signal signal, int count) => _accepted.Add(count, new KeyValuePair<string, object?>("signal", SignalName(signal)));

    public void Refused(Signal signal, string reason, int count) =>
        _refused.Add(count, new KeyValuePair<string, object?>("signal", SignalName(signal)), new KeyValuePair<string, object?>("reason", reason));

    public void Inserted(string table, long rows, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("table", table);
        _insertRows.Record(rows, tag);
        _insertDuration.Record(duration.TotalSeconds, tag);
    }

    public void InsertFailed() => _insertFailures.Add(1);

    public void SpoolCorrupt() => _spoolCorrupt.Add(1);

    public void Exported(bool decodedAtIngest) => _exported.Add(1, new KeyValuePair<string, object?>("decoded", decodedAtIngest ? "ingest" : "spool"));

    public void Dispose() => _meter.Dispose();

    public static string SignalName(Signal signal) => signal switch
    {
        Signal.Logs => "logs",
        Signal.Traces => "traces",
        _ => "metrics",
    };
}
