using System.Diagnostics;
using System.Globalization;
using Sluice.Testing;

namespace Sluice.Receiver.Benchmarks;

/// <summary>
/// The real receiver (its Release build) as a child process, running the shipped
/// otel-config/receiver.yaml itself (placed on free ports, a temp spool and the benchmark's
/// ClickHouse through the environment variables the file reads), so what is measured is what
/// users run and cannot drift from it. Unlike Sluice.Testing's ReceiverProcess it exposes the
/// process id, for /proc figures, and runs with a managed-heap limit (<c>DOTNET_GCHeapHardLimit</c>).
/// </summary>
public sealed class ReceiverUnderTest : IAsyncDisposable
{
    public const string ApiKey = "bench-key-0123456789abcdef";
    public const string Product = "bench";

    private readonly Process _process;
    private readonly StreamWriter _log;

    private ReceiverUnderTest(string folder, Process process, StreamWriter log, int httpPort, int healthPort)
    {
        Folder = folder;
        _process = process;
        _log = log;
        HttpPort = httpPort;
        HealthPort = healthPort;
    }

    public string Folder { get; }

    public int HttpPort { get; }

    public int HealthPort { get; }

    public int Pid => _process.Id;

    public string LogUrl => $"http://127.0.0.1:{HttpPort}/v1/logs";

    public string LogFile => Path.Combine(Folder, "receiver.log");

    /// <summary>Starts the receiver and waits until /readyz answers 200 (schema in place).</summary>
    public static async Task<ReceiverUnderTest> StartAsync(string clickHouseUrl, long heapLimitBytes)
    {
        string root = RepositoryRoot.Find();
        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        string dll = Path.Combine(root, "receiver", "Sluice.Receiver", "bin", configuration, "net10.0", "Sluice.Receiver.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"the receiver is not built: {dll}");
        }

        string folder = Path.Combine(Path.GetTempPath(), "sluice-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        int grpc = FreePort.Get();
        int http = FreePort.GetOtherThan(grpc);
        int health = FreePort.GetOtherThan(grpc, http);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(ShippedConfig(root));
        foreach (var (name, value) in Environment(folder, grpc, http, health, clickHouseUrl))
        {
            info.Environment[name] = value;
        }

        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_GCHeapHardLimit"] = "0x" + heapLimitBytes.ToString("x", CultureInfo.InvariantCulture);
        if (Harness.Gen0Bytes > 0)
        {
            info.Environment["DOTNET_GCgen0size"] = "0x" + Harness.Gen0Bytes.ToString("x", CultureInfo.InvariantCulture);
        }
        else
        {
            info.Environment.Remove("DOTNET_GCgen0size");
        }

        var log = new StreamWriter(Path.Combine(folder, "receiver.log")) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        var logLock = new Lock();
        void Append(string? line)
        {
            if (line is not null)
            {
                lock (logLock)
                {
                    log.WriteLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var receiver = new ReceiverUnderTest(folder, process, log, http, health);

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.UntilAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    return true;
                }

                try
                {
                    using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{health}/readyz"));
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
                catch (TaskCanceledException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(90),
            "the receiver to answer /readyz");
        if (process.HasExited)
        {
            throw new InvalidOperationException($"the receiver exited with {process.ExitCode}; see {receiver.LogFile}");
        }

        return receiver;
    }

    /// <summary>The config the receiver runs with: the shipped file itself, so the benchmark measures what users run.</summary>
    public static string ShippedConfig(string root) => Path.Combine(root, "otel-config", "receiver.yaml");

    /// <summary>
    /// The environment that places the shipped config on this run's ports, spool folder and
    /// ClickHouse (the variables <c>./sluice up</c> sets too); its relative paths (the rules file)
    /// resolve against the checkout, the receiver's working directory.
    /// </summary>
    public static Dictionary<string, string> Environment(string home, int grpc, int http, int health, string clickHouseUrl) => new(StringComparer.Ordinal)
    {
        ["SLUICE_HOME"] = home,
        ["SLUICE_OTLP_GRPC_ENDPOINT"] = $"127.0.0.1:{grpc}",
        ["SLUICE_OTLP_HTTP_ENDPOINT"] = $"127.0.0.1:{http}",
        ["SLUICE_HEALTH_ENDPOINT"] = $"127.0.0.1:{health}",
        ["SLUICE_CLICKHOUSE_URL"] = clickHouseUrl,
        ["SLUICE_API_KEY"] = ApiKey,
        ["SLUICE_PRODUCT"] = Product,

        // The spool keeps gzip bodies, so the shipped 1 GiB holds ~13 000 requests (13 million
        // events): a closed-loop phase would acknowledge minutes of ClickHouse's work, and the
        // overload phase would never reach the push-back mark within its minute. 128 MiB holds
        // ~1 700 requests, what 1 GiB held when the spool kept bodies decompressed.
        ["SLUICE_SPOOL_MAX_MIB"] = "128",
    };

    public bool HasExited => _process.HasExited;

    /// <summary>User + system CPU time of the receiver process so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>
    /// Requests the exporter took decoded at ingest and requests it decoded from the spool so far
    /// (<c>sluice_export_requests_total{decoded}</c> on /metrics); zeros when the page cannot be read.
    /// </summary>
    public async Task<(long Ingest, long Spool)> ExportDecodesAsync()
    {
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string text = await client.GetStringAsync(new Uri($"http://127.0.0.1:{HealthPort}/metrics"));
            long ingest = 0, spool = 0;
            foreach (string line in text.Split('\n'))
            {
                if (!line.StartsWith("sluice_export_requests_total{", StringComparison.Ordinal))
                {
                    continue;
                }

                long value = (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
                if (line.Contains("decoded=\"ingest\"", StringComparison.Ordinal))
                {
                    ingest += value;
                }
                else
                {
                    spool += value;
                }
            }

            return (ingest, spool);
        }
        catch (HttpRequestException)
        {
            return (0, 0);
        }
        catch (TaskCanceledException)
        {
            return (0, 0);
        }
    }

    /// <summary>Peak resident set size since the last <see cref="ResetPeakRss"/> (VmHWM), bytes.</summary>
    public long PeakRssBytes => ProcStatus("VmHWM:");

    /// <summary>Resident set size now (VmRSS), bytes.</summary>
    public long RssBytes => ProcStatus("VmRSS:");

    /// <summary>Resets VmHWM to the current RSS (writing 5 to /proc/pid/clear_refs), so a phase's peak is its own; false where the kernel refuses.</summary>
    public bool ResetPeakRss()
    {
        try
        {
            File.WriteAllText($"/proc/{Pid}/clear_refs", "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        await _log.DisposeAsync();
        try
        {
            Directory.Delete(Path.Combine(Folder, "spool"), recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private long ProcStatus(string field)
    {
        foreach (string line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                string[] parts = line[field.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
