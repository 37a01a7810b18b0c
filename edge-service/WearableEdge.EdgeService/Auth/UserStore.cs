using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Auth;

/// <summary>A signed-in person or machine client: who, and in which role.</summary>
public sealed record EdgeUser(string Username, string Role);

/// <summary>Raised when a user name is taken, unknown, or a password breaks <see cref="PasswordPolicy"/>; the message says which.</summary>
public sealed class UserStoreException(string message) : Exception(message);

/// <summary>
/// Nurses and admins in the local store (<c>users</c>). Passwords are kept only as ASP.NET Core
/// Identity <see cref="PasswordHasher{TUser}"/> hashes (PBKDF2-HMAC-SHA512, salted, 100,000
/// iterations in its V3 format); user names compare case-insensitively.
/// </summary>
public sealed class UserStore(EdgeDatabase database, TimeProvider timeProvider)
{
    private static readonly PasswordHasher<EdgeUser> Hasher = new();

    /// <summary>Hash checked when the user is unknown, so an unknown name costs as long as a wrong password.</summary>
    private static readonly string DecoyHash = Hasher.HashPassword(new EdgeUser("decoy", Roles.Nurse), Guid.NewGuid().ToString("N"));

    /// <summary>Adds a user; throws <see cref="UserStoreException"/> if the name is taken or the name, password or role is not acceptable.</summary>
    public async Task<EdgeUser> AddAsync(string username, string password, string role, CancellationToken cancellationToken = default)
    {
        var user = Checked(username, password, role);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO users (username, password_hash, role, created_at) VALUES ($username, $hash, $role, $now);";
        command.Parameters.AddWithValue("$username", user.Username);
        command.Parameters.AddWithValue("$hash", Hasher.HashPassword(user, password));
        command.Parameters.AddWithValue("$role", user.Role);
        command.Parameters.AddWithValue("$now", timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new UserStoreException($"a user named '{user.Username}' already exists.");
        }

        return user;
    }

    /// <summary>Replaces a user's password (and enables the account); throws <see cref="UserStoreException"/> if unknown or too weak.</summary>
    public async Task SetPasswordAsync(string username, string password, CancellationToken cancellationToken = default)
    {
        if (PasswordPolicy.Check(password) is { } weak)
        {
            throw new UserStoreException(weak);
        }

        var user = await FindAsync(username, cancellationToken).ConfigureAwait(false)
            ?? throw new UserStoreException($"no user named '{username}'.");
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE users SET password_hash = $hash, disabled = 0 WHERE username = $username;";
        command.Parameters.AddWithValue("$username", user.Username);
        command.Parameters.AddWithValue("$hash", Hasher.HashPassword(user, password));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The user if the password is right and the account enabled; otherwise null (never says which part was wrong).</summary>
    public async Task<EdgeUser?> VerifyAsync(string username, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        var row = await ReadAsync(username, cancellationToken).ConfigureAwait(false);
        if (row is not { Disabled: false } found)
        {
            Hasher.VerifyHashedPassword(new EdgeUser("decoy", Roles.Nurse), DecoyHash, password);
            return null;
        }

        var result = Hasher.VerifyHashedPassword(found.User, found.Hash, password);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await SetPasswordAsync(found.User.Username, password, cancellationToken).ConfigureAwait(false);
        }

        return result == PasswordVerificationResult.Failed ? null : found.User;
    }

    /// <summary>An enabled user by name (case-insensitive), or null.</summary>
    public async Task<EdgeUser?> FindAsync(string username, CancellationToken cancellationToken = default) =>
        await ReadAsync(username, cancellationToken).ConfigureAwait(false) is { Disabled: false } row ? row.User : null;

    /// <summary>Whether any enabled admin exists.</summary>
    public async Task<bool> AnyAdminAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND disabled = 0);";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    private static EdgeUser Checked(string username, string password, string role)
    {
        if (PasswordPolicy.CheckUsername(username) is { } badName)
        {
            throw new UserStoreException(badName);
        }

        if (!Roles.IsKnown(role))
        {
            throw new UserStoreException($"the role must be '{Roles.Nurse}' or '{Roles.Admin}'.");
        }

        if (PasswordPolicy.Check(password) is { } weak)
        {
            throw new UserStoreException(weak);
        }

        return new EdgeUser(username, role);
    }

    private async Task<(EdgeUser User, string Hash, bool Disabled)?> ReadAsync(string username, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(username) || username.Length > PasswordPolicy.MaximumUsernameLength)
        {
            return null;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT username, role, password_hash, disabled FROM users WHERE username = $username;";
        command.Parameters.AddWithValue("$username", username);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return (new EdgeUser(reader.GetString(0), reader.GetString(1)), reader.GetString(2), reader.GetInt64(3) != 0);
    }
}
