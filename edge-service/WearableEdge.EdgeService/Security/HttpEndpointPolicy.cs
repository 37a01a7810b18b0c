using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace WearableEdge.EdgeService.Security;

/// <summary>The addresses the HTTP server is configured to listen on: <c>urls</c> (<c>--urls</c>, ASPNETCORE_URLS) and <c>Kestrel:Endpoints:*:Url</c>.</summary>
public sealed class HttpListenAddresses(IReadOnlyList<string> urls, bool kestrelCertificate = false)
{
    public IReadOnlyList<string> Urls { get; } = urls;

    /// <summary>True when Kestrel's own configuration gives the certificate (<c>Kestrel:Certificates:Default:Path</c>).</summary>
    public bool KestrelCertificate { get; } = kestrelCertificate;

    /// <summary>Reads the addresses from configuration; <paramref name="defaultUrl"/> when <c>urls</c> is unset.</summary>
    public static HttpListenAddresses From(IConfiguration configuration, string defaultUrl)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        var list = string.IsNullOrWhiteSpace(urls)
            ? [defaultUrl]
            : urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                list.Add(url);
            }
        }

        return new HttpListenAddresses(list, !string.IsNullOrWhiteSpace(configuration["Kestrel:Certificates:Default:Path"]));
    }
}

/// <summary>
/// Plain HTTP only on loopback: the pure rule behind the start-up check. A gateway on a ward
/// network carries session cookies, bearer tokens and patient data; without TLS anyone on that
/// network reads them.
/// </summary>
public static class HttpEndpointPolicy
{
    /// <summary>
    /// The errors, each naming the key to change; empty when the addresses are allowed.
    /// <paramref name="kestrelCertificate"/>: Kestrel's own configuration gives a default
    /// certificate (<c>Kestrel:Certificates:Default:Path</c>), an alternative to <c>Https:CertificatePath</c>.
    /// </summary>
    public static IReadOnlyList<string> Check(IEnumerable<string> urls, HttpsOptions https, bool kestrelCertificate = false)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentNullException.ThrowIfNull(https);
        var errors = new List<string>();
        var anyHttps = false;
        foreach (var url in urls)
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException e)
            {
                errors.Add($"urls: '{url}' is not an address: {e.Message}");
                continue;
            }

            if (string.Equals(address.Scheme, "https", StringComparison.OrdinalIgnoreCase))
            {
                anyHttps = true;
                if (!https.Enabled && !kestrelCertificate)
                {
                    errors.Add($"Https:CertificatePath: '{url}' serves HTTPS but no certificate is configured (set Https:CertificatePath, and Https:KeyPath for a PEM key).");
                }
            }
            else if (!IsLoopback(address) && !https.Enabled && !kestrelCertificate && !https.AllowPlainHttpBeyondLoopback)
            {
                errors.Add($"urls: '{url}' would serve plain HTTP beyond loopback. Listen on http://127.0.0.1:<port>, serve https://… with Https:CertificatePath, " +
                    "or, only behind a TLS-terminating proxy on a private network, set Https:AllowPlainHttpBeyondLoopback=true.");
            }
        }

        if (https.Enabled && !anyHttps)
        {
            errors.Add("urls: Https:CertificatePath is set but no address is https:// (for example --urls \"https://0.0.0.0:5443;http://127.0.0.1:5080\").");
        }

        return errors;
    }

    /// <summary>True for an address only this machine can reach: a loopback IP, <c>localhost</c> or a Unix socket.</summary>
    public static bool IsLoopback(BindingAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsUnixPipe || string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var host = address.Host.Trim('[', ']');
        return IPAddress.TryParse(host, out var ip) && IsLoopback(ip);
    }

    /// <summary>True for 127.0.0.0/8, ::1 and their IPv4-mapped IPv6 forms.</summary>
    public static bool IsLoopback(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
    }
}
