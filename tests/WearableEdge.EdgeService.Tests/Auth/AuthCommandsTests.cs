using WearableEdge.EdgeService.Auth;

namespace WearableEdge.EdgeService.Tests.Auth;

/// <summary>The <c>add-user</c> and <c>create-token</c> verbs against a real store folder.</summary>
public sealed class AuthCommandsTests : IDisposable
{
    private readonly TestDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddUser_PasswordOnStdin_ThenCreateToken_TokenAuthenticatesAsThatUser()
    {
        var (addCode, addOut, addErr) = await RunAsync("ward-nurse-password\n", "add-user", "--user", "nina", "--role", "nurse");
        var (tokenCode, tokenOut, tokenErr) = await RunAsync("", "create-token", "--user", "nina", "--name", "pager", "--expires", "30d");

        Assert.Equal(0, addCode);
        Assert.Contains("'nina' added with role nurse", addOut, StringComparison.Ordinal);
        Assert.Equal("", addErr);
        Assert.Equal(0, tokenCode);
        var token = tokenOut.Trim();
        Assert.StartsWith(TokenStore.Prefix, token, StringComparison.Ordinal);
        Assert.Contains("shown only this once", tokenErr, StringComparison.Ordinal);
        Assert.DoesNotContain(token, tokenErr, StringComparison.Ordinal);
        var database = _data.Database();
        Assert.Equal(new EdgeUser("nina", Roles.Nurse), await new TokenStore(database, TimeProvider.System).AuthenticateAsync(token, Ct));
        Assert.NotNull(await new UserStore(database, TimeProvider.System).VerifyAsync("nina", "ward-nurse-password", Ct));
    }

    [Fact]
    public async Task AddUser_PasswordFile_CreatesAdmin()
    {
        var file = Path.Combine(_data.Path, "pw.txt");
        await File.WriteAllTextAsync(file, "admin-password-from-file\n", Ct);

        var (code, _, _) = await RunAsync("", "add-user", "--user", "root", "--role", "admin", "--password-file", file);

        Assert.Equal(0, code);
        Assert.Equal(Roles.Admin, (await new UserStore(_data.Database(), TimeProvider.System).VerifyAsync("root", "admin-password-from-file", Ct))?.Role);
    }

    [Fact]
    public async Task AddUser_ShortPassword_Exit2NamingTheRule_ExistingUser_Exit1()
    {
        var (shortCode, _, shortErr) = await RunAsync("tooshort\n", "add-user", "--user", "nina", "--role", "nurse");
        await RunAsync("ward-nurse-password\n", "add-user", "--user", "nina", "--role", "nurse");
        var (againCode, _, againErr) = await RunAsync("ward-nurse-password\n", "add-user", "--user", "nina", "--role", "nurse");

        Assert.Equal(2, shortCode);
        Assert.Contains("at least 12 characters", shortErr, StringComparison.Ordinal);
        Assert.Equal(1, againCode);
        Assert.Contains("already exists", againErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateToken_UnknownUser_Exit1_BadExpiry_Exit2_NoRole_Exit2()
    {
        var (unknown, _, _) = await RunAsync("", "create-token", "--user", "ghost");
        var (badExpiry, _, expiryErr) = await RunAsync("", "create-token", "--user", "ghost", "--expires", "someday");
        var (noRole, _, roleErr) = await RunAsync("pw-pw-pw-pw-pw\n", "add-user", "--user", "x");

        Assert.Equal(1, unknown);
        Assert.Equal(2, badExpiry);
        Assert.Contains("--expires", expiryErr, StringComparison.Ordinal);
        Assert.Equal(2, noRole);
        Assert.Contains("--role", roleErr, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(string stdin, params string[] args)
    {
        using var input = new StringReader(stdin);
        await using var output = new StringWriter();
        await using var error = new StringWriter();
        var code = await AuthCommands.RunAsync([.. args, $"--Storage:DataDirectory={_data.Path}"], input, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
