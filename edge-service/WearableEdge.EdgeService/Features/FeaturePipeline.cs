using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Samples;
using WearableEdge.EdgeService.Scoring;
using WearableEdge.EdgeService.Sync;

namespace WearableEdge.EdgeService.Features;

/// <summary>A closed window: a sliding alert window, or a tumbling one-minute summary window.</summary>
public sealed record PatientWindow(FeatureVector Window, bool IsMinuteSummary);

/// <summary>
/// Where a sample becomes a feature. Samples from ingest are grouped per patient with Rx and fed
/// to that patient's <see cref="EventTimeWindower"/> (event time, bounded lateness); every window
/// it closes goes to the scoring stage. Rx stops at the channels on both sides, where back-pressure
/// starts: the loop awaits the bounded output before it takes the next sample. Samples are taken
/// in batches (<see cref="FeatureOptions.InputBatchDelay"/>), one wake-up for many.
/// </summary>
public sealed class FeaturePipeline(
    ChannelReader<WearableSample> samples,
    ChannelWriter<FeatureVector> windows,
    ChannelWriter<MinuteSummary> summaries,
    ChannelWriter<ModelInput> modelInputs,
    IOptions<FeatureOptions> options,
    IOptions<SyncOptions> sync,
    EdgeMetrics metrics,
    ILogger<FeaturePipeline> logger,
    SampleQualityCounts? qualityCounts = null) : BackgroundService
{
    /// <summary>
    /// Builds the per-patient windowing as an Rx query: each patient group gets its own windower,
    /// and each sample's disposition is reported to <paramref name="onDisposition"/>.
    /// </summary>
    public static IObservable<FeatureVector> WindowPerPatient(
        IObservable<WearableSample> source, WindowSpec spec, Action<SampleDisposition> onDisposition) =>
        WindowPerPatient(source, spec, minuteSpec: null, onDisposition).Select(w => w.Window);

    /// <summary>
    /// As above, and with <paramref name="minuteSpec"/> also tumbling one-minute windows per
    /// patient, from the same samples and the same feature code. Dispositions are those of the
    /// alert windows.
    /// </summary>
    public static IObservable<PatientWindow> WindowPerPatient(
        IObservable<WearableSample> source, WindowSpec spec, WindowSpec? minuteSpec, Action<SampleDisposition> onDisposition)
    {
        ArgumentNullException.ThrowIfNull(onDisposition);
        return WindowPerPatient(source, spec, minuteSpec, (_, disposition) => onDisposition(disposition));
    }

    /// <summary>As above, reporting each sample with its disposition (for per-patient counts).</summary>
    public static IObservable<PatientWindow> WindowPerPatient(
        IObservable<WearableSample> source, WindowSpec spec, WindowSpec? minuteSpec, Action<WearableSample, SampleDisposition> onDisposition)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(onDisposition);
        return source
            .GroupBy(sample => sample.PatientId, StringComparer.Ordinal)
            .SelectMany(patient => Observable.Create<PatientWindow>(observer =>
            {
                // Each patient's windowers live as long as its group. Closed windows are pushed as
                // they close: no enumerable is built per sample, most of which close nothing.
                var windower = new EventTimeWindower(patient.Key, spec);
                var minutes = minuteSpec is null ? null : new EventTimeWindower(patient.Key, minuteSpec);
                return patient.Subscribe(
                    sample =>
                    {
                        var result = windower.Add(sample);
                        onDisposition(sample, result.Disposition);
                        foreach (var window in result.ClosedWindows)
                        {
                            observer.OnNext(new PatientWindow(window, IsMinuteSummary: false));
                        }

                        if (minutes is not null && result.Disposition == SampleDisposition.Accepted)
                        {
                            foreach (var window in minutes.Add(sample).ClosedWindows)
                            {
                                observer.OnNext(new PatientWindow(window, IsMinuteSummary: true));
                            }
                        }
                    },
                    observer.OnError,
                    observer.OnCompleted);
            }));
    }

    /// <summary>Samples already waiting that make gathering pointless: take them at once.</summary>
    private const int SamplesWorthNoDelay = 256;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var closed = new Queue<PatientWindow>();
        var spec = options.Value.ToWindowSpec();
        // Minute summaries feed the deterioration model's hourly history always, and the store when synced.
        var syncSummaries = sync.Value.IsConfigured && sync.Value.SyncMinuteSummaries;
        var minuteSpec = MinuteSummary.Spec(spec);
        using var input = new Subject<WearableSample>();
        using var subscription = WindowPerPatient(input, spec, minuteSpec, Count).Subscribe(closed.Enqueue);

        var batchDelay = options.Value.InputBatchDelay;
        while (await samples.WaitToReadBatchAsync(batchDelay, SamplesWorthNoDelay, stoppingToken).ConfigureAwait(false))
        {
            while (samples.TryRead(out var sample))
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

                // Back-pressure: the next sample waits while scoring is behind.
                while (closed.TryDequeue(out var window))
                {
                    if (window.IsMinuteSummary)
                    {
                        var summary = MinuteSummary.From(window.Window);
                        await modelInputs.WriteAsync(new ModelInput.Minute(summary), stoppingToken).ConfigureAwait(false);
                        if (syncSummaries)
                        {
                            await summaries.WriteAsync(summary, stoppingToken).ConfigureAwait(false);
                        }
                    }
                    else
                    {
                        await windows.WriteAsync(window.Window, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    private void Count(WearableSample sample, SampleDisposition disposition)
    {
        qualityCounts?.Record(sample.PatientId, disposition);
        metrics.Sample(disposition switch
        {
            SampleDisposition.Accepted => "accepted",
            SampleDisposition.Duplicate => "duplicate",
            SampleDisposition.TooLate => "too-late",
            SampleDisposition.PoorSignal => "poor-signal",
            SampleDisposition.Implausible => "implausible",
            _ => disposition.ToString(),
        });
    }
}
