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
        string config = Path.Combine(Path.GetTempPath(), "sluice-startup-" + Guid.NewGuid().ToString("N")[..8] + ".yaml");
        int grpc = FreePort.Get();
        int health = FreePort.GetOtherThan(grpc);
        await File.WriteAllTextAsync(config, $"""
            receivers:
              otlp:
                protocols:
                  grpc:
                    endpoint: 127.0.0.1:{grpc}
                  http:
                    endpoint: 192.0.2.1:4318
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
                directory: {Path.ChangeExtension(config, null)}
            service:
              extensions: [bearertokenauth, health_check, file_storage]
              pipelines:
                logs:
                  receivers: [otlp]
                  processors: [batch]
                  exporters: [clickhouse]
            """);
        try
        {
            var (exitCode, stderr) = await ReceiverProcess.RunToExitAsync(config, TimeSpan.FromSeconds(60));

            Assert.True(exitCode == 1, $"exit code {exitCode}: {stderr}");
            Assert.Contains(
                "sluice-receiver: cannot listen on 192.0.2.1:4318 (receivers.otlp.protocols.http.endpoint): no network interface of this machine has that address. Set receivers.otlp.protocols.http.endpoint to one of its addresses",
                stderr,
                StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
            if (Directory.Exists(Path.ChangeExtension(config, null)))
            {
                Directory.Delete(Path.ChangeExtension(config, null), recursive: true);
            }
        }
    }

    [Fact]
    public void Describe_NotASocketFailure_Null()
    {
        Assert.Null(StartupFailure.DescribeListenFailure(new IOException("disk full"), Listeners));
    }
}
