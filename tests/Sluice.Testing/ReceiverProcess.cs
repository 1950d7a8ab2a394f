using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
namespace Sluice.Testing;

/// <summary>
/// The real receiver, as a child process with its own ports, spool folder, ClickHouse database and
/// API key, so that tests can kill it (SIGKILL), stop it (SIGTERM) and start it again on the same spool.
/// Shared by the receiver's and the SDK's end-to-end tests; the test project must build the receiver
/// (a project reference to it), whose output is run from its own bin folder.
/// </summary>
public sealed class ReceiverProcess : IAsyncDisposable
{
    public const string ApiKey = "test-key-0123456789";
    public const string Product = "testprod";

    /// <summary>A second key, bound to <see cref="OtherProduct"/>: for what one product must not see of another.</summary>
    public const string OtherApiKey = "other-key-0123456789";

    public const string OtherProduct = "otherprod";

    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();
    private Process? _process;

    private ReceiverProcess(string folder, string clickHouseUrl, string database, string extraYaml, int spoolMaxMib, string? rulesFile, bool selfMetrics, int? memoryLimitMib, int? httpPort)
    {
        Folder = folder;
        Database = database;
        GrpcPort = FreePort.Get();
        HttpPort = httpPort ?? FreePort.Get();
        HealthPort = FreePort.Get();
        ConfigPath = Path.Combine(folder, "receiver.yaml");
        File.WriteAllText(ConfigPath, $"""
            receivers:
              otlp:
                protocols:
                  grpc:
                    endpoint: 127.0.0.1:{GrpcPort}
                  http:
                    endpoint: 127.0.0.1:{HttpPort}
                auth:
                  authenticator: bearertokenauth
            processors:
              batch:
                send_batch_size: 20000
                timeout: 200ms
              sluice_schema:
              sluice_privacy:
              sluice_rules:
              sluice_enrich:
              {(memoryLimitMib is { } limit ? $"memory_limiter: {{check_interval: 200ms, limit_mib: {limit}}}" : string.Empty)}
            exporters:
              clickhouse:
                endpoint: {clickHouseUrl}
                database: {database}
                retry_on_failure:
                  initial_interval: 200ms
                  max_interval: 2s
            extensions:
              bearertokenauth:
                keys:
                  - key: {ApiKey}
                    product: {Product}
                  - key: {OtherApiKey}
                    product: {OtherProduct}
              health_check:
                endpoint: 127.0.0.1:{HealthPort}
              file_storage:
                directory: {Path.Combine(folder, "spool")}
                max_size_mib: {spoolMaxMib}
                segment_size_mib: {Math.Min(64, spoolMaxMib)}
              {(rulesFile is null ? string.Empty : "sluice_rules: {file: '" + rulesFile + "'}")}
            {extraYaml}
            service:
              telemetry:
                metrics:
                  level: {(selfMetrics ? "normal" : "none")}
                  interval: 2s
              extensions: [bearertokenauth, health_check, file_storage{(rulesFile is null ? string.Empty : ", sluice_rules")}]
              pipelines:
                logs:
                  receivers: [otlp]
                  processors: [{(memoryLimitMib is null ? string.Empty : "memory_limiter, ")}sluice_schema, sluice_privacy, sluice_rules, sluice_enrich, batch]
                  exporters: [clickhouse]
                traces:
                  receivers: [otlp]
                  processors: [batch]
                  exporters: [clickhouse]
                metrics:
                  receivers: [otlp]
                  processors: [batch]
                  exporters: [clickhouse]
            """);
    }

    public string Folder { get; }

    public string Database { get; }

    public string ConfigPath { get; }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public int HealthPort { get; }

    public Uri HttpEndpoint => new($"http://127.0.0.1:{HttpPort}");

    public Uri GrpcEndpoint => new($"http://127.0.0.1:{GrpcPort}");

    public Uri HealthEndpoint => new($"http://127.0.0.1:{HealthPort}");

    /// <summary>What the process printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Creates a database and starts a receiver on it; waits until it is ready (schema in place).</summary>
    /// <param name="clickHouse">The server; the receiver gets a database of its own on it.</param>
    /// <param name="extraYaml">Top-level YAML added to the config (e.g. an <c>exporters</c> override is not possible; new sections are).</param>
    /// <param name="spoolMaxMib">The spool's cap.</param>
    /// <param name="rulesFile">A rules file to serve (<c>extensions.sluice_rules</c>), a full path; null serves none.</param>
    /// <param name="selfMetrics">Whether the receiver exports its own metrics into its pipeline (off for data sets that stand in for them).</param>
    /// <param name="memoryLimitMib">When set, the logs pipeline starts with a <c>memory_limiter</c> of this hard limit, checked every 200 ms.</param>
    public static async Task<ReceiverProcess> StartAsync(ClickHouseServer clickHouse, string extraYaml = "", int spoolMaxMib = 1024, string? rulesFile = null, bool selfMetrics = true, int? memoryLimitMib = null)
    {
        ArgumentNullException.ThrowIfNull(clickHouse);
        string database = await clickHouse.CreateDatabaseAsync("e2e");
        var receiver = Create(clickHouse.Url, database, extraYaml, spoolMaxMib, rulesFile, selfMetrics, memoryLimitMib, httpPort: null);
        await StartOrCleanUpAsync(receiver, waitReady: true);
        return receiver;
    }

    /// <summary>Starts a receiver whose ClickHouse is at <paramref name="clickHouseUrl"/> (maybe nowhere); waits only until it is alive.</summary>
    /// <param name="clickHouseUrl">Where its ClickHouse is, or is not.</param>
    /// <param name="spoolMaxMib">The spool's cap.</param>
    /// <param name="httpPort">The OTLP/HTTP port; null picks a free one.</param>
    public static async Task<ReceiverProcess> StartUnreadyAsync(string clickHouseUrl, int spoolMaxMib, int? httpPort = null)
    {
        var receiver = Create(clickHouseUrl, "sluice", string.Empty, spoolMaxMib, rulesFile: null, selfMetrics: true, memoryLimitMib: null, httpPort);
        await StartOrCleanUpAsync(receiver, waitReady: false);
        return receiver;
    }

    // A receiver that fails to start (a test may expect that) is never handed to a caller who would
    // dispose it: its folder is removed here, or every such run leaves one in the temp folder.
    private static async Task StartOrCleanUpAsync(ReceiverProcess receiver, bool waitReady)
    {
        try
        {
            await receiver.StartAsync(waitReady);
        }
        catch
        {
            await receiver.DisposeAsync();
            throw;
        }
    }

    private static ReceiverProcess Create(string clickHouseUrl, string database, string extraYaml, int spoolMaxMib, string? rulesFile, bool selfMetrics, int? memoryLimitMib, int? httpPort)
    {
        string folder = Path.Combine(Path.GetTempPath(), "sluice-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return new ReceiverProcess(folder, clickHouseUrl, database, extraYaml, spoolMaxMib, rulesFile, selfMetrics, memoryLimitMib, httpPort);
    }

    public static HttpClient NewHttpClient(string? key = ApiKey)
    {
        var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>Starts the process (again) and waits until /readyz answers 200.</summary>
    public async Task StartAsync(bool waitReady = true)
    {
        var info = StartInfo(ConfigPath);
        info.WorkingDirectory = Folder;
        info.Environment["DOTNET_gcServer"] = "0";
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        string path = waitReady ? "readyz" : "healthz";
        await Eventually.UntilAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    return true;
                }

                try
                {
                    using var response = await http.GetAsync(new Uri(HealthEndpoint, path));
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
            TimeSpan.FromSeconds(60),
            $"the receiver to answer /{path}");
        if (process.HasExited)
        {
            await process.WaitForExitAsync(); // drains the output
            throw new InvalidOperationException($"the receiver exited with {process.ExitCode}:\n{Output}");
        }
    }

    /// <summary>Runs the receiver on a config of the caller's until it exits (for configs it must refuse); returns its exit code and standard error.</summary>
    public static async Task<(int ExitCode, string StandardError)> RunToExitAsync(string configPath, TimeSpan timeout)
    {
        using var process = Process.Start(StartInfo(configPath))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the receiver did not exit within {timeout}:\n{await stdout}\n{await stderr}");
        }

        await stdout;
        return (process.ExitCode, await stderr);
    }

    /// <summary>CPU time the receiver process has used so far (user + system).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process!.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>SIGKILL: no chance to flush anything.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM and wait for a clean exit; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return _process?.ExitCode ?? 0;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            if (_output.Length < 1_000_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    // The receiver's build run on a config, its output redirected.
    private static ProcessStartInfo StartInfo(string configPath)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ReceiverDll);
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(configPath);
        return info;
    }

    private static string ReceiverDll
    {
        get
        {
            // The receiver's own build output (with its runtimeconfig and deps), next to the tests' in the same configuration.
            string testDir = AppContext.BaseDirectory;
            string configuration = new DirectoryInfo(testDir).Parent!.Name;
            string root = RepositoryRoot.Find();
            string dll = Path.Combine(root, "receiver", "Sluice.Receiver", "bin", configuration, "net10.0", "Sluice.Receiver.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"the receiver is not built: {dll}");
        }
    }
}
