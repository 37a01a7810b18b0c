using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Auth;

/// <summary>
/// The command-line verbs <c>add-user</c> and <c>create-token</c>. Both work on the store named by
/// <c>--Storage:DataDirectory</c> (or any other configuration source, as the service reads it).
/// Exit codes: 0 done, 1 refused (user exists, unknown user), 2 usage or configuration error.
/// </summary>
public static class AuthCommands
{
    public const string AddUser = "add-user";
    public const string CreateToken = "create-token";

    public static bool IsVerb(string verb) => verb is AddUser or CreateToken;

    /// <param name="args">The verb, then its options and any configuration (<c>--Key=value</c>).</param>
    /// <param name="stdin">Where <c>add-user</c> reads the password without <c>--password-file</c>.</param>
    /// <param name="stdout">Where results go (the token, once).</param>
    /// <param name="stderr">Where messages and errors go.</param>
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length == 0 || !IsVerb(args[0]))
        {
            await stderr.WriteLineAsync($"Usage: {AddUser} --user NAME --role nurse|admin [--password-file F]  |  {CreateToken} --user NAME [--name LABEL] [--expires 30d]").ConfigureAwait(false);
            return 2;
        }

        var verb = args[0];
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var configuration = new List<string>();
        string[] known = ["--user", "--role", "--password-file", "--name", "--expires"];
        for (var i = 1; i < args.Length; i++)
        {
            if (known.Contains(args[i], StringComparer.Ordinal))
            {
                if (i + 1 >= args.Length)
                {
                    await stderr.WriteLineAsync($"{verb}: {args[i]} needs a value.").ConfigureAwait(false);
                    return 2;
                }

                options[args[i]] = args[++i];
            }
            else
            {
                configuration.Add(args[i]);
            }
        }

        if (!options.TryGetValue("--user", out var username))
        {
            await stderr.WriteLineAsync($"{verb}: --user NAME is required.").ConfigureAwait(false);
            return 2;
        }

        var storage = WebApplication.CreateBuilder([.. configuration]).Configuration
            .GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        if (new StorageOptionsValidator().Validate(null, storage) is { Failed: true } invalid)
        {
            await stderr.WriteLineAsync(invalid.FailureMessage).ConfigureAwait(false);
            return 2;
        }

        var database = new EdgeDatabase(Options.Create(storage));
        await database.MigrateAsync().ConfigureAwait(false);
        try
        {
            return verb == AddUser
                ? await AddUserAsync(new UserStore(database, TimeProvider.System), username, options, stdin, stdout, stderr).ConfigureAwait(false)
                : await CreateTokenAsync(new TokenStore(database, TimeProvider.System), username, options, stdout, stderr).ConfigureAwait(false);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    private static async Task<int> AddUserAsync(
        UserStore users, string username, Dictionary<string, string> options, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (!options.TryGetValue("--role", out var role) || !Roles.IsKnown(role))
        {
            await stderr.WriteLineAsync($"{AddUser}: --role nurse|admin is required.").ConfigureAwait(false);
            return 2;
        }

        string? password;
        if (options.TryGetValue("--password-file", out var file))
        {
            if (!PasswordPolicy.TryReadPasswordFile(file, out password, out var error))
            {
                await stderr.WriteLineAsync($"{AddUser}: --password-file: {error}").ConfigureAwait(false);
                return 2;
            }
        }
        else
        {
            password = await stdin.ReadLineAsync().ConfigureAwait(false);
        }

        try
        {
            var user = await users.AddAsync(username, password ?? "", role).ConfigureAwait(false);
            await stdout.WriteLineAsync($"User '{user.Username}' added with role {user.Role}.").ConfigureAwait(false);
            return 0;
        }
        catch (UserStoreException e)
        {
            await stderr.WriteLineAsync($"{AddUser}: {e.Message}").ConfigureAwait(false);
            return e.Message.Contains("already exists", StringComparison.Ordinal) ? 1 : 2;
        }
    }

    private static async Task<int> CreateTokenAsync(
        TokenStore tokens, string username, Dictionary<string, string> options, TextWriter stdout, TextWriter stderr)
    {
        TimeSpan? lifetime = null;
        if (options.TryGetValue("--expires", out var expires))
        {
            if (!TokenStore.TryParseLifetime(expires, out var parsed))
            {
                await stderr.WriteLineAsync($"{CreateToken}: --expires takes a lifetime such as 30d, 12h or 45m.").ConfigureAwait(false);
                return 2;
            }

            lifetime = parsed;
        }

        try
        {
            var issued = await tokens.CreateAsync(username, options.GetValueOrDefault("--name", "cli"), lifetime).ConfigureAwait(false);
            await stdout.WriteLineAsync(issued.Token).ConfigureAwait(false);
            await stderr.WriteLineAsync(
                $"Token {issued.Id} ('{issued.Name}') for '{issued.Username}', expires {(issued.ExpiresAt is { } at ? at.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "never")}. "
                + "It is shown only this once; the store keeps only its hash.").ConfigureAwait(false);
            return 0;
        }
        catch (UserStoreException e)
        {
            await stderr.WriteLineAsync($"{CreateToken}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
