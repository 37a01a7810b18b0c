using Microsoft.Extensions.Logging;

namespace WearableEdge.EdgeService;

/// <summary>Transport and data-folder protection messages (event ids 1600–1619). Paths and certificate names only, never patient data.</summary>
internal static partial class Log
{
    [LoggerMessage(1600, LogLevel.Information, "HTTPS certificate {Subject} (thumbprint {Thumbprint}) valid until {NotAfter:u}; HSTS max-age {HstsMaxAge}")]
    public static partial void HttpsCertificateLoaded(ILogger logger, string subject, string thumbprint, DateTimeOffset notAfter, TimeSpan hstsMaxAge);

    [LoggerMessage(1601, LogLevel.Warning, "HTTPS certificate {Subject} expires on {NotAfter:u}, in less than 30 days")]
    public static partial void HttpsCertificateExpiresSoon(ILogger logger, string subject, DateTimeOffset notAfter);

    [LoggerMessage(1602, LogLevel.Warning, "Plain HTTP is served beyond loopback (Https:AllowPlainHttpBeyondLoopback=true): only safe behind a TLS-terminating proxy on a private network")]
    public static partial void PlainHttpBeyondLoopbackAllowed(ILogger logger);

    [LoggerMessage(1603, LogLevel.Warning, "Data folder item {Path} was accessible to other users (mode {OldMode}); restricted to the service user ({NewMode})")]
    public static partial void DataPermissionRestricted(ILogger logger, string path, string oldMode, string newMode);
}
