using System.Globalization;
using System.Net;

namespace Sluice.Receiver.Configuration;

/// <summary>
/// A listen address as the config writes it, <c>host:port</c>: the host an IP address (IPv6 in
/// brackets), <c>localhost</c>, or empty or <c>0.0.0.0</c> for every interface. One reading for
/// the config's checks and for the listeners the host opens.
/// </summary>
internal static class ListenEndpoint
{
    /// <summary>Splits <c>host:port</c> (brackets removed from an IPv6 host); false when it is not of that form or the port is over 65535.</summary>
    public static bool TrySplit(string endpoint, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        int colon = endpoint.LastIndexOf(':');
        if (colon < 0
            || !int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            || port > 65535)
        {
            return false;
        }

        bool bracketed = endpoint.StartsWith('[') && endpoint[colon - 1] == ']';
        if (!bracketed && endpoint.IndexOf(':', StringComparison.Ordinal) != colon)
        {
            return false;
        }

        host = bracketed ? endpoint[1..(colon - 1)] : endpoint[..colon];
        return true;
    }

    /// <summary>The address a host names, or null when it is not an IP address or <c>localhost</c>.</summary>
    public static IPAddress? Address(string host) =>
        host.Length == 0 ? IPAddress.Any
        : host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : IPAddress.TryParse(host, out IPAddress? address) ? address
        : null;

    /// <summary>Whether <paramref name="address"/> means every interface (0.0.0.0 or [::]).</summary>
    public static bool IsEveryInterface(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    /// <summary>The endpoint of a listen address the config has already checked.</summary>
    public static IPEndPoint Parse(string endpoint) =>
        TrySplit(endpoint, out string host, out int port) && Address(host) is { } address
            ? new IPEndPoint(address, port)
            : throw new FormatException($"'{endpoint}' is not a listen address (host:port with an IP address or localhost).");
}
