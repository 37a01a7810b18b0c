using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.EdgeService.Features;

/// <summary>
/// Where a sample becomes a feature. Samples from ingest are grouped per patient with Rx and fed
/// to that patient's <see cref="EventTimeWindower"/> (event time, bounded lateness); every window
/// it closes goes to the scoring stage. Rx stops at the channels on both sides, where back-pressure
/// starts: the loop awaits the bounded output before it takes the next sample.
/// </summary>
public sealed class FeaturePipeline(
    ChannelReader<WearableSample> samples,
    ChannelWriter<FeatureVector> windows,
    IOptions<FeatureOptions> options,
    EdgeMetrics metrics,
    ILogger<FeaturePipeline> logger) : BackgroundService
{
    /// <summary>
    /// Builds the per-patient windowing as an Rx query: each patient group gets its own windower,
    /// and each sample's disposition is reported to <paramref name="onDisposition"/>.
    /// </summary>
    public static IObservable<FeatureVector> WindowPerPatient(
        IObservable<WearableSample> source, WindowSpec spec, Action<SampleDisposition> onDisposition)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(onDisposition);
        return source
            .GroupBy(sample => sample.PatientId, StringComparer.Ordinal)
            .SelectMany(patient =>
            {
                var windower = new EventTimeWindower(patient.Key, spec);
                return patient.SelectMany(sample =>
                {
                    var result = windower.Add(sample);
                    onDisposition(result.Disposition);
                    return result.ClosedWindows;
                });
            });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var closed = new Queue<FeatureVector>();
        using var input = new Subject<WearableSample>();
        using var subscription = WindowPerPatient(input, options.Value.ToWindowSpec(), Count).Subscribe(closed.Enqueue);

        await foreach (var sample in samples.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                input.OnNext(sample);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                metrics.Sample("feature-error");
                Log.FeatureStageFailed(logger, e);
            }

            while (closed.TryDequeue(out var window))
            {
                await windows.WriteAsync(window, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private void Count(SampleDisposition disposition) => metrics.Sample(disposition switch
    {
        SampleDisposition.Accepted => "accepted",
        SampleDisposition.Duplicate => "duplicate",
        SampleDisposition.TooLate => "too-late",
        _ => disposition.ToString(),
    });
}
