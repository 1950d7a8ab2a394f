using System.Globalization;
using System.Runtime.InteropServices;
using Sluice.Testing;

namespace Sluice.Receiver.Benchmarks;

/// <summary>What the figures were measured on.</summary>
public sealed record MachineInfo
{
    public required string Date { get; init; }

    public required string Host { get; init; }

    public int Cores { get; init; }

    public required string Cpu { get; init; }

    public double RamGiB { get; init; }

    public required string Kernel { get; init; }

    public required string Runtime { get; init; }

    public string ClickHouse { get; set; } = string.Empty;

    /// <summary>/proc/loadavg when the run began: the machine is shared, this says how busy it was.</summary>
    public required string LoadAverageAtStart { get; init; }

    public static MachineInfo Read() => new()
    {
        Date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
        Host = Environment.MachineName,
        Cores = Environment.ProcessorCount,
        Cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown",
        RamGiB = Math.Round(MemTotalKiB() / 1048576.0, 1),
        Kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
        Runtime = RuntimeInformation.FrameworkDescription,
        LoadAverageAtStart = File.ReadAllText("/proc/loadavg").Trim(),
    };

    private static long MemTotalKiB()
    {
        string? line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}

/// <summary>CPU figures from /proc.</summary>
internal static class ProcCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Busy and total jiffies of the whole machine (all cores), from /proc/stat.</summary>
    public static (long Busy, long Total) Machine()
    {
        string line = File.ReadLines("/proc/stat").First();
        long[] values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        long idle = values[3] + (values.Length > 4 ? values[4] : 0);
        long total = values.Take(8).Sum();
        return (total - idle, total);
    }

    /// <summary>User + system CPU seconds of process <paramref name="pid"/>, or 0 when it is gone.</summary>
    public static double ProcessSeconds(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may hold spaces: fields are counted after its closing parenthesis.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>CPU seconds of the private ClickHouse server so far; 0 when it is not running.</summary>
    public static double ClickHouseSeconds(ClickHouseServer clickHouse) => clickHouse.ProcessId is { } pid ? ProcessSeconds(pid) : 0;
}
