using System.Text;
using InfluxDB.Client.Core.Exceptions;
using Microsoft.Extensions.Options;
using WearableEdge.EdgeService.Storage;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Tests.Sync;

public sealed class TimeSeriesTargetTests : IDisposable
{
    private readonly TimeSeriesTarget _target = new(
        Options.Create(new SyncOptions { Url = "http://127.0.0.1:9", WriteTimeout = TimeSpan.FromSeconds(5) }),
        new PatientPseudonymizer(Encoding.UTF8.GetBytes("0123456789abcdef0123456789abcdef")));

    public void Dispose() => _target.Dispose();

    [Fact]
    public void Classify_Http429WithRetryAfter_IsHttp429WithThatDelay()
    {
        var failure = _target.Classify(new HttpException("too many requests", 429) { RetryAfter = 2 });

        Assert.Equal("http-429", failure.Kind);
        Assert.Equal(TimeSpan.FromSeconds(2), failure.RetryAfter);
    }

    [Fact]
    public void Classify_TooManyRequestsSubclass_IsHttp429WithThatDelay()
    {
        // InfluxDB.Client throws status-specific subclasses; they must classify like the base type.
        var failure = _target.Classify(new TooManyRequestsException("slow down") { RetryAfter = 7 });

        Assert.Equal(new DeliveryFailure("http-429", TimeSpan.FromSeconds(7)), failure);
    }

    [Fact]
    public void Classify_Http500WithoutRetryAfter_IsHttp500WithoutDelay()
    {
        var failure = _target.Classify(new HttpException("internal error", 500));

        Assert.Equal("http-500", failure.Kind);
        Assert.Null(failure.RetryAfter);
    }

    [Fact]
    public void Classify_Http503WithZeroRetryAfter_HasNoDelay()
    {
        Assert.Equal(new DeliveryFailure("http-503", null), _target.Classify(new HttpException("unavailable", 503) { RetryAfter = 0 }));
    }

    [Fact]
    public void Classify_HttpRequestException_IsUnreachable()
    {
        var failure = _target.Classify(new HttpRequestException("Connection refused"));

        Assert.Equal(new DeliveryFailure("unreachable", null), failure);
    }

    [Fact]
    public void Classify_HttpExceptionWithoutStatus_IsUnreachable()
    {
        Assert.Equal("unreachable", _target.Classify(new HttpException("no response", 0)).Kind);
    }

    [Fact]
    public void Classify_Timeout_IsTimeout()
    {
        Assert.Equal("timeout", _target.Classify(new TaskCanceledException()).Kind);
        Assert.Equal("timeout", _target.Classify(new TimeoutException()).Kind);
    }

    [Fact]
    public async Task DeliverAsync_NothingListening_ThrowsWhatClassifyCallsUnreachable()
    {
        // Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
        var entry = new OutboxEntry(1, TimeSeriesTarget.TargetName, OutboxKind.Alert, "al-1", "raised", TestAlerts.T0,
            System.Text.Json.JsonSerializer.Serialize(TestAlerts.Alert(id: "al-1"), WearableEdge.Contracts.ContractJsonContext.Default.AlertMessage), 0);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => _target.DeliverAsync([entry], TestContext.Current.CancellationToken));

        Assert.Equal("unreachable", _target.Classify(error).Kind);
    }

    [Theory]
    [InlineData(OutboxKind.VitalsSummary, "summary", true)]
    [InlineData(OutboxKind.Alert, "raised", true)]
    [InlineData(OutboxKind.Alert, "escalated", true)]
    [InlineData(OutboxKind.Alert, "resolved", false)]
    public void Takes_KindAndAction_SummariesAndRaisedOrEscalatedAlerts(string kind, string action, bool takes)
    {
        Assert.Equal(takes, _target.Takes(kind, action));
    }
}
