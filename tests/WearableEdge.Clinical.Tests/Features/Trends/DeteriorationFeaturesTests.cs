using WearableEdge.Clinical.Features;
using WearableEdge.Clinical.Features.Trends;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Tests.Features.Trends;

public sealed class DeteriorationFeaturesTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static HourlySummary Hour(int index, VitalSigns vitals) => new(Start.AddHours(index), vitals);

    private static float[] Compute(IReadOnlyList<HourlySummary> history, double? age = 70)
    {
        var values = new float[DeteriorationFeatures.Features.Count];
        DeteriorationFeatures.Compute(history, age, values);
        return values;
    }

    private static float Feature(float[] values, string name)
    {
        var index = DeteriorationFeatures.Features.ToList().FindIndex(f => f.Name == name);
        Assert.True(index >= 0, $"no feature {name}");
        return values[index];
    }

    [Fact]
    public void Names_are_unique_and_every_sign_has_last_mean_slope_and_hours_since()
    {
        var names = DeteriorationFeatures.Features.Select(f => f.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal((DeteriorationFeatures.Signs.Count * 4) + 1, names.Count);
        Assert.Equal("age_years", names[^1]);
        Assert.Contains("spO2_slope_6h", names);
        Assert.Equal("%/h", DeteriorationFeatures.Features.Single(f => f.Name == "spO2_slope_6h").Unit);
    }

    [Fact]
    public void A_steady_fall_of_spo2_gives_its_slope_per_hour_and_the_six_hour_mean()
    {
        // SpO2 falls 1 % per hour for 8 hours: 98, 97, … 91.
        var history = Enumerable.Range(0, 8).Select(h => Hour(h, new VitalSigns(SpO2: 98 - h))).ToList();

        var values = Compute(history);

        Assert.Equal(91, Feature(values, "spO2_last"));
        Assert.Equal(-1.0, Feature(values, "spO2_slope_6h"), 5);
        Assert.Equal((96 + 95 + 94 + 93 + 92 + 91) / 6.0, Feature(values, "spO2_mean_6h"), 4);
        Assert.Equal(0, Feature(values, "spO2_hours_since"));
    }

    [Fact]
    public void Gaps_are_explicit_the_last_value_carries_and_hours_since_counts()
    {
        var history = new List<HourlySummary>
        {
            Hour(0, new VitalSigns(HeartRate: 80, RespirationRate: 18)),
            Hour(1, new VitalSigns(HeartRate: 90)),
            Hour(4, new VitalSigns(HeartRate: 110)),
            Hour(5, default),
        };

        var values = Compute(history);

        Assert.Equal(110, Feature(values, "heartRate_last"));
        Assert.Equal(1, Feature(values, "heartRate_hours_since"));
        Assert.Equal(18, Feature(values, "respirationRate_last"));
        Assert.Equal(5, Feature(values, "respirationRate_hours_since"));

        // Respiration was seen once in the lookback: its slope is 0, not undefined.
        Assert.Equal(0, Feature(values, "respirationRate_slope_6h"));
    }

    [Fact]
    public void A_sign_never_observed_takes_its_reference_value_the_cap_and_is_reported()
    {
        var history = new List<HourlySummary> { Hour(0, new VitalSigns(HeartRate: 80)) };
        var values = new float[DeteriorationFeatures.Features.Count];

        var neverObserved = DeteriorationFeatures.Compute(history, ageYears: null, values);

        Assert.Contains(VitalSign.SystolicBp, neverObserved);
        Assert.DoesNotContain(VitalSign.HeartRate, neverObserved);
        Assert.Equal(DeteriorationFeatures.ReferenceValue(VitalSign.SystolicBp), Feature(values, "systolicBp_last"));
        Assert.Equal(DeteriorationFeatures.ReferenceValue(VitalSign.SystolicBp), Feature(values, "systolicBp_mean_6h"));
        Assert.Equal(DeteriorationFeatures.MaxHoursSince, Feature(values, "systolicBp_hours_since"));
        Assert.Equal(DeteriorationFeatures.ReferenceAgeYears, Feature(values, "age_years"));
    }

    [Fact]
    public void Observations_older_than_a_day_are_forgotten()
    {
        var history = new List<HourlySummary>
        {
            Hour(0, new VitalSigns(Temperature: 39.5)),
            Hour(30, new VitalSigns(HeartRate: 70)),
        };

        var values = Compute(history);

        Assert.Equal(37.0, Feature(values, "temperature_last"));
        Assert.Equal(DeteriorationFeatures.MaxHoursSince, Feature(values, "temperature_hours_since"));
    }

    [Fact]
    public void A_wrong_destination_or_empty_history_is_refused()
    {
        Assert.Throws<ArgumentException>(() => DeteriorationFeatures.Compute([], 50, new float[DeteriorationFeatures.Features.Count]));
        Assert.Throws<ArgumentException>(() => DeteriorationFeatures.Compute([Hour(0, default)], 50, new float[3]));
    }

    [Fact]
    public void A_feature_reads_as_a_nurse_would_say_it()
    {
        var slope = DeteriorationFeatures.Features.Single(f => f.Name == "spO2_slope_6h");
        var temperature = DeteriorationFeatures.Features.Single(f => f.Name == "temperature_mean_6h");

        Assert.Equal("SpO2 trend \u22124.0 %/h", slope.Describe(-4));
        Assert.Equal("Temperature 6 h mean 38.6 \u00b0C", temperature.Describe(38.62));
    }
}
