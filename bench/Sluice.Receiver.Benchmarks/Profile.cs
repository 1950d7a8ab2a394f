using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Receiver.ClickHouse;
using Sluice.Receiver.Spool;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Benchmarks;

/// <summary>
/// The <c>profile</c> verb: a breakdown of the receiver's per-event work in thread CPU time
/// (CLOCK_THREAD_CPUTIME_ID), which other processes on a shared machine disturb far less than
/// wall-clock time: each stage of one typical 1 000-event request, each transform on its own,
/// repeated, best of several rounds.
/// </summary>
internal static partial class Profile
{
    private const int Events = 1000;

    public static int Run(string[] args)
    {
        int repeats = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var shape = args.Length > 1 ? Enum.Parse<EventShape>(args[1], ignoreCase: true) : EventShape.Typical;
        var pipeline = RowPipeline.Create();
        byte[] raw = Workload.Request("profile", 999_997, 0, Events, shape);
        byte[] gz = Workload.Gzip(raw);
        byte[] inflated = new byte[raw.Length + 1];
        ulong now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var batch = new TelemetryBatch();
        using var writers = new TableWriterSet();
        var rows = new List<(string Stage, double Ns, double Bytes)>();

        void Measure(string stage, Action action)
        {
            for (int i = 0; i < 20; i++)
            {
                action(); // warm-up: tiered JIT reaches its optimized code
            }

            double best = double.MaxValue;
            double bytes = 0;
            for (int round = 0; round < 5; round++)
            {
                long allocated = GC.GetAllocatedBytesForCurrentThread();
                long start = ThreadCpuNs();
                for (int i = 0; i < repeats / 5; i++)
                {
                    action();
                }

                double ns = (ThreadCpuNs() - start) / (double)(repeats / 5) / Events;
                bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)(repeats / 5) / Events;
                best = Math.Min(best, ns);
            }

            rows.Add((stage, best, bytes));
        }

        Measure("gunzip (HTTP body)", () =>
        {
            using var input = new MemoryStream(gz, writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            int total = 0;
            int n;
            while ((n = gzip.Read(inflated, total, inflated.Length - total)) > 0)
            {
                total += n;
            }
        });
        Measure("ingest check (decode that counts and checks, at the HTTP endpoint)", () => pipeline.Decode(raw, batch, now, checkOnly: true));
        Measure("decode (the exporter's, from the spool)", () => pipeline.Decode(raw, batch, now));
        var chain = new List<(string Name, Sluice.Transforms.Processing.TelemetryProcessor Processor)>();
        double previous = rows[^1].Ns;
        double previousBytes = rows[^1].Bytes;
        foreach (var transform in pipeline.Transforms)
        {
            chain.Add(transform);
            var upTo = chain.ToArray();
            Measure("decode + transforms up to " + transform.Name, () =>
            {
                pipeline.Decode(raw, batch, now);
                foreach (var (_, processor) in upTo)
                {
                    processor.Process(batch);
                }
            });
            var last = rows[^1];
            rows.Add(("  => " + transform.Name + " alone", last.Ns - previous, last.Bytes - previousBytes));
            previous = last.Ns;
            previousBytes = last.Bytes;
        }

        pipeline.Decode(raw, batch, now);
        pipeline.Transform(batch);
        Measure("RowBinary encode", () =>
        {
            writers.Append(batch);
            writers.Clear();
        });
        writers.Append(batch);
        byte[] rowBinary = writers.NonEmpty.Single().Data.ToArray();
        writers.Clear();
        Measure("gzip of the insert body", () =>
        {
            using var gzip = new GZipStream(Stream.Null, CompressionLevel.Fastest);
            gzip.Write(rowBinary);
        });

        string folder = Path.Combine(Path.GetTempPath(), "sluice-profile-spool-" + Guid.NewGuid().ToString("N")[..8]);
        var spool = FileSpool.Open(folder, 8L << 30, 64L << 20, 90, fsync: false, NullLogger.Instance);
        int appends = 0;
        Measure("spool append, fsync off (CPU of the awaiting thread only)", () =>
        {
            spool.AppendAsync(new SpoolRecord(Signal.Logs, PayloadEncoding.Protobuf, ReceiverUnderTest.Product, 1, 0, raw)).GetAwaiter().GetResult();
            if (++appends % 64 == 0)
            {
                spool.Commit(spool.DurablePosition);
            }
        });
        spool.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(folder, recursive: true);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"per-event thread CPU time, {shape} request of {Events} events ({raw.Length / Events} raw bytes/event), best of 5 rounds of {repeats / 5}; load average {File.ReadAllText("/proc/loadavg").Trim()}"));
        Console.WriteLine($"{"stage",-62} {"ns/event",9} {"B/event",9}");
        foreach (var (stage, ns, b) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stage,-62} {ns,9:F0} {b,9:F0}"));
        }

        return 0;
    }

    private static long ThreadCpuNs()
    {
        if (ClockGetTime(3 /* CLOCK_THREAD_CPUTIME_ID */, out var ts) != 0)
        {
            throw new InvalidOperationException("clock_gettime failed");
        }

        return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
