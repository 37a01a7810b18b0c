using System.Diagnostics.CodeAnalysis;

namespace WearableEdge.EdgeService.Ingest;

/// <summary>The broker the service connects to, external or embedded, resolved once at start-up.</summary>
/// <param name="Host">Host name or address.</param>
/// <param name="Port">TCP port.</param>
/// <param name="IsEmbedded">True when the service runs the broker itself.</param>
public sealed record BrokerEndpoint(string Host, int Port, bool IsEmbedded)
{
    /// <summary>Default port of MQTT over TCP (IANA).</summary>
    public const int DefaultPort = 1883;

    /// <summary>Default port of MQTT over TLS (IANA).</summary>
    public const int DefaultTlsPort = 8883;

    /// <summary>True for <c>mqtts://</c>: the connection is TLS and the broker's certificate is verified.</summary>
    public bool UseTls { get; init; }

    public Uri Uri => new($"{Scheme}://{Host}:{Port}");

    public override string ToString() => $"{(IsEmbedded ? "embedded " : "")}{Scheme}://{Host}:{Port}";

    private string Scheme => UseTls ? "mqtts" : "mqtt";

    /// <summary>
    /// Parses <c>mqtt://host[:port]</c> (also <c>tcp://</c>; port 1883 by default) or
    /// <c>mqtts://host[:port]</c> (also <c>ssl://</c>; TLS, port 8883 by default).
    /// </summary>
    public static bool TryParse(string url, [NotNullWhen(true)] out BrokerEndpoint? endpoint, out string error)
    {
        endpoint = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("mqtt" or "tcp" or "mqtts" or "ssl"))
        {
            error = $"'{url}' is not a broker URL of the form mqtt://host:port or mqtts://host:port.";
            return false;
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            error = $"'{url}' has no host.";
            return false;
        }

        var useTls = uri.Scheme is "mqtts" or "ssl";
        var port = uri.IsDefaultPort || uri.Port < 0 ? (useTls ? DefaultTlsPort : DefaultPort) : uri.Port;
        endpoint = new BrokerEndpoint(uri.Host, port, IsEmbedded: false) { UseTls = useTls };
        error = "";
        return true;
    }
}
