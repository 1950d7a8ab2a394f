using System.Diagnostics;
using System.Text.Json;

namespace Sluice.Receiver.Benchmarks;

/// <summary>The load generator as a child process (this executable's <c>load</c> verb): encode, then go on demand.</summary>
internal sealed class LoadProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _errors = [];

    private LoadProcess(LoadOptions options)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(LoadProcess).Assembly.Location);
        foreach (string arg in LoadGenerator.Arguments(options))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _ready.TrySetException(new InvalidOperationException("the load generator exited: " + string.Join('\n', _errors)));
                _result.TrySetException(new InvalidOperationException("the load generator exited: " + string.Join('\n', _errors)));
            }
            else if (e.Data.StartsWith("READY", StringComparison.Ordinal))
            {
                _ready.TrySetResult(e.Data);
            }
            else if (e.Data.StartsWith("RESULT ", StringComparison.Ordinal))
            {
                _result.TrySetResult(e.Data["RESULT ".Length..]);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_errors)
                {
                    _errors.Add(e.Data);
                }
            }
        };
    }

    public int Pid => _process.Id;

    /// <summary>Starts the generator and waits until it has encoded its requests; returns its READY line.</summary>
    public static async Task<(LoadProcess Process, string Ready)> StartAsync(LoadOptions options)
    {
        var load = new LoadProcess(options);
        load._process.Start();
        load._process.BeginOutputReadLine();
        load._process.BeginErrorReadLine();
        string ready = await load._ready.Task.WaitAsync(TimeSpan.FromMinutes(5));
        return (load, ready);
    }

    /// <summary>Tells the generator to start sending.</summary>
    public async Task GoAsync()
    {
        await _process.StandardInput.WriteLineAsync("go");
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the run to end and returns what it saw.</summary>
    public async Task<LoadResult> ResultAsync()
    {
        string json = await _result.Task;
        await _process.WaitForExitAsync();
        return JsonSerializer.Deserialize<LoadResult>(json, LoadGenerator.Json) ?? throw new InvalidOperationException("empty load result");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
