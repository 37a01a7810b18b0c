using Microsoft.Extensions.Time.Testing;
using WearableEdge.EdgeService.Auth;

namespace WearableEdge.EdgeService.Tests.Auth;

public sealed class TokenStoreTests : IDisposable
{
    private readonly TestDataDirectory _data = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => _data.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAsync_StoresOnlyTheHash_AndTheTokenActsAsItsUser()
    {
        var (database, tokens) = await StoresAsync();

        var issued = await tokens.CreateAsync("robot", "monitor", lifetime: null, Ct);

        Assert.StartsWith(TokenStore.Prefix, issued.Token, StringComparison.Ordinal);
        Assert.Equal(0, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM api_tokens WHERE token_hash = $t OR name = $t;", ("$t", issued.Token)));
        Assert.Equal(1, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM api_tokens WHERE token_hash = $h;", ("$h", TokenStore.Hash(issued.Token))));
        Assert.Equal(new EdgeUser("robot", Roles.Admin), await tokens.AuthenticateAsync(issued.Token, Ct));
        Assert.Null(await tokens.AuthenticateAsync(issued.Token + "x", Ct));
    }

    [Fact]
    public async Task AuthenticateAsync_AfterExpiry_IsNull()
    {
        var (_, tokens) = await StoresAsync();
        var issued = await tokens.CreateAsync("robot", "short-lived", TimeSpan.FromDays(30), Ct);

        _time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        var before = await tokens.AuthenticateAsync(issued.Token, Ct);
        _time.Advance(TimeSpan.FromSeconds(1));
        var after = await tokens.AuthenticateAsync(issued.Token, Ct);

        Assert.NotNull(before);
        Assert.Null(after);
        Assert.Equal(_time.GetUtcNow(), issued.ExpiresAt);
    }

    [Fact]
    public async Task RevokeAsync_ById_EndsOnlyThatToken()
    {
        var (_, tokens) = await StoresAsync();
        var first = await tokens.CreateAsync("robot", "one", lifetime: null, Ct);
        var second = await tokens.CreateAsync("robot", "two", lifetime: null, Ct);

        Assert.True(await tokens.RevokeAsync(first.Id, Ct));
        Assert.False(await tokens.RevokeAsync("0000000000000000", Ct));

        Assert.Null(await tokens.AuthenticateAsync(first.Token, Ct));
        Assert.NotNull(await tokens.AuthenticateAsync(second.Token, Ct));
        var listed = await tokens.ListAsync(Ct);
        Assert.Equal([true, false], listed.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => t.Revoked));
    }

    [Fact]
    public async Task CreateAsync_UnknownUser_Throws()
    {
        var (_, tokens) = await StoresAsync();

        await Assert.ThrowsAsync<UserStoreException>(() => tokens.CreateAsync("ghost", "x", lifetime: null, Ct));
    }

    [Theory]
    [InlineData("30d", 30 * 24 * 60)]
    [InlineData("12h", 12 * 60)]
    [InlineData("45m", 45)]
    [InlineData("1.00:00:00", 24 * 60)]
    public void TryParseLifetime_Units(string text, int minutes)
    {
        Assert.True(TokenStore.TryParseLifetime(text, out var lifetime));
        Assert.Equal(TimeSpan.FromMinutes(minutes), lifetime);
    }

    [Theory]
    [InlineData("0d")]
    [InlineData("-1d")]
    [InlineData("soon")]
    public void TryParseLifetime_Nonsense_IsFalse(string text) => Assert.False(TokenStore.TryParseLifetime(text, out _));

    private async Task<(WearableEdge.EdgeService.Storage.EdgeDatabase Database, TokenStore Tokens)> StoresAsync()
    {
        var database = await _data.MigratedDatabaseAsync();
        await new UserStore(database, _time).AddAsync("robot", "robot-password-123", Roles.Admin, Ct);
        return (database, new TokenStore(database, _time));
    }
}
