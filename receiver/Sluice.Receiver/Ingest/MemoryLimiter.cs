using System.Runtime;
using Sluice.Receiver.Configuration;

namespace Sluice.Receiver.Ingest;

/// <summary>
/// <c>processors.memory_limiter</c>: measures the process's resident memory every check interval;
/// while it is above the soft limit, <see cref="Refusing"/> is set and the ingest pipeline answers
/// the pipelines that list the limiter with 503/UNAVAILABLE and Retry-After (clients keep their data
/// and retry; nothing already acknowledged is touched: the spool keeps draining into ClickHouse).
/// Above the hard limit it also forces a full, compacting garbage collection, once per check.
/// </summary>
/// <remarks>
/// Resident memory rather than the managed heap, because what an operator limits (a container's
/// memory, the machine's) counts all of it: the heap, its free space not yet returned, native
/// buffers. The decision is taken on the timer, so admission only reads a flag.
/// </remarks>
internal sealed partial class MemoryLimiter : IDisposable
{
    private const long MiB = 1024 * 1024;

    private readonly Func<long> _usage;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private volatile bool _refusing;
    private int _checking;

    /// <param name="config">The limits.</param>
    /// <param name="signals">The signals whose pipelines list this limiter.</param>
    /// <param name="availableBytes">The memory available to the process, for percentage limits.</param>
    /// <param name="usage">Measures memory use in bytes; the process's resident set by default.</param>
    /// <param name="time">Drives the checks.</param>
    /// <param name="logger">Where entering and leaving the refusing state is logged.</param>
    public MemoryLimiter(MemoryLimiterConfig config, IReadOnlySet<string> signals, long availableBytes, Func<long>? usage, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(time);
        Name = config.Name;
        Signals = signals;
        (HardLimitBytes, SoftLimitBytes) = config.Limits(availableBytes);
        _usage = usage ?? ResidentBytes;
        _logger = logger;
        _timer = time.CreateTimer(_ => Check(), null, config.CheckInterval, config.CheckInterval);
    }

    public string Name { get; }

    public IReadOnlySet<string> Signals { get; }

    public long HardLimitBytes { get; }

    public long SoftLimitBytes { get; }

    /// <summary>Memory use at the last check, bytes.</summary>
    public long LastUsageBytes { get; private set; }

    /// <summary>Full collections this limiter forced (use above the hard limit).</summary>
    public int ForcedCollections { get; private set; }

    /// <summary>Whether new requests are refused: memory use was above the soft limit at the last check.</summary>
    public bool Refusing => _refusing;

    /// <summary>The answer's message while refusing.</summary>
    public string RefusalMessage => $"the receiver's memory use ({LastUsageBytes / MiB} MiB) is above the soft limit of processors.{Name} ({SoftLimitBytes / MiB} MiB); retry after 1 s";

    /// <summary>Measures once and updates <see cref="Refusing"/>; the timer calls it every check interval.</summary>
    public void Check()
    {
        // A forced collection can outlast the interval: checks never overlap.
        if (Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return;
        }

        try
        {
            CheckOnce();
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    private void CheckOnce()
    {
        long used = _usage();
        if (used > HardLimitBytes)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            ForcedCollections++;
            long after = _usage();
            Log.ForcedCollection(_logger, Name, used / MiB, after / MiB, HardLimitBytes / MiB);
            used = after;
        }

        LastUsageBytes = used;
        bool refuse = used > SoftLimitBytes;
        if (refuse != _refusing)
        {
            _refusing = refuse;
            if (refuse)
            {
                Log.Refusing(_logger, Name, used / MiB, SoftLimitBytes / MiB);
            }
            else
            {
                Log.Resumed(_logger, Name, used / MiB, SoftLimitBytes / MiB);
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>The process's resident set size (VmRSS on Linux).</summary>
    internal static long ResidentBytes()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "{Limiter}: memory use {UsedMiB} MiB is above the soft limit {SoftMiB} MiB; refusing new requests with 503 until it is below")]
        public static partial void Refusing(ILogger logger, string limiter, long usedMiB, long softMiB);

        [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "{Limiter}: memory use {UsedMiB} MiB is below the soft limit {SoftMiB} MiB again; accepting requests")]
        public static partial void Resumed(ILogger logger, string limiter, long usedMiB, long softMiB);

        [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "{Limiter}: memory use {UsedMiB} MiB was above the hard limit {HardMiB} MiB; a forced full collection left {AfterMiB} MiB")]
        public static partial void ForcedCollection(ILogger logger, string limiter, long usedMiB, long afterMiB, long hardMiB);
    }
}
