namespace Sluice.Receiver.Rules;

/// <summary>
/// Reloads the rules file when it changes: a <see cref="FileSystemWatcher"/> on its folder for
/// changes within a fraction of a second, and a periodic look at its size and time (and, less
/// often, its content) for where notifications do not arrive: network and container mounts,
/// editors that replace the file, a watcher that overflowed.
/// </summary>
internal sealed class RulesReloader : BackgroundService
{
    /// <summary>How often the file's size and time are compared.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);

    /// <summary>How often the content is read and hashed even though size and time look the same.</summary>
    public static readonly TimeSpan ContentCheckInterval = TimeSpan.FromSeconds(30);

    // An editor's save is often several writes (truncate, write, rename): wait for it to settle.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    private readonly RulesStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly bool _watch;
    private FileSystemWatcher? _watcher;

    public RulesReloader(RulesStore store, TimeProvider time, ILogger<RulesReloader> logger)
        : this(store, time, logger, watch: true)
    {
    }

    /// <summary>Tests turn the watcher off to see the periodic check alone at work.</summary>
    internal RulesReloader(RulesStore store, TimeProvider time, ILogger<RulesReloader> logger, bool watch)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _watch = watch;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Log.Loaded(_logger, _store.Path, _store.Book.Rules.Count, _store.Book.Version);
        if (_watch)
        {
            Watch();
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        _changed.Dispose();
        base.Dispose();
    }

    /// <summary>Checks the file once and logs what happened; returns whether new rules are in force.</summary>
    internal bool Check(bool force)
    {
        var result = _store.Reload(force);
        if (result.Changed)
        {
            Log.Reloaded(_logger, _store.Path, result.RuleCount, result.PreviousVersion, result.Version);
        }
        else if (result.Errors.Count > 0)
        {
            Log.ReloadRefused(_logger, _store.Path, _store.Book.Version, string.Join("; ", result.Errors));
        }

        return result.Changed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastContentCheck = _time.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            bool notified;
            try
            {
                notified = await WaitForChangeAsync(stoppingToken).ConfigureAwait(false);
                if (notified)
                {
                    await Task.Delay(Settle, _time, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            bool readContent = notified || _time.GetElapsedTime(lastContentCheck) >= ContentCheckInterval;
            if (readContent)
            {
                lastContentCheck = _time.GetTimestamp();
            }

            Check(force: readContent);
        }
    }

    /// <summary>True when a change notification arrived, false when <see cref="CheckInterval"/> passed first.</summary>
    private async Task<bool> WaitForChangeAsync(CancellationToken stoppingToken)
    {
        using var interval = new CancellationTokenSource(CheckInterval, _time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, interval.Token);
        try
        {
            await _changed.WaitAsync(wait.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Watch()
    {
        string? folder = System.IO.Path.GetDirectoryName(_store.Path);
        if (folder is null)
        {
            return;
        }

        try
        {
            var watcher = new FileSystemWatcher(folder, System.IO.Path.GetFileName(_store.Path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => Signal();
            watcher.Created += (_, _) => Signal();
            watcher.Renamed += (_, _) => Signal();
            watcher.Deleted += (_, _) => Signal();
            watcher.Error += (_, _) => Signal();
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            Log.WatchFailed(_logger, _store.Path, CheckInterval.TotalSeconds, ex);
        }
    }

    private void Signal()
    {
        try
        {
            if (_changed.CurrentCount == 0)
            {
                _changed.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // A reload is already due, or the service is stopping.
        }
    }
}
