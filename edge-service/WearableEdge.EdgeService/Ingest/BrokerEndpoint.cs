using System.Diagnostics.CodeAnalysis;

namespace WearableEdge.EdgeService.Ingest;

/// <summary>The broker the service connects to, external or embedded, resolved once at start-up.</summary>
/// <param name="Host">Host name or address.</param>
/// <param name="Port">TCP port.</param>
/// <param name="IsEmbedded">True when the service runs the broker itself.</param>
public sealed record BrokerEndpoint(string Host, int Port, bool IsEmbedded)
{
    public Uri Uri => new($"mqtt://{Host}:{Port}");

    public override string ToString() => $"{(IsEmbedded ? "embedded " : "")}mqtt://{Host}:{Port}";

    /// <summary>Parses <c>mqtt://host[:port]</c> (also <c>tcp://</c>); the port defaults to 1883.</summary>
    public static bool TryParse(string url, [NotNullWhen(true)] out BrokerEndpoint? endpoint, out string error)
    {
        endpoint = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("mqtt" or "tcp"))
        {
            error = $"'{url}' is not a broker URL of the form mqtt://host:port.";
            return false;
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            error = $"'{url}' has no host.";
            return false;
        }

        endpoint = new BrokerEndpoint(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 1883 : uri.Port, IsEmbedded: false);
        error = "";
        return true;
    }
}
