using System.Net;
using System.Net.Sockets;

namespace WearableEdge.IntegrationTests.Fixtures;

/// <summary>Hands out loopback TCP ports that were free a moment ago.</summary>
public static class FreePort
{
    /// <summary>
    /// Returns a TCP port on 127.0.0.1 that the kernel just assigned to a listener and released.
    /// Another process can take it before the caller binds it; fixtures that start a server
    /// retry with a new port when the server fails to start.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
