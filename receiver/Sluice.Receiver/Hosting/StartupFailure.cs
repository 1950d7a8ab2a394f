using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Sluice.Receiver.Configuration;

namespace Sluice.Receiver.Hosting;

/// <summary>
/// Says why the receiver could not listen, in terms an operator can act on: which address, set by
/// which config key, what the system answered, and what to change. The commonest case is a port
/// another process already holds (an OpenTelemetry Collector listens on 4317 and 4318 by default).
/// </summary>
internal static class StartupFailure
{
    /// <summary>
    /// The message for a failure to listen on one of <paramref name="listeners"/>, or null when
    /// <paramref name="exception"/> is not one (the caller then reports it as it is).
    /// </summary>
    public static string? DescribeListenFailure(Exception exception, IReadOnlyList<(string Key, IPEndPoint Endpoint)> listeners)
    {
        SocketException? socket = null;
        string messages = string.Empty;
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            socket ??= e as SocketException;
            messages += e.Message + "\n";
        }

        if (socket is null)
        {
            return null;
        }

        // Kestrel names the address it failed on ("Failed to bind to address http://127.0.0.1:4317: ...");
        // when it does not, every address the config listens on is named.
        var failed = listeners.Where(l => Names(messages, l.Endpoint)).Take(1).ToList();
        if (failed.Count == 0 && socket.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            // Kestrel does not name the address then; the ones this machine does not have are the suspects.
            failed = [.. listeners.Where(l => !IsLocal(l.Endpoint.Address))];
        }

        if (failed.Count == 0)
        {
            failed = [.. listeners];
        }

        string where = string.Join(" or ", failed.Select(l => $"{l.Endpoint} ({l.Key})"));
        string key = failed.Count == 1 ? failed[0].Key : "the endpoint";
        string what = socket.SocketErrorCode switch
        {
            SocketError.AddressAlreadyInUse =>
                $"another process is already listening there. Stop it (an OpenTelemetry Collector listens on 4317 and 4318 by default), or set {key} to a free port",
            SocketError.AddressNotAvailable =>
                $"no network interface of this machine has that address. Set {key} to one of its addresses (127.0.0.1 for this machine only, 0.0.0.0 for all)",
            SocketError.AccessDenied =>
                $"the system refused it (ports below 1024 need root or CAP_NET_BIND_SERVICE). Set {key} to a port from 1024 up",
            _ => $"{socket.Message}. Check {key}",
        };
        return $"cannot listen on {where}: {what}.";
    }

    /// <summary>
    /// The message for a spool folder that cannot be opened (<paramref name="exception"/>, from
    /// <see cref="Spool.FileSpool.Open"/>): where, why, and what to set.
    /// </summary>
    public static string DescribeSpoolFailure(Exception exception, string directory)
    {
        // "Could not find a part of the path" is what .NET says when a parent is a file: name that file.
        string why = exception.Message;
        for (string? parent = Path.GetDirectoryName(Path.GetFullPath(directory)); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                why = $"'{parent}' is a file, not a folder.";
                break;
            }

            if (Directory.Exists(parent))
            {
                break;
            }
        }

        return $"cannot open the spool in '{directory}' (extensions.file_storage.directory): {why} "
            + "Set extensions.file_storage.directory to a folder the receiver's user can create and write, on a disk with room for max_size_mib.";
    }

    private static bool IsLocal(IPAddress address) =>
        ListenEndpoint.IsEveryInterface(address) || IPAddress.IsLoopback(address)
        || NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Any(u => u.Address.Equals(address));

    // Whether the text names the endpoint as a URL's address, e.g. "http://127.0.0.1:4317" and not "...:43170".
    private static bool Names(string text, IPEndPoint endpoint)
    {
        string address = "://" + endpoint;
        for (int at = text.IndexOf(address, StringComparison.Ordinal); at >= 0; at = text.IndexOf(address, at + 1, StringComparison.Ordinal))
        {
            int end = at + address.Length;
            if (end == text.Length || !char.IsAsciiDigit(text[end]))
            {
                return true;
            }
        }

        return false;
    }
}
