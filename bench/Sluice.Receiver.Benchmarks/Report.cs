using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sluice.Receiver.Benchmarks;

/// <summary>One target of issue 6, judged against the run's figures.</summary>
public sealed record TargetCheck(string Target, string Measured, bool Met, string Margin);

/// <summary>The printed table, results/*.json, *.md and the scaling plot.</summary>
internal static class Report
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static List<string> Write(BenchResults results, string folder)
    {
        Directory.CreateDirectory(folder);
        string stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", C);
        var written = new List<string>();
        string json = JsonSerializer.Serialize(new { results, targets = Targets(results) }, Indented);
        string markdown = Markdown(results);
        foreach (string name in new[] { $"bench-{stamp}", "latest" })
        {
            File.WriteAllText(Path.Combine(folder, name + ".json"), json);
            File.WriteAllText(Path.Combine(folder, name + ".md"), markdown);
        }

        written.Add(Path.Combine(folder, $"bench-{stamp}.json"));
        written.Add(Path.Combine(folder, $"bench-{stamp}.md"));
        if (Plot(results, folder, stamp) is { } png)
        {
            written.Add(png);
        }

        return written;
    }

    public static List<TargetCheck> Targets(BenchResults results)
    {
        var checks = new List<TargetCheck>();
        var full = results.Phases.FirstOrDefault(p => p.Name == "full");
        var half = results.Phases.FirstOrDefault(p => p.Name == "half");
        var over = results.Phases.FirstOrDefault(p => p.Name == "overload");
        if (full is not null)
        {
            checks.Add(new TargetCheck(
                "receiver CPU <= 2 CPU-s per million events (full load)",
                F(full.ReceiverCpuPerMillion, "F2") + " CPU-s/M",
                full.ReceiverCpuPerMillion <= 2,
                F(full.ReceiverCpuPerMillion / 2, "F2") + "x the target"));
            if (results.Ceiling is { } ceiling)
            {
                double ratio = full.LandedPerSecond / ceiling.RowsPerSecond;
                checks.Add(new TargetCheck(
                    "end to end >= 0.8 x ClickHouse-alone ceiling",
                    $"{F(full.LandedPerSecond, "F0")} / {F(ceiling.RowsPerSecond, "F0")} = {F(ratio, "F2")}",
                    ratio >= 0.8,
                    F(ratio / 0.8, "F2") + "x the target"));
            }

            checks.Add(new TargetCheck(
                "peak RSS <= 512 MiB at full load",
                F(full.PeakRssMiB, "F0") + " MiB",
                full.PeakRssMiB <= 512,
                F(full.PeakRssMiB / 512, "F2") + "x the limit"));
        }

        if (half is not null)
        {
            checks.Add(new TargetCheck(
                "p99 ack latency <= 50 ms at half load",
                F(half.P99Ms, "F1") + " ms",
                half.P99Ms <= 50,
                F(half.P99Ms / 50, "F2") + "x the target"));
        }

        if (over is not null)
        {
            int pushback = over.Statuses.GetValueOrDefault("429") + over.Statuses.GetValueOrDefault("503");
            checks.Add(new TargetCheck(
                "overload (2x): pushes back with 429/503 + Retry-After",
                $"{pushback} answers (429: {over.Statuses.GetValueOrDefault("429")}, 503: {over.Statuses.GetValueOrDefault("503")}), {over.RetryAfterAnswers} with Retry-After",
                pushback > 0 && over.RetryAfterAnswers == pushback,
                string.Empty));
            checks.Add(new TargetCheck(
                $"overload (2x): peak RSS <= {results.RssLimitBytes / 1048576} MiB",
                F(over.PeakRssMiB, "F0") + " MiB",
                over.PeakRssMiB <= results.RssLimitBytes / 1048576.0,
                F(over.PeakRssMiB * 1048576 / results.RssLimitBytes, "F2") + "x the limit"));
            if (results.MemoryLimiterBytes > 0)
            {
                checks.Add(new TargetCheck(
                    $"overload (2x): peak RSS <= the shipped memory_limiter's limit ({results.MemoryLimiterBytes / 1048576} MiB)",
                    F(over.PeakRssMiB, "F0") + " MiB",
                    over.PeakRssMiB <= results.MemoryLimiterBytes / 1048576.0,
                    F(over.PeakRssMiB * 1048576 / results.MemoryLimiterBytes, "F2") + "x the limit"));
            }

            checks.Add(new TargetCheck(
                "overload (2x): every acknowledged event lands",
                $"{over.EventsLanded} landed of {over.EventsAcked} acknowledged, {over.AckedRequestsMissing} requests short",
                over.EveryAckedEventLanded,
                string.Empty));
        }

        return checks;
    }

    public static string Table(BenchResults r)
    {
        var s = new StringBuilder();
        var m = r.Machine;
        s.AppendLine(C, $"Sluice receiver benchmark, {m.Date}: {m.Cores} cores {m.Cpu}, {m.RamGiB} GiB RAM, {m.Runtime}, ClickHouse {m.ClickHouse}, load average at start {m.LoadAverageAtStart}");
        s.AppendLine(C, $"receiver: {r.ReceiverBuild} build, shipped transforms, fsync on, GC heap limit {r.HeapLimitBytes / 1048576} MiB; load generator: separate process, OTLP/HTTP protobuf, gzip, 1000 events/request; all on the same cores (shared machine)");
        s.AppendLine();
        s.AppendLine("phase     shape    offered/s  conns  acked ev/s  landed ev/s   p50 ms   p99 ms  rcv CPU-s/M  CH CPU-s/M  busy%  peak RSS MiB  once%  B/event  KiB/req  429/503  all landed");
        foreach (var p in r.Phases)
        {
            s.AppendLine(C, $"{p.Name,-9} {p.Shape,-8} {(p.OfferedPerSecond > 0 ? p.OfferedPerSecond.ToString("F0", C) : "closed"),9} {p.Connections,6} {p.AckedPerSecond,11:F0} {p.LandedPerSecond,12:F0} {p.P50Ms,8:F1} {p.P99Ms,8:F1} {p.ReceiverCpuPerMillion,12:F2} {p.ClickHouseCpuPerMillion,11:F2} {p.MachineBusyPercent,6:F0} {p.PeakRssMiB,13:F0} {p.DecodedAtIngestPercent,6:F0} {p.RawBytesPerEvent,8:F0} {p.GzipKiBPerRequest,8:F1} {p.Statuses.GetValueOrDefault("429") + "/" + p.Statuses.GetValueOrDefault("503"),8}  {(p.EveryAckedEventLanded ? "yes" : "NO")} ({p.EventsLanded}/{p.EventsAcked})");
        }

        if (r.Ceiling is { } c)
        {
            s.AppendLine();
            s.AppendLine(C, $"ceiling (ClickHouse alone, {c.Rows} of the same rows, RowBinary gzip, {c.RowsPerInsert} rows/insert on average): {c.SequentialRowsPerSecond:F0} rows/s one insert at a time, {c.ParallelRowsPerSecond:F0} rows/s two at a time; ClickHouse CPU-s per million rows {c.SequentialClickHouseCpuPerMillion:F1} and {c.ParallelClickHouseCpuPerMillion:F1}");
        }

        if (r.Micro.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("micro (per event, typical 1000-event request)        ns/event   bytes/event");
            foreach (var x in r.Micro)
            {
                s.AppendLine(C, $"  {x.Name,-48} {x.NsPerEvent,10:F0} {x.BytesPerEvent,12:F0}");
            }

            var decode = r.Micro.FirstOrDefault(x => x.Name == "Decode");
            var both = r.Micro.FirstOrDefault(x => x.Name == "DecodeAndTransforms");
            if (decode is not null && both is not null)
            {
                s.AppendLine(C, $"  {"transforms alone (difference)",-48} {both.NsPerEvent - decode.NsPerEvent,10:F0} {both.BytesPerEvent - decode.BytesPerEvent,12:F0}");
            }
        }

        s.AppendLine();
        s.AppendLine("targets (issue 6):");
        foreach (var t in Targets(r))
        {
            s.AppendLine(C, $"  [{(t.Met ? "met   " : "MISSED")}] {t.Target}: {t.Measured}{(t.Margin.Length > 0 ? " (" + t.Margin + ")" : string.Empty)}");
        }

        s.AppendLine(C, $"total time {r.TotalMinutes:F1} min");
        return s.ToString();
    }

    private static string Markdown(BenchResults r)
    {
        var s = new StringBuilder();
        var m = r.Machine;
        s.AppendLine("# Sluice receiver benchmark");
        s.AppendLine();
        s.AppendLine(C, $"{m.Date} on `{m.Host}`: {m.Cores} cores, {m.Cpu}, {m.RamGiB} GiB RAM, Linux {m.Kernel}, {m.Runtime}, ClickHouse {m.ClickHouse}. Load average at start: {m.LoadAverageAtStart}. The machine is shared: compare ratios within one run.");
        s.AppendLine();
        s.AppendLine(C, $"Receiver: {r.ReceiverBuild} build running the shipped otel-config/receiver.yaml (memory_limiter, sluice_schema, sluice_privacy, sluice_rules, sluice_enrich, batch 100 000 rows / 1 s, fsync on), `DOTNET_GCHeapHardLimit` {r.HeapLimitBytes / 1048576} MiB. Load generator: a separate process, OTLP/HTTP protobuf (Google.Protobuf), gzip, 1 000 events per request.");
        s.AppendLine();
        s.AppendLine("| phase | shape | offered ev/s | conns | acked ev/s | landed ev/s | p50 ms | p99 ms | receiver CPU-s/M | ClickHouse CPU-s/M | machine busy % | peak RSS MiB | decoded once % | raw B/event | gzip KiB/req | 429 / 503 | every acked event landed |");
        s.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|");
        foreach (var p in r.Phases)
        {
            s.AppendLine(C, $"| {p.Name} | {p.Shape} | {(p.OfferedPerSecond > 0 ? p.OfferedPerSecond.ToString("F0", C) : "closed loop")} | {p.Connections} | {p.AckedPerSecond:F0} | {p.LandedPerSecond:F0} | {p.P50Ms:F1} | {p.P99Ms:F1} | {p.ReceiverCpuPerMillion:F2} | {p.ClickHouseCpuPerMillion:F2} | {p.MachineBusyPercent:F0} | {p.PeakRssMiB:F0} | {p.DecodedAtIngestPercent:F0} | {p.RawBytesPerEvent:F0} | {p.GzipKiBPerRequest:F1} | {p.Statuses.GetValueOrDefault("429")} / {p.Statuses.GetValueOrDefault("503")} | {(p.EveryAckedEventLanded ? "yes" : "**no**")} ({p.EventsLanded} of {p.EventsAcked}) |");
        }

        if (r.Ceiling is { } c)
        {
            s.AppendLine();
            s.AppendLine(C, $"Ceiling (ClickHouse alone): {c.Rows} of the same rows, RowBinary compressed up front ({c.Compression}, as the receiver compresses its inserts), {c.Inserts} inserts of {c.RowsPerInsert} rows on average, as the exporter ends its batches ({c.RowBinaryMiB:F0} MiB RowBinary, {c.CompressedMiB:F0} MiB compressed): **{c.SequentialRowsPerSecond:F0} rows/s** one insert at a time, **{c.ParallelRowsPerSecond:F0} rows/s** two at a time; ClickHouse took {c.SequentialClickHouseCpuPerMillion:F1} and {c.ParallelClickHouseCpuPerMillion:F1} CPU-s per million rows (compare the phases' ClickHouse column).");
        }

        if (r.Micro.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("| micro benchmark (per event, typical 1 000-event request) | ns/event | ± (std. error) | bytes allocated/event |");
            s.AppendLine("|---|--:|--:|--:|");
            foreach (var x in r.Micro)
            {
                s.AppendLine(C, $"| {x.Name} | {x.NsPerEvent:F0} | {x.ErrorNs:F0} | {x.BytesPerEvent:F0} |");
            }
        }

        s.AppendLine();
        s.AppendLine("| target (issue 6) | measured | met | margin |");
        s.AppendLine("|---|---|---|---|");
        foreach (var t in Targets(r))
        {
            s.AppendLine(C, $"| {t.Target} | {t.Measured} | {(t.Met ? "yes" : "**no**")} | {t.Margin} |");
        }

        s.AppendLine();
        s.AppendLine(C, $"Total time: {r.TotalMinutes:F1} min.");
        return s.ToString();
    }

    /// <summary>Writes scaling-*.png with gnuplot (installed by ./sluice bench); null when gnuplot is missing.</summary>
    private static string? Plot(BenchResults r, string folder, string stamp)
    {
        var load = r.Phases.Where(p => p.Shape == EventShape.Typical && p.Name is "quarter" or "half" or "full").OrderBy(p => p.AckedPerSecond).ToList();
        var shapes = r.Phases.Where(p => p.Name is "small" or "full" or "large").OrderBy(p => p.RawBytesPerEvent).ToList();
        if (load.Count == 0)
        {
            return null;
        }

        string data = Path.Combine(folder, $"scaling-{stamp}.dat");
        var d = new StringBuilder();
        d.AppendLine("# load: name acked_per_s cpu_per_million p99_ms peak_rss_mib");
        foreach (var p in load)
        {
            d.AppendLine(C, $"{p.Name} {p.AckedPerSecond:F0} {p.ReceiverCpuPerMillion:F3} {p.P99Ms:F2} {p.PeakRssMiB:F0}");
        }

        d.AppendLine();
        d.AppendLine();
        d.AppendLine("# shape: name raw_bytes_per_event cpu_per_million acked_per_s");
        foreach (var p in shapes)
        {
            d.AppendLine(C, $"{p.Shape} {p.RawBytesPerEvent:F0} {p.ReceiverCpuPerMillion:F3} {p.AckedPerSecond:F0}");
        }

        File.WriteAllText(data, d.ToString());
        string png = Path.Combine(folder, $"scaling-{stamp}.png");
        string script = $"""
            set terminal pngcairo size 1200,500 noenhanced font ',10'
            set output '{png}'
            set multiplot layout 1,2 title 'Sluice receiver, {r.Machine.Date}, {r.Machine.Cores} cores {r.Machine.Cpu} (shared machine)'
            set title 'By offered load (typical events)'
            set xlabel 'acknowledged events/s'
            set ylabel 'receiver CPU-s per million events'
            set y2label 'p99 ack latency, ms (log scale)'
            set ytics nomirror
            set y2tics
            set yrange [0:*]
            set logscale y2
            set y2range [1:*]
            set key top left
            plot '{data}' index 0 using 2:3:xtic(1) with linespoints lw 2 title 'CPU-s/M', '' index 0 using 2:4 axes x1y2 with linespoints lw 2 title 'p99 ms'
            set title 'By event size (closed loop)'
            set xlabel 'raw protobuf bytes per event'
            set ylabel 'receiver CPU-s per million events'
            set y2label 'acknowledged events/s'
            unset logscale y2
            set y2range [0:*]
            set xtics auto
            plot '{data}' index 1 using 2:3 with linespoints lw 2 title 'CPU-s/M', '' index 1 using 2:4 axes x1y2 with linespoints lw 2 title 'events/s'
            unset multiplot
            """;
        try
        {
            var info = new ProcessStartInfo("gnuplot") { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
            using var gnuplot = Process.Start(info)!;
            gnuplot.StandardInput.Write(script);
            gnuplot.StandardInput.Close();
            string errors = gnuplot.StandardError.ReadToEnd();
            gnuplot.WaitForExit();
            if (gnuplot.ExitCode != 0 || !File.Exists(png))
            {
                Harness.Say("gnuplot failed: " + errors.Trim());
                return null;
            }

            File.Copy(png, Path.Combine(folder, "latest.png"), overwrite: true);
            return png;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Harness.Say("gnuplot is not installed: no plot (./sluice bench installs gnuplot-nox)");
            return null;
        }
    }

    private static string F(double value, string format) => value.ToString(format, C);
}
