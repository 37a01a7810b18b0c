using Microsoft.Extensions.Time.Testing;
using WearableEdge.EdgeService.Auth;

namespace WearableEdge.EdgeService.Tests.Auth;

public sealed class UserStoreTests : IDisposable
{
    private const string Password = "correct horse battery";
    private readonly TestDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddAsync_StoresASaltedHashNeverThePassword()
    {
        var database = await _data.MigratedDatabaseAsync();
        var users = new UserStore(database, new FakeTimeProvider());

        await users.AddAsync("alice", Password, Roles.Nurse, Ct);
        await users.AddAsync("bob", Password, Roles.Nurse, Ct);

        var alice = (string)(await SqlQueries.ScalarAsync(database, "SELECT password_hash FROM users WHERE username = 'alice';"))!;
        var bob = (string)(await SqlQueries.ScalarAsync(database, "SELECT password_hash FROM users WHERE username = 'bob';"))!;
        Assert.DoesNotContain(Password, alice, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Password)), alice, StringComparison.Ordinal);
        // Identity V3 layout: marker 0x01, PRF (2 = HMAC-SHA512), iterations, salt length, all big-endian (docs/configuration.md).
        var bytes = Convert.FromBase64String(alice);
        Assert.Equal(0x01, bytes[0]);
        Assert.Equal(2u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)));
        Assert.Equal(100_000u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)));
        Assert.Equal(16u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9)));
        Assert.NotEqual(alice, bob); // Salted: the same password hashes differently.
        Assert.Equal(0, await SqlQueries.CountAsync(database, "SELECT COUNT(*) FROM users WHERE instr(password_hash, $p) > 0;", ("$p", Password)));
    }

    [Fact]
    public async Task VerifyAsync_RightWrongUnknownDisabled()
    {
        var database = await _data.MigratedDatabaseAsync();
        var users = new UserStore(database, new FakeTimeProvider());
        await users.AddAsync("alice", Password, Roles.Admin, Ct);

        Assert.Equal(new EdgeUser("alice", Roles.Admin), await users.VerifyAsync("Alice", Password, Ct));
        Assert.Null(await users.VerifyAsync("alice", Password + "x", Ct));
        Assert.Null(await users.VerifyAsync("nobody", Password, Ct));
        await SqlQueries.ExecuteAsync(database, "UPDATE users SET disabled = 1;");
        Assert.Null(await users.VerifyAsync("alice", Password, Ct));
    }

    [Theory]
    [InlineData("alice", "short", "nurse", "at least 12 characters")]
    [InlineData("alice", Password, "doctor", "role must be")]
    [InlineData("al ice", Password, "nurse", "may contain only")]
    [InlineData("", Password, "nurse", "user name is required")]
    public async Task AddAsync_BreaksPolicy_ThrowsNamingTheRule(string username, string password, string role, string expected)
    {
        var users = new UserStore(await _data.MigratedDatabaseAsync(), new FakeTimeProvider());

        var error = await Assert.ThrowsAsync<UserStoreException>(() => users.AddAsync(username, password, role, Ct));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAsync_NameTakenInAnyCase_Throws()
    {
        var users = new UserStore(await _data.MigratedDatabaseAsync(), new FakeTimeProvider());
        await users.AddAsync("alice", Password, Roles.Nurse, Ct);

        var error = await Assert.ThrowsAsync<UserStoreException>(() => users.AddAsync("ALICE", Password, Roles.Admin, Ct));

        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
        Assert.False(await users.AnyAdminAsync(Ct));
    }
}
