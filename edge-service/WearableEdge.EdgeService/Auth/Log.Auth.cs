using Microsoft.Extensions.Logging;

namespace WearableEdge.EdgeService;

/// <summary>
/// Sign-in and access messages (event ids 1500–1519). A failed sign-in logs a short fingerprint of
/// the user name, never the name itself nor the password: people type passwords into the user
/// name box, and the fingerprint still lets an operator see repeated attempts on one account.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1500, LogLevel.Warning, "Sign-in failed for user fingerprint {UserFingerprint} from {Client}")]
    public static partial void SignInFailed(ILogger logger, string userFingerprint, string client);

    [LoggerMessage(1501, LogLevel.Information, "Signed in: role {Role} from {Client}")]
    public static partial void SignedIn(ILogger logger, string role, string client);

    [LoggerMessage(1502, LogLevel.Warning, "Sign-in rate limit reached for {Client}; answering 429 for {RetryAfterSeconds} s")]
    public static partial void SignInRateLimited(ILogger logger, string client, int retryAfterSeconds);

    [LoggerMessage(1503, LogLevel.Information, "Created the bootstrap admin from Auth:BootstrapAdmin (the store had no admin)")]
    public static partial void BootstrapAdminCreated(ILogger logger);

    [LoggerMessage(1504, LogLevel.Information, "Bearer token {TokenId} created (label {Label}, expires {ExpiresAt})")]
    public static partial void TokenCreated(ILogger logger, string tokenId, string label, DateTimeOffset? expiresAt);

    [LoggerMessage(1505, LogLevel.Information, "Bearer token {TokenId} revoked")]
    public static partial void TokenRevoked(ILogger logger, string tokenId);

    [LoggerMessage(1506, LogLevel.Information, "User added with role {Role}")]
    public static partial void UserAdded(ILogger logger, string role);
}
