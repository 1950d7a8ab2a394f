using System.Net;
using System.Net.Sockets;

namespace Sluice.Testing;

/// <summary>Finds TCP ports nobody listens on, so tests can run side by side.</summary>
public static class FreePort
{
    /// <summary>A port that was free a moment ago on loopback (the OS picks it).</summary>
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A free port that is none of <paramref name="taken"/> (ports got one after another may repeat once released).</summary>
    public static int GetOtherThan(params int[] taken)
    {
        while (true)
        {
            int port = Get();
            if (Array.IndexOf(taken, port) < 0)
            {
                return port;
            }
        }
    }
}
