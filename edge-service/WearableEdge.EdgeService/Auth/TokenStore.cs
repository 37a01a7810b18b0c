using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Auth;

/// <summary>A bearer token just created: <see cref="Token"/> is shown once and never stored.</summary>
public sealed record IssuedToken(string Token, string Id, string Name, string Username, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>A stored bearer token as an admin sees it: never the token itself.</summary>
public sealed record TokenInfo(string Id, string Name, string Username, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool Revoked);

/// <summary>
/// Bearer tokens for machine clients (<c>api_tokens</c>): 256 random bits, given out once as
/// <c>wet_</c> + base64url and stored only as their SHA-256 hash. A token acts as its user,
/// with that user's role, until it expires, is revoked, or the user is disabled. Its public
/// id is the first 16 hex digits of the hash.
/// </summary>
public sealed class TokenStore(EdgeDatabase database, TimeProvider timeProvider)
{
    /// <summary>Every token starts with this, so a leaked one is easy to recognise and search for.</summary>
    public const string Prefix = "wet_";

    private const int IdLength = 16;

    /// <summary>Creates a token for an existing, enabled user; throws <see cref="UserStoreException"/> if there is none.</summary>
    /// <param name="username">The user the token acts as.</param>
    /// <param name="name">A label saying what the token is for (e.g. the client's name).</param>
    /// <param name="lifetime">How long the token is valid; null for no expiry.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task<IssuedToken> CreateAsync(string username, string name, TimeSpan? lifetime, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (lifetime is { } span && span <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A token lifetime must be positive.");
        }

        var now = timeProvider.GetUtcNow();
        var token = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var hash = Hash(token);
        var expires = lifetime is { } l ? now + l : (DateTimeOffset?)null;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO api_tokens (token_hash, name, username, created_at, expires_at)
            SELECT $hash, $name, username, $now, $expires FROM users WHERE username = $username AND disabled = 0
            RETURNING username;
            """;
        command.Parameters.AddWithValue("$hash", hash);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$username", username);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$expires", expires is { } e ? e.ToUnixTimeMilliseconds() : DBNull.Value);
        var stored = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string
            ?? throw new UserStoreException($"no user named '{username}'.");
        return new IssuedToken(token, hash[..IdLength], name, stored, now, expires);
    }

    /// <summary>The user a token acts as, or null if the token is unknown, revoked, expired or its user disabled.</summary>
    public async Task<EdgeUser?> AuthenticateAsync(string token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token) || !token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 128)
        {
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT u.username, u.role FROM api_tokens t JOIN users u ON u.username = t.username
            WHERE t.token_hash = $hash AND t.revoked = 0 AND u.disabled = 0 AND (t.expires_at IS NULL OR t.expires_at > $now);
            """;
        command.Parameters.AddWithValue("$hash", Hash(token));
        command.Parameters.AddWithValue("$now", timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? new EdgeUser(reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>Revokes the token with this id; false if there is none.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(id) || id.Length != IdLength || !id.All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE api_tokens SET revoked = 1 WHERE substr(token_hash, 1, 16) = $id;";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>Every stored token, newest first.</summary>
    public async Task<IReadOnlyList<TokenInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT token_hash, name, username, created_at, expires_at, revoked FROM api_tokens ORDER BY created_at DESC;";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var tokens = new List<TokenInfo>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tokens.Add(new TokenInfo(
                reader.GetString(0)[..IdLength],
                reader.GetString(1),
                reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                reader.GetInt64(5) != 0));
        }

        return tokens;
    }

    /// <summary>Parses a lifetime such as <c>30d</c>, <c>12h</c>, <c>45m</c> or a TimeSpan (<c>7.00:00:00</c>).</summary>
    public static bool TryParseLifetime(string? text, out TimeSpan lifetime)
    {
        lifetime = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var unit = text[^1];
        if (unit is 'd' or 'h' or 'm' && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            lifetime = unit switch { 'd' => TimeSpan.FromDays(n), 'h' => TimeSpan.FromHours(n), _ => TimeSpan.FromMinutes(n) };
            return true;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out lifetime) && lifetime > TimeSpan.Zero;
    }

    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
