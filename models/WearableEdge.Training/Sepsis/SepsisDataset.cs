using WearableEdge.Clinical.Features.Trends;
using WearableEdge.Clinical.Samples;
using WearableEdge.Clinical.Scoring;
using WearableEdge.Training.Learning;

namespace WearableEdge.Training.Sepsis;

/// <summary>
/// The hourly rows of the deterioration model: for each stay and each hour t, the features
/// <see cref="DeteriorationFeatures.Compute"/> gives for hours 0 … t (the same call the service
/// makes on its hourly summaries), the SepsisLabel of hour t, and the NEWS2 baseline of hour t
/// from the last value of each sign observed up to t (last observation carried forward, no limit,
/// because the ICU charts signs at different hours and NEWS2 is charted from the latest set).
/// </summary>
internal sealed class SepsisDataset
{
    /// <summary>Any fixed epoch: hour t of a stay starts at Epoch + t hours.</summary>
    private static readonly DateTimeOffset Epoch = new(2019, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private SepsisDataset(FeatureTable table, double[] news2, int[] septic, int[] neverObservedCounts)
    {
        Table = table;
        News2Totals = news2;
        SepticByPatient = septic;
        NeverObservedCounts = neverObservedCounts;
    }

    public FeatureTable Table { get; }

    /// <summary>NEWS2 total (wearable subset: RR, SpO2 scale 1, SBP, pulse, temperature) per row.</summary>
    public double[] News2Totals { get; }

    /// <summary>1 when the patient is ever labelled septic, else 0.</summary>
    public int[] SepticByPatient { get; }

    /// <summary>Rows in which each sign (in <see cref="DeteriorationFeatures.Signs"/> order) had never been observed.</summary>
    public int[] NeverObservedCounts { get; }

    public int Patients => Table.SubjectCount;

    public int Hours => Table.RowCount;

    public int SepticPatients => SepticByPatient.Sum();

    public static SepsisDataset Load(string dataPath, int? maxPatients, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var files = PhysioNetSepsisReader.PatientFiles(dataPath, maxPatients);
        var table = new FeatureTable(DeteriorationFeatures.Features.Count);
        var news2 = new List<double>();
        var septic = new List<int>();
        var neverObserved = new int[DeteriorationFeatures.Signs.Count];
        var features = new float[DeteriorationFeatures.Features.Count];
        foreach (var file in files)
        {
            var stay = PhysioNetSepsisReader.Read(file);
            table.BeginSubject();
            septic.Add(stay.Septic ? 1 : 0);
            var history = new HourlySummary[stay.Hours.Count];
            var carried = new double?[VitalSignCodes.All.Count];
            for (var t = 0; t < stay.Hours.Count; t++)
            {
                var vitals = stay.Hours[t];
                history[t] = new HourlySummary(Epoch.AddHours(t), vitals);
                var missing = DeteriorationFeatures.Compute(new ArraySegment<HourlySummary>(history, 0, t + 1), stay.AgeYears, features);
                foreach (var sign in missing)
                {
                    neverObserved[IndexOfSign(sign)]++;
                }

                table.Add(features, stay.Labels[t]);

                foreach (var sign in VitalSignCodes.All)
                {
                    if (vitals.Get(sign) is { } value && double.IsFinite(value))
                    {
                        carried[(int)sign] = value;
                    }
                }

                var latest = new VitalSigns(
                    carried[(int)VitalSign.HeartRate], carried[(int)VitalSign.SpO2], carried[(int)VitalSign.RespirationRate],
                    carried[(int)VitalSign.Temperature], carried[(int)VitalSign.SystolicBp]);
                news2.Add(News2.Score(latest).Total);
            }
        }

        log($"read {files.Count} stays, {table.RowCount} hourly rows");
        return new SepsisDataset(table, [.. news2], [.. septic], neverObserved);
    }

    private static int IndexOfSign(VitalSign sign)
    {
        for (var i = 0; i < DeteriorationFeatures.Signs.Count; i++)
        {
            if (DeteriorationFeatures.Signs[i] == sign)
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(sign), sign, null);
    }
}
