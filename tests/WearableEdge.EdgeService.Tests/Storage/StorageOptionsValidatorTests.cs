using Microsoft.Extensions.Options;
using WearableEdge.EdgeService.Storage;

namespace WearableEdge.EdgeService.Tests.Storage;

public sealed class StorageOptionsValidatorTests : IDisposable
{
    private readonly TestDataDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private ValidateOptionsResult Validate(Action<StorageOptions> configure)
    {
        var options = new StorageOptions { DataDirectory = _folder.Path };
        configure(options);
        return new StorageOptionsValidator().Validate(null, options);
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(Validate(_ => { }).Succeeded);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-01:00:00")]
    public void Validate_RawRetentionNotPositive_NamesStorageRawRetention(string retention)
    {
        var result = Validate(o => o.RawRetention = TimeSpan.Parse(retention, System.Globalization.CultureInfo.InvariantCulture));

        Assert.StartsWith("Storage:RawRetention", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_001)]
    public void Validate_PurgeBatchSizeOutOfRange_NamesStoragePurgeBatchSize(int batch)
    {
        var result = Validate(o => o.PurgeBatchSize = batch);

        Assert.StartsWith("Storage:PurgeBatchSize", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralBadKeys_NamesEachOne()
    {
        var result = Validate(o =>
        {
            o.RawRetention = TimeSpan.Zero;
            o.SyncedOutboxRetention = TimeSpan.FromHours(-1);
            o.PurgeInterval = TimeSpan.Zero;
            o.PurgeBatchSize = 0;
            o.RawQueueCapacity = 0;
            o.RawBatchSize = 0;
        });

        var failures = string.Join("\n", result.Failures!);
        foreach (var key in new[] { "Storage:RawRetention", "Storage:SyncedOutboxRetention", "Storage:PurgeInterval", "Storage:PurgeBatchSize", "Storage:RawQueueCapacity", "Storage:RawBatchSize" })
        {
            Assert.Contains(key, failures, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_ZeroSyncedOutboxRetention_IsAllowed()
    {
        Assert.True(Validate(o => o.SyncedOutboxRetention = TimeSpan.Zero).Succeeded);
    }
}
