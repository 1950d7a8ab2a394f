using System.Globalization;
using System.Runtime.InteropServices;

namespace Sluice.Sdk.Benchmarks;

/// <summary>
/// The four calls of <see cref="ProcessorBenchmarks"/>, timed by this thread's CPU time
/// (CLOCK_THREAD_CPUTIME_ID, Linux) instead of the wall clock. On a shared machine other processes
/// take the cores away mid-measurement, which inflates wall-clock means but not the thread's own
/// CPU time. Rounds alternate between the calls so drift reaches all four alike; the median
/// round is reported, with allocations per call from the thread's allocation counter.
/// </summary>
internal static class CpuTime
{
    private static readonly string[] Names =
    [
        "ILogger event, plain OpenTelemetry",
        "ILogger event, Sluice",
        "SluiceTelemetry.TrackAction",
        "ILogger event, Sluice, new hashed value",
    ];

    public static void Run(int callsPerRound, int rounds)
    {
        var benchmarks = new ProcessorBenchmarks();
        benchmarks.Setup();
        try
        {
            // Warm up past tiered compilation before any round counts.
            for (var which = 0; which < Names.Length; which++)
            {
                Measure(benchmarks, which, 500_000);
            }

            var cpu = new double[Names.Length][];
            var bytes = new double[Names.Length];
            for (var which = 0; which < Names.Length; which++)
            {
                cpu[which] = new double[rounds];
            }

            for (var round = 0; round < rounds; round++)
            {
                for (var which = 0; which < Names.Length; which++)
                {
                    (cpu[which][round], bytes[which]) = Measure(benchmarks, which, callsPerRound);
                }
            }

            var plain = Median(cpu[0]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"thread CPU time per call, median (min) of {rounds} rounds x {callsPerRound} calls:"));
            for (var which = 0; which < Names.Length; which++)
            {
                var median = Median(cpu[which]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Names[which],-36} {median,7:F1} ns ({cpu[which].Min(),6:F1})  {bytes[which],5:F0} B  ratio {median / plain:F2}"));
            }
        }
        finally
        {
            benchmarks.Dispose();
        }
    }

    private static (double Nanoseconds, double Bytes) Measure(ProcessorBenchmarks benchmarks, int which, int calls)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var start = ThreadCpuNanoseconds();
        switch (which)
        {
            case 0:
                for (var i = 0; i < calls; i++)
                {
                    benchmarks.PlainOpenTelemetry();
                }

                break;
            case 1:
                for (var i = 0; i < calls; i++)
                {
                    benchmarks.Sluice();
                }

                break;
            case 2:
                for (var i = 0; i < calls; i++)
                {
                    benchmarks.SluiceTrackAction();
                }

                break;
            default:
                for (var i = 0; i < calls; i++)
                {
                    benchmarks.SluiceNewValue();
                }

                break;
        }

        var elapsed = ThreadCpuNanoseconds() - start;
        return ((double)elapsed / calls, (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / calls);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static long ThreadCpuNanoseconds()
    {
        const int ThreadCpuTimeClock = 3;
        if (NativeMethods.ClockGetTime(ThreadCpuTimeClock, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed; the cpu verb needs Linux.");
        }

        return (time.Seconds * 1_000_000_000) + time.Nanoseconds;
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "clock_gettime")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int ClockGetTime(int clock, out TimeSpec time);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
