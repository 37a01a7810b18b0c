using Microsoft.Extensions.Options;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Tests.Sync;

[Collection(SiteKeyEnvironment.Name)]
public sealed class SyncOptionsValidatorTests : IDisposable
{
    private readonly TestDataDirectory _folder = new();

    private static ValidateOptionsResult Validate(SyncOptions options) => new SyncOptionsValidator().Validate(null, options);

    private string KeyFile(string content)
    {
        var path = Path.Combine(_folder.Path, "site.key");
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Validate_NoUrl_SucceedsWithoutSiteKey()
    {
        using var _ = SiteKeyEnvironment.Set(null);

        Assert.True(Validate(new SyncOptions()).Succeeded);
    }

    [Fact]
    public void Validate_UrlWithoutSiteKey_NamesSyncSiteKeyFile()
    {
        using var _ = SiteKeyEnvironment.Set(null);

        var result = Validate(new SyncOptions { Url = "http://127.0.0.1:8086" });

        Assert.StartsWith("Sync:SiteKeyFile", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UrlWithMissingKeyFile_NamesSyncSiteKeyFile()
    {
        using var _ = SiteKeyEnvironment.Set(null);

        var result = Validate(new SyncOptions { Url = "http://127.0.0.1:8086", SiteKeyFile = Path.Combine(_folder.Path, "absent.key") });

        Assert.StartsWith("Sync:SiteKeyFile", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UrlWithKeyFile_Succeeds()
    {
        using var _ = SiteKeyEnvironment.Set(null);

        Assert.True(Validate(new SyncOptions { Url = "http://127.0.0.1:8086", SiteKeyFile = KeyFile("0123456789abcdef0123456789abcdef") }).Succeeded);
    }

    [Fact]
    public void Validate_UrlWithKeyInEnvironment_Succeeds()
    {
        using var _ = SiteKeyEnvironment.Set("0123456789abcdef0123456789abcdef");

        Assert.True(Validate(new SyncOptions { Url = "http://127.0.0.1:8086" }).Succeeded);
    }

    [Fact]
    public void Validate_KeyFileShorterThanMinimum_NamesSyncSiteKeyFile()
    {
        // The pseudonymizer rejects keys under 16 bytes; start-up validation should say so, naming the key.
        using var _ = SiteKeyEnvironment.Set(null);

        var result = Validate(new SyncOptions { Url = "http://127.0.0.1:8086", SiteKeyFile = KeyFile("short") });

        Assert.True(result.Failed, "a 5-byte site key passed validation");
        Assert.StartsWith("Sync:SiteKeyFile", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1")]
    [InlineData("127.0.0.1:8086")]
    public void Validate_UrlNotHttp_NamesSyncUrl(string url)
    {
        using var _ = SiteKeyEnvironment.Set("0123456789abcdef0123456789abcdef");

        Assert.StartsWith("Sync:Url", Assert.Single(Validate(new SyncOptions { Url = url }).Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MaxBackoffBelowInitial_NamesSyncInitialBackoff()
    {
        using var _ = SiteKeyEnvironment.Set("0123456789abcdef0123456789abcdef");

        var result = Validate(new SyncOptions { Url = "http://127.0.0.1:8086", InitialBackoff = TimeSpan.FromSeconds(10), MaxBackoff = TimeSpan.FromSeconds(5) });

        Assert.StartsWith("Sync:InitialBackoff", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadSiteKey_EnvironmentAndFile_EnvironmentWins()
    {
        using var _ = SiteKeyEnvironment.Set("from-environment-0123456789");

        var key = PatientPseudonymizer.ReadSiteKey(new SyncOptions { SiteKeyFile = KeyFile("from-file-0123456789") });

        Assert.Equal("from-environment-0123456789"u8.ToArray(), key);
    }

    [Fact]
    public void ReadSiteKey_FileWithTrailingNewline_IsTrimmed()
    {
        using var _ = SiteKeyEnvironment.Set(null);

        var key = PatientPseudonymizer.ReadSiteKey(new SyncOptions { SiteKeyFile = KeyFile("from-file-0123456789\n") });

        Assert.Equal("from-file-0123456789"u8.ToArray(), key);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(99)]
    public void Validate_MaxOutboxEntriesBelow100_NamesSyncMaxOutboxEntries(int max)
    {
        using var _ = SiteKeyEnvironment.Set("0123456789abcdef0123456789abcdef");

        var result = Validate(new SyncOptions { Url = "http://127.0.0.1:8086", MaxOutboxEntries = max });

        Assert.StartsWith("Sync:MaxOutboxEntries", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MaxOutboxEntries100_Succeeds()
    {
        using var _ = SiteKeyEnvironment.Set("0123456789abcdef0123456789abcdef");

        Assert.True(Validate(new SyncOptions { Url = "http://127.0.0.1:8086", MaxOutboxEntries = 100 }).Succeeded);
    }
}
