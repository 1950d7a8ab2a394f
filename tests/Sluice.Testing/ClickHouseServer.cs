using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit;

namespace Sluice.Testing;

/// <summary>
/// A private ClickHouse server for tests: its own config, data folder and free ports, started
/// from the installed <c>clickhouse-server</c> binary. Share one per test assembly through an
/// xunit collection fixture, and give each test its own database (<see cref="CreateDatabaseAsync"/>).
/// </summary>
public sealed class ClickHouseServer : IAsyncLifetime, IDisposable
{
    /// <summary>
    /// <c>MALLOC_CONF</c> for the server, unless the environment sets one: jemalloc keeps the memory
    /// ClickHouse frees instead of handing it back to the OS. Debian's ClickHouse links the system's
    /// jemalloc, whose defaults give freed pages back within seconds (blocks over 8 MiB at once), so
    /// every insert of 100 000 rows faulted its column buffers in again. Keeping them cut ClickHouse's
    /// CPU per inserted row on the 2-core VM from 60–73 to 20–26 CPU-seconds per million
    /// (bench/README.md). <c>./sluice up</c> starts its server with the same setting.
    /// </summary>
    public const string JemallocSettings = "dirty_decay_ms:-1,muzzy_decay_ms:-1";

    private const string ConfigSource = "/etc/clickhouse-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sluice-clickhouse-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(5) };
    private readonly Queue<string> _outputTail = new();
    private readonly Lock _outputLock = new();
    private Process? _process;
    private int _databases;

    /// <summary>Picks the ports and writes the server's configuration; <see cref="InitializeAsync"/> starts it.</summary>
    public ClickHouseServer()
    {
        HttpPort = FreePort.Get();
        TcpPort = FreePort.GetOtherThan(HttpPort);
        InterserverPort = FreePort.GetOtherThan(HttpPort, TcpPort);
        Url = "http://127.0.0.1:" + HttpPort.ToString(CultureInfo.InvariantCulture);
        WriteConfig();
    }

    /// <summary>The HTTP interface, <c>http://127.0.0.1:port</c>.</summary>
    public string Url { get; }

    /// <summary>The HTTP port.</summary>
    public int HttpPort { get; }

    /// <summary>The native protocol port (unused by Sluice, but the server needs one).</summary>
    public int TcpPort { get; }

    /// <summary>The replication port (unused, but the server needs one).</summary>
    public int InterserverPort { get; }

    /// <summary>Whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The server's process id while it runs, else null.</summary>
    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <inheritdoc />
    public Task InitializeAsync() => StartAsync();

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Kills the server and deletes its folder.</summary>
    public void Dispose()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(StopTimeout);
            }

            _process.Dispose();
            _process = null;
        }

        _http.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process; the temp folder is cleaned by the OS eventually.
        }
    }

    /// <summary>Starts the server (again) on the same ports and data; returns once it answers <c>SELECT 1</c>.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        _process?.Dispose();
        var start = new ProcessStartInfo("clickhouse-server")
        {
            WorkingDirectory = _folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--config-file=" + Path.Combine(_folder, "config.xml"));
        if (Environment.GetEnvironmentVariable("MALLOC_CONF") is null)
        {
            start.Environment["MALLOC_CONF"] = JemallocSettings;
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("clickhouse-server did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        await Eventually.UntilAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"clickhouse-server exited with {process.ExitCode}: {OutputTail()}");
                }

                return (await QueryAsync("SELECT 1")).Trim() == "1";
            },
            StartTimeout,
            $"ClickHouse to answer on {Url}");
    }

    /// <summary>Stops the server with SIGTERM and waits for it to exit; data and ports are kept for <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
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

    /// <summary>Runs a query and returns the response body (TSV unless the query names a format); throws with the server's message on error.</summary>
    public async Task<string> QueryAsync(string sql)
    {
        using var content = new StringContent(sql, Encoding.UTF8);
        using var response = await _http.PostAsync(new Uri(Url + "/"), content);
        string body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"ClickHouse answered {(int)response.StatusCode} to `{sql}`: {body.Trim()}");
        }

        return body;
    }

    /// <summary>Runs a statement; throws with the server's message on error.</summary>
    public Task ExecuteAsync(string sql) => QueryAsync(sql);

    /// <summary>Creates a database no other test uses and returns its name (<paramref name="prefix"/> plus a unique suffix).</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        string name = string.Create(CultureInfo.InvariantCulture, $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}");
        await ExecuteAsync("CREATE DATABASE " + name);
        return name;
    }

    private void WriteConfig()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "data"));
        Directory.CreateDirectory(Path.Combine(_folder, "log"));
        string data = Path.Combine(_folder, "data") + "/";
        string log = Path.Combine(_folder, "log") + "/";
        string config = File.ReadAllText(Path.Combine(ConfigSource, "config.xml"))
            .Replace("/var/lib/clickhouse/", data, StringComparison.Ordinal)
            .Replace("/var/log/clickhouse-server/", log, StringComparison.Ordinal)
            .Replace("<http_port>8123</http_port>", $"<http_port>{HttpPort}</http_port>", StringComparison.Ordinal)
            .Replace("<tcp_port>9000</tcp_port>", $"<tcp_port>{TcpPort}</tcp_port>", StringComparison.Ordinal)
            .Replace("<interserver_http_port>9009</interserver_http_port>", $"<interserver_http_port>{InterserverPort}</interserver_http_port>", StringComparison.Ordinal)
            .Replace("<level>warning</level>", "<level>error</level>", StringComparison.Ordinal)
            .Replace("<level>trace</level>", "<level>error</level>", StringComparison.Ordinal);
        if (!config.Contains($"<http_port>{HttpPort}</http_port>", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{ConfigSource}/config.xml has no <http_port>8123</http_port> to rewrite.");
        }

        File.WriteAllText(Path.Combine(_folder, "config.xml"), config);
        File.Copy(Path.Combine(ConfigSource, "users.xml"), Path.Combine(_folder, "users.xml"));
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _outputTail.Enqueue(line);
            if (_outputTail.Count > 20)
            {
                _outputTail.Dequeue();
            }
        }
    }

    private string OutputTail()
    {
        lock (_outputLock)
        {
            return string.Join('\n', _outputTail);
        }
    }
}
