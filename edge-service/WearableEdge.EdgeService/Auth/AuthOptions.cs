using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Auth;

/// <summary>Sign-in, sessions and the first admin. Section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>
    /// How long a browser session lasts without activity (sliding). Default 12 h: one nursing shift,
    /// so a nurse signs in once per shift. Range 1 min to 7 days.
    /// </summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Sign-in attempts allowed per client IP address in each <see cref="SignInWindow"/>. Default 5. Range 1 to 1000.</summary>
    public int SignInAttempts { get; set; } = 5;

    /// <summary>The fixed window over which <see cref="SignInAttempts"/> counts. Default 1 min.</summary>
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Creates the first admin at start-up when the store has no admin yet.</summary>
    public BootstrapAdminOptions BootstrapAdmin { get; set; } = new();
}

/// <summary>Section <c>Auth:BootstrapAdmin</c>: both keys or neither.</summary>
public sealed class BootstrapAdminOptions
{
    /// <summary>User name of the admin to create when none exists. Default none (no bootstrap).</summary>
    public string? Username { get; set; }

    /// <summary>File whose first line is that admin's password (at least <see cref="PasswordPolicy.MinimumLength"/> characters).</summary>
    public string? PasswordFile { get; set; }

    internal bool IsConfigured => !string.IsNullOrWhiteSpace(Username) || !string.IsNullOrWhiteSpace(PasswordFile);
}

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (options.SessionLifetime < TimeSpan.FromMinutes(1) || options.SessionLifetime > TimeSpan.FromDays(7))
        {
            errors.AddError("Auth:SessionLifetime must be between 00:01:00 and 7.00:00:00.");
        }

        if (options.SignInAttempts is < 1 or > 1000)
        {
            errors.AddError("Auth:SignInAttempts must be between 1 and 1000.");
        }

        if (options.SignInWindow <= TimeSpan.Zero)
        {
            errors.AddError("Auth:SignInWindow must be positive.");
        }

        var bootstrap = options.BootstrapAdmin;
        if (bootstrap.IsConfigured)
        {
            if (PasswordPolicy.CheckUsername(bootstrap.Username) is { } badName)
            {
                errors.AddError($"Auth:BootstrapAdmin:Username: {badName}");
            }

            if (string.IsNullOrWhiteSpace(bootstrap.PasswordFile))
            {
                errors.AddError("Auth:BootstrapAdmin:PasswordFile must name a file holding the admin's password.");
            }
            else if (PasswordPolicy.TryReadPasswordFile(bootstrap.PasswordFile, out var password, out var readError) is false)
            {
                errors.AddError($"Auth:BootstrapAdmin:PasswordFile: {readError}");
            }
            else if (PasswordPolicy.Check(password) is { } weak)
            {
                errors.AddError($"Auth:BootstrapAdmin:PasswordFile: {weak}");
            }
        }

        return errors.Build();
    }
}
