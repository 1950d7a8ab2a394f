using System.Net;
using System.Net.Sockets;
using Sluice.Receiver.Hosting;
using Sluice.Testing;

namespace Sluice.Receiver.Tests.Hosting;

/// <summary>A receiver that cannot listen says where, under which key, and what to do, and exits with 1.</summary>
public sealed class StartupFailureTests
{
    private static readonly (string Key, IPEndPoint Endpoint)[] Listeners =
    [
        ("receivers.otlp.protocols.grpc.endpoint", new IPEndPoint(IPAddress.Loopback, 4317)),
        ("receivers.otlp.protocols.http.endpoint", new IPEndPoint(IPAddress.Loopback, 4318)),
        ("extensions.health_check.endpoint", new IPEndPoint(IPAddress.Any, 13133)),
    ];

    [Fact]
    public async Task Start_HttpPortHeldByAnotherProcess_ExitsWith1NamingAddressKeyAndRemedy()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ReceiverProcess.StartUnreadyAsync($"http://127.0.0.1:{FreePort.Get()}", spoolMaxMib: 16, httpPort: port));

        Assert.Contains("exited with 1", failure.Message, StringComparison.Ordinal);
        Assert.Contains(
            $"sluice-receiver: cannot listen on 127.0.0.1:{port} (receivers.otlp.protocols.http.endpoint): another process is already listening there. Stop it",
            failure.Message,
            StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_KestrelNamesTheAddress_OnlyThatListenerIsNamed()
    {
        var error = new IOException(
            "Failed to bind to address http://0.0.0.0:13133: address already in use.",
            new InvalidOperationException("Address already in use", new SocketException((int)SocketError.AddressAlreadyInUse)));

        string? message = StartupFailure.DescribeListenFailure(error, Listeners);

        Assert.Equal(
            "cannot listen on 0.0.0.0:13133 (extensions.health_check.endpoint): another process is already listening there. Stop it (an OpenTelemetry Collector listens on 4317 and 4318 by default), or set extensions.health_check.endpoint to a free port.",
            message);
    }

    [Fact]
    public void Describe_AddressNamedIsALongerPort_NotTakenForTheListener()
    {
        // 127.0.0.1:43170 is not 127.0.0.1:4317: with no listener named, all of them are.
        var error = new IOException(
            "Failed to bind to address http://127.0.0.1:43170: address already in use.",
            new SocketException((int)SocketError.AddressAlreadyInUse));

        string? message = StartupFailure.DescribeListenFailure(error, Listeners);

        Assert.NotNull(message);
        Assert.StartsWith(
            "cannot listen on 127.0.0.1:4317 (receivers.otlp.protocols.grpc.endpoint) or 127.0.0.1:4318 (receivers.otlp.protocols.http.endpoint) or 0.0.0.0:13133 (extensions.health_check.endpoint): another process is already listening there. Stop it",
            message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_HttpAddressNotOnThisMachine_ExitsWith1NamingThatAddressAndKey()
    {
        // 192.0.2.1 is reserved for documentation (RFC 5737): no machine has it.
        using var folder = new TempFolder();
        var (exitCode, stderr) = await RunAsync(folder, httpEndpoint: "192.0.2.1:4318", spoolDirectory: Path.Combine(folder.Path, "spool"));

        Assert.True(exitCode == 1, $"exit code {exitCode}: {stderr}");
        Assert.Contains(
            "sluice-receiver: cannot listen on 192.0.2.1:4318 (receivers.otlp.protocols.http.endpoint): no network interface of this machine has that address. Set receivers.otlp.protocols.http.endpoint to one of its addresses",
            stderr,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SpoolFolderUnderAFile_ExitsWith1NamingTheFileAndKey()
    {
        using var folder = new TempFolder();
        string file = Path.Combine(folder.Path, "not-a-folder");
        await File.WriteAllTextAsync(file, "x");

        var (exitCode, stderr) = await RunAsync(folder, httpEndpoint: $"127.0.0.1:{FreePort.Get()}", spoolDirectory: Path.Combine(file, "spool"));

        Assert.True(exitCode == 1, $"exit code {exitCode}: {stderr}");
        Assert.Contains(
            $"sluice-receiver: cannot open the spool in '{file}/spool' (extensions.file_storage.directory): '{file}' is a file, not a folder. Set extensions.file_storage.directory to a folder",
            stderr,
            StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_NotASocketFailure_Null()
    {
        Assert.Null(StartupFailure.DescribeListenFailure(new IOException("disk full"), Listeners));
    }

    // Runs the receiver on a config of its own (no ClickHouse behind it: it must not get that far).
    private static async Task<(int ExitCode, string StandardError)> RunAsync(TempFolder folder, string httpEndpoint, string spoolDirectory)
    {
        int grpc = FreePort.Get();
        int health = FreePort.GetOtherThan(grpc);
        string config = Path.Combine(folder.Path, "receiver.yaml");
        await File.WriteAllTextAsync(config, $"""
            receivers:
              otlp:
                protocols:
                  grpc:
                    endpoint: 127.0.0.1:{grpc}
                  http:
                    endpoint: {httpEndpoint}
                auth:
                  authenticator: bearertokenauth
            processors:
              batch:
            exporters:
              clickhouse:
                endpoint: http://127.0.0.1:{FreePort.GetOtherThan(grpc, health)}
            extensions:
              bearertokenauth:
                keys:
                  - key: {ReceiverProcess.ApiKey}
                    product: {ReceiverProcess.Product}
              health_check:
                endpoint: 127.0.0.1:{health}
              file_storage:
                directory: {spoolDirectory}
            service:
              extensions: [bearertokenauth, health_check, file_storage]
              pipelines:
                logs:
                  receivers: [otlp]
                  processors: [batch]
                  exporters: [clickhouse]
            """);
        return await ReceiverProcess.RunToExitAsync(config, TimeSpan.FromSeconds(60));
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sluice-startup-" + Guid.NewGuid().ToString("N")[..8])).FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
