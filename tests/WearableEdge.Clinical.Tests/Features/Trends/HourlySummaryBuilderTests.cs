using WearableEdge.Clinical.Features.Trends;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.Clinical.Tests.Features.Trends;

public sealed class HourlySummaryBuilderTests
{
    private static readonly DateTimeOffset Hour0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_hour_closes_when_the_next_hour_begins_with_the_mean_of_its_minutes()
    {
        var builder = new HourlySummaryBuilder(minimumValuesPerSign: 10);
        for (var minute = 0; minute < 60; minute++)
        {
            Assert.Null(builder.Add(Hour0.AddMinutes(minute), new VitalSigns(HeartRate: minute < 30 ? 80 : 100, SpO2: minute < 5 ? 95 : null)));
        }

        var closed = builder.Add(Hour0.AddHours(1), new VitalSigns(HeartRate: 70));

        Assert.NotNull(closed);
        Assert.Equal(Hour0, closed.HourStart);
        Assert.Equal(90, closed.Vitals.HeartRate!.Value, 6);

        // Five minutes of SpO2 are too few to stand for the hour.
        Assert.Null(closed.Vitals.SpO2);
    }

    [Fact]
    public void Values_of_a_closed_hour_are_counted_and_do_not_reopen_it()
    {
        var builder = new HourlySummaryBuilder(minimumValuesPerSign: 1);
        builder.Add(Hour0.AddMinutes(5), new VitalSigns(HeartRate: 80));
        builder.Add(Hour0.AddHours(1).AddMinutes(1), new VitalSigns(HeartRate: 90));

        Assert.Null(builder.Add(Hour0.AddMinutes(59), new VitalSigns(HeartRate: 200)));
        Assert.Equal(1, builder.LateValues);

        var open = builder.Close();
        Assert.NotNull(open);
        Assert.Equal(Hour0.AddHours(1), open.HourStart);
        Assert.Equal(90, open.Vitals.HeartRate);
        Assert.Null(builder.Close());
    }

    [Fact]
    public void Hours_are_aligned_to_the_hour_in_utc()
    {
        var local = new DateTimeOffset(2026, 3, 1, 12, 34, 56, TimeSpan.FromHours(2));

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), HourlySummaryBuilder.HourOf(local));
    }
}
