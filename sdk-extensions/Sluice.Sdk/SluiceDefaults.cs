namespace Sluice.Sdk;

/// <summary>Default values of the SDK's options, in one place.</summary>
public static class SluiceDefaults
{
    /// <summary>Release channel when none is configured.</summary>
    public const string ReleaseChannel = "stable";

    /// <summary>Most events in one request (the design's "about 1k").</summary>
    public const int MaxEventsPerRequest = 1000;

    /// <summary>Most bytes in one request, after gzip (the design's 256 KiB).</summary>
    public const int MaxRequestBytes = 256 * 1024;

    /// <summary>Most events waiting in memory per channel; beyond it events are dropped and counted.</summary>
    public const int MaxQueueSize = 10_000;

    /// <summary>How often queued events are written out: the most a hard kill can lose.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>Time allowed for one request.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>First retry delay ceiling; doubles per failed attempt.</summary>
    public static readonly TimeSpan RetryBaseDelay = TimeSpan.FromSeconds(1);

    /// <summary>Largest retry delay ceiling.</summary>
    public static readonly TimeSpan RetryMaxDelay = TimeSpan.FromMinutes(5);

    /// <summary>Offline store: total bytes of all channels.</summary>
    public const long StoreMaxBytes = 64L * 1024 * 1024;

    /// <summary>Offline store: total files of all channels.</summary>
    public const int StoreMaxFiles = 10_000;

    /// <summary>Offline store: files older than this are evicted.</summary>
    public static readonly TimeSpan StoreMaxAge = TimeSpan.FromDays(7);

    /// <summary>How often the rules are polled.</summary>
    public static readonly TimeSpan RulesPollInterval = TimeSpan.FromMinutes(5);

    /// <summary>Idle time after which the next event starts a new session.</summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromMinutes(30);

    /// <summary>How often the SDK reports on itself.</summary>
    public static readonly TimeSpan HealthReportInterval = TimeSpan.FromMinutes(1);
}
