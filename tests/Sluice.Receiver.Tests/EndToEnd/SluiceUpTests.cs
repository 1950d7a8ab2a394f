using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sluice.Testing;
using Xunit.Abstractions;

namespace Sluice.Receiver.Tests.EndToEnd;

/// <summary>
/// The README's contract, run as a user would: <c>./sluice up</c> brings up ClickHouse and the
/// receiver, the README's curl lands a row, Ctrl-C stops both, and a second <c>up</c> reuses the data.
/// </summary>
public sealed class SluiceUpTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SluiceUp_TheReadmesCurl_LandsARow_AndASecondUpKeepsIt()
    {
        string home = Path.Combine(Path.GetTempPath(), "sluice-up-" + Guid.NewGuid().ToString("N")[..12]);
        var env = new Dictionary<string, string>
        {
            ["SLUICE_HOME"] = home,
            ["SLUICE_CH_HTTP_PORT"] = FreePort.Get().ToString(CultureInfo.InvariantCulture),
            ["SLUICE_CH_TCP_PORT"] = FreePort.Get().ToString(CultureInfo.InvariantCulture),
            ["SLUICE_OTLP_GRPC_ENDPOINT"] = $"127.0.0.1:{FreePort.Get()}",
            ["SLUICE_OTLP_HTTP_ENDPOINT"] = $"127.0.0.1:{FreePort.Get()}",
            ["SLUICE_HEALTH_ENDPOINT"] = $"127.0.0.1:{FreePort.Get()}",
        };
        string clickHouse = $"http://127.0.0.1:{env["SLUICE_CH_HTTP_PORT"]}";
        try
        {
            await using (var up = await SluiceUp.StartAsync(env, output))
            {
                string key = (await File.ReadAllTextAsync(Path.Combine(home, "api-key"))).Trim();
                Assert.Contains(key, up.Output, StringComparison.Ordinal);
                string curl = await RunAsync("curl", "-sS", $"http://{env["SLUICE_OTLP_HTTP_ENDPOINT"]}/v1/logs",
                    "-H", "Content-Type: application/json", "-H", $"Authorization: Bearer {key}",
                    "-d", """{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"demo"}}]},"scopeLogs":[{"logRecords":[{"eventName":"app.start","body":{"stringValue":"hello"}}]}]}]}""");
                Assert.Equal("{}", curl.Trim());
                await Eventually.UntilAsync(
                    async () => (await QueryAsync(clickHouse, "SELECT EventName, Body, ServiceName FROM sluice.otel_logs FINAL")).Trim() == "app.start\thello\tdemo",
                    TimeSpan.FromSeconds(30),
                    "the curl'd event in sluice.otel_logs");
                Assert.Equal(0, await up.InterruptAsync());
            }

            await Assert.ThrowsAsync<HttpRequestException>(() => QueryAsync(clickHouse, "SELECT 1"));

            await using (var again = await SluiceUp.StartAsync(env, output))
            {
                Assert.Equal("1", (await QueryAsync(clickHouse, "SELECT count() FROM sluice.otel_logs FINAL")).Trim());
                Assert.Equal(0, await again.InterruptAsync());
            }
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static async Task<string> QueryAsync(string clickHouse, string sql)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.PostAsync(new Uri(clickHouse), new StringContent(sql));
        string body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException(body);
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        string stdout = await process.StandardOutput.ReadToEndAsync();
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? stdout : throw new InvalidOperationException($"{file} exited {process.ExitCode}: {stderr}");
    }

    /// <summary>One <c>./sluice up</c> in the foreground, as a user's terminal runs it.</summary>
    private sealed class SluiceUp : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly TaskCompletionSource _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private SluiceUp(Process process, ITestOutputHelper log)
        {
            _process = process;
            void OnLine(string? line)
            {
                if (line is null)
                {
                    return;
                }

                lock (_output)
                {
                    _output.AppendLine(line);
                }

                if (line.Contains("Sluice is up", StringComparison.Ordinal))
                {
                    _up.TrySetResult();
                }

                try
                {
                    log.WriteLine(line);
                }
                catch (InvalidOperationException)
                {
                    // The test has ended; the process's last lines have nowhere to go.
                }
            }

            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static async Task<SluiceUp> StartAsync(Dictionary<string, string> env, ITestOutputHelper log)
        {
            var info = new ProcessStartInfo(Path.Combine(RepositoryRoot.Find(), "sluice")) { RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add("up");
            foreach (var (name, value) in env)
            {
                info.Environment[name] = value;
            }

            info.Environment.Remove("SLUICE_CLICKHOUSE_URL");
            info.Environment.Remove("SLUICE_API_KEY");
            var process = new Process { StartInfo = info };
            var up = new SluiceUp(process, log);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(up._up.Task, exited, Task.Delay(TimeSpan.FromMinutes(5)));
            if (first != up._up.Task)
            {
                throw new InvalidOperationException($"./sluice up did not come up ({(exited.IsCompleted ? "exited " + process.ExitCode : "timed out")}):\n{up.Output}");
            }

            return up;
        }

        /// <summary>Ctrl-C: SIGINT, then the exit code.</summary>
        public async Task<int> InterruptAsync()
        {
            using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }
}
