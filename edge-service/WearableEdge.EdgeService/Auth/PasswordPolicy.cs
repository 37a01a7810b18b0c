using System.Diagnostics.CodeAnalysis;

namespace WearableEdge.EdgeService.Auth;

/// <summary>What a user name and a password must be. Returns the problem in words, or null when fine.</summary>
public static class PasswordPolicy
{
    /// <summary>
    /// Minimum password length, 12: NIST SP 800-63B (rev. 4) asks for at least 8 and recommends
    /// longer pass-phrases for single-factor accounts; a shared ward workstation is single-factor.
    /// </summary>
    public const int MinimumLength = 12;

    /// <summary>Longest password accepted (hashing cost stays bounded).</summary>
    public const int MaximumLength = 256;

    /// <summary>Longest user name.</summary>
    public const int MaximumUsernameLength = 64;

    public static string? Check(string? password) => password switch
    {
        null or "" => "no password given.",
        { Length: < MinimumLength } => $"the password must be at least {MinimumLength} characters long.",
        { Length: > MaximumLength } => $"the password must be at most {MaximumLength} characters long.",
        _ when string.IsNullOrWhiteSpace(password) => "the password must not be only spaces.",
        _ => null,
    };

    /// <summary>User names are staff ids: letters, digits and <c>. _ - @</c>, 1 to 64 characters.</summary>
    public static string? CheckUsername(string? username)
    {
        if (string.IsNullOrWhiteSpace(username))
        {
            return "a user name is required.";
        }

        if (username.Length > MaximumUsernameLength)
        {
            return $"a user name is at most {MaximumUsernameLength} characters.";
        }

        return username.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@')
            ? null
            : "a user name may contain only letters, digits and . _ - @";
    }

    /// <summary>Reads a password from the first line of a file (a trailing newline is not part of it).</summary>
    public static bool TryReadPasswordFile(string path, [NotNullWhen(true)] out string? password, [NotNullWhen(false)] out string? error)
    {
        try
        {
            using var reader = new StreamReader(path);
            password = reader.ReadLine() ?? "";
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            password = null;
            error = $"cannot read '{path}': {e.Message}";
            return false;
        }
    }
}
