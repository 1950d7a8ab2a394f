using System.Diagnostics;
using System.Globalization;
using Sluice.Testing;

namespace Sluice.Receiver.Benchmarks;

/// <summary>
/// The real receiver (its Release build) as a child process, with the shipped defaults of
/// otel-config/receiver.yaml (batch 100 000 rows / 1 s, fsync on, 512 requests in flight, the four
/// transforms, the shipped rules file) on free ports, a temp spool and the given ClickHouse database.
/// Unlike Sluice.Testing's ReceiverProcess it exposes the process id, for /proc figures, and runs
/// with a managed-heap limit (<c>DOTNET_GCHeapHardLimit</c>), the memory limit the overload checks.
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
    public static async Task<ReceiverUnderTest> StartAsync(string clickHouseUrl, string database, long heapLimitBytes)
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
        string config = Path.Combine(folder, "receiver.yaml");
        await File.WriteAllTextAsync(config, ConfigYaml(root, folder, grpc, http, health, clickHouseUrl, database));

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(config);
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

    /// <summary>The receiver's config: otel-config/receiver.yaml's defaults, on the given ports, spool folder and database.</summary>
    public static string ConfigYaml(string root, string folder, int grpc, int http, int health, string clickHouseUrl, string database) =>
        $"""
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: 127.0.0.1:{grpc}
              http:
                endpoint: 127.0.0.1:{http}
            auth:
              authenticator: bearertokenauth
        processors:
          batch:
            send_batch_size: 100000
            timeout: 1s
          sluice_schema: {"{}"}
          sluice_privacy:
            hash_attributes: [user.id, enduser.id]
            action: redact
          sluice_rules: {"{}"}
          sluice_enrich:
            skew_tolerance: 5s
        exporters:
          clickhouse:
            endpoint: {clickHouseUrl}
            database: {database}
        extensions:
          bearertokenauth:
            keys:
              - key: {ApiKey}
                product: {Product}
          health_check:
            endpoint: 127.0.0.1:{health}
          file_storage:
            directory: {Path.Combine(folder, "spool")}
            max_size_mib: 1024
            segment_size_mib: 64
            fsync: true
          sluice_rules:
            file: {Path.Combine(root, "otel-config", "rules.yaml")}
        service:
          extensions: [bearertokenauth, health_check, file_storage, sluice_rules]
          pipelines:
            logs:
              receivers: [otlp]
              processors: [sluice_schema, sluice_privacy, sluice_rules, sluice_enrich, batch]
              exporters: [clickhouse]
            traces:
              receivers: [otlp]
              processors: [batch]
              exporters: [clickhouse]
            metrics:
              receivers: [otlp]
              processors: [batch]
              exporters: [clickhouse]
          telemetry:
            logs:
              level: info
            metrics:
              level: normal
              interval: 15s
        """;

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
