using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Scoring;
using WearableEdge.EdgeService.Alerts;
using WearableEdge.EdgeService.Api;

namespace WearableEdge.EdgeService.Scoring;

/// <summary>A window with the scores computed over it.</summary>
public sealed record ScoredWindow(FeatureVector Window, News2Score News2, RiskScore Risk);

/// <summary>Scores each closed window with the NEWS2 wearable sub-score and passes it to alert evaluation.</summary>
public sealed class ScoringService(
    ChannelReader<FeatureVector> windows,
    ChannelWriter<ScoredWindow> scored,
    PatientBoard board,
    IOptions<AlertOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minimumCoverage = options.Value.MinimumCoverage;
        await foreach (var window in windows.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            var (news2, risk) = News2Scorer.Score(window, minimumCoverage);
            board.RecordScore(window, news2);
            await scored.WriteAsync(new ScoredWindow(window, news2, risk), stoppingToken).ConfigureAwait(false);
        }
    }
}
