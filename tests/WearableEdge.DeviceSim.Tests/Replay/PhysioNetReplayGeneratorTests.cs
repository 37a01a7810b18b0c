using System.Text.Json;
using WearableEdge.Contracts;
using WearableEdge.DeviceSim.Generation;
using WearableEdge.DeviceSim.Replay;

namespace WearableEdge.DeviceSim.Tests.Replay;

public sealed class PhysioNetReplayGeneratorTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly PsvFolder _folder = PsvFolder.TwoStays();

    public void Dispose() => _folder.Dispose();

    private IReadOnlyList<PhysioNetStay> Stays() =>
        PhysioNetStay.Files(_folder.Path, null).Select(PhysioNetStay.Read).ToList();

    private static List<OutgoingMessage> Generate(IReadOnlyList<PhysioNetStay> stays, int seed = 42, int batch = 5) =>
        new PhysioNetReplayGenerator(stays, seed, batch, Start).AdvanceTo(TimeSpan.FromDays(1)).ToList();

    private static List<VitalsReading> Samples(IEnumerable<OutgoingMessage> messages, string patientId) =>
        messages
            .Where(m => m.Topic == Topics.Vitals(patientId))
            .SelectMany(m => JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.VitalsBatch)!.Samples)
            .ToList();

    private static TimeSpan Offset(VitalsReading sample) => sample.Ts!.Value - Start;

    [Fact]
    public void Read_TwoStays_KeepsTheChartAndTheFirstLabel()
    {
        var stays = Stays();

        Assert.Equal(["p000001", "p000002"], stays.Select(s => s.Name));
        Assert.Equal(3, stays[0].Hours.Count);
        Assert.Null(stays[0].FirstSepsisLabelHour);
        Assert.Null(stays[0].SepsisOnset);
        Assert.False(stays[0].Hours[1].Any);
        Assert.Equal(2, stays[1].FirstSepsisLabelHour);
        Assert.Equal(TimeSpan.FromHours(8), stays[1].SepsisOnset);
        Assert.Null(stays[1].Hours[3][ReplaySign.SpO2]);
        Assert.Equal(1, stays[1].ImplausibleValues);
    }

    [Fact]
    public void AdvanceTo_PresentHours_OneSamplePerSecondAndAGapForTheEmptyHour()
    {
        var samples = Samples(Generate(Stays()), "physionet-p000001");

        Assert.Equal(2 * 3600, samples.Count);
        Assert.Equal(Enumerable.Range(0, 3600).Concat(Enumerable.Range(7200, 3600)).Select(s => TimeSpan.FromSeconds(s)), samples.Select(Offset));
        Assert.All(samples, s => Assert.NotNull(s.HeartRate));
        Assert.Equal(3600, samples.Count(s => s.TemperatureC is not null));
        Assert.All(samples.Where(s => Offset(s) >= TimeSpan.FromHours(2)), s => Assert.Null(s.TemperatureC));
    }

    [Fact]
    public void AdvanceTo_SignMissingForAnHour_NoSamplesOfThatSignInThatHour()
    {
        var samples = Samples(Generate(Stays()), "physionet-p000002");

        Assert.Equal(4 * 3600, samples.Count);
        var hour1 = samples.Where(s => Offset(s) >= TimeSpan.FromHours(1) && Offset(s) < TimeSpan.FromHours(2)).ToList();
        Assert.Equal(3600, hour1.Count);
        Assert.All(hour1, s => Assert.Null(s.SpO2));
        Assert.All(hour1, s => Assert.NotNull(s.HeartRate));
        Assert.All(samples.Where(s => Offset(s) >= TimeSpan.FromHours(3)), s => Assert.Null(s.SpO2));
    }

    [Fact]
    public void AdvanceTo_HourlyValues_OneHertzTrendTowardTheNextHourWithSmallVariation()
    {
        var hour0 = Samples(Generate(Stays()), "physionet-p000002").Where(s => Offset(s) < TimeSpan.FromHours(1)).Select(s => s.HeartRate!.Value).ToList();

        var firstTenMinutes = hour0.Take(600).Average();
        var lastTenMinutes = hour0.Skip(3000).Average();
        Assert.InRange(firstTenMinutes, 99, 105);
        Assert.InRange(lastTenMinutes, 115, 121);
        Assert.True(hour0.Distinct().Count() > 5, "the stream varies within the hour");
        Assert.All(hour0.Select((hr, i) => hr - (100 + (20.0 * i / 3600))), deviation => Assert.InRange(deviation, -12, 12));
    }

    [Fact]
    public void AdvanceTo_Values_WithinPlausibleRangesAndRoundedAsAWearable()
    {
        var samples = Samples(Generate(Stays()), "physionet-p000002");

        Assert.All(samples.Where(s => s.SpO2 is not null), s => Assert.InRange(s.SpO2!.Value, 50, 100));
        Assert.All(samples, s => Assert.Equal(Math.Round(s.HeartRate!.Value), s.HeartRate.Value));
        Assert.All(samples.Where(s => s.TemperatureC is not null), s => Assert.Equal(Math.Round(s.TemperatureC!.Value, 1), s.TemperatureC.Value));
    }

    [Fact]
    public void AdvanceTo_SameSeed_IdenticalMessages_OtherSeed_Different()
    {
        var first = Generate(Stays(), seed: 7);
        var again = Generate(Stays(), seed: 7);
        var other = Generate(Stays(), seed: 8);

        Assert.Equal(first.Select(m => Convert.ToBase64String(m.Payload)), again.Select(m => Convert.ToBase64String(m.Payload)));
        Assert.NotEqual(first.Select(m => Convert.ToBase64String(m.Payload)), other.Select(m => Convert.ToBase64String(m.Payload)));
    }

    [Fact]
    public void AdvanceTo_InSteps_SameSequenceAsAtOnce()
    {
        var stays = Stays();
        var atOnce = Generate(stays);
        var generator = new PhysioNetReplayGenerator(stays, 42, 5, Start);
        var stepped = new List<OutgoingMessage>();
        for (var t = TimeSpan.Zero; t <= TimeSpan.FromHours(5); t += TimeSpan.FromSeconds(97))
        {
            stepped.AddRange(generator.AdvanceTo(t));
        }

        Assert.Equal(atOnce.Select(m => m.Topic), stepped.Select(m => m.Topic));
        Assert.Equal(atOnce.Select(m => Convert.ToBase64String(m.Payload)), stepped.Select(m => Convert.ToBase64String(m.Payload)));
    }

    [Fact]
    public void AdvanceTo_StayAlone_SameStreamAsInAWard()
    {
        var stays = Stays();

        var alone = Samples(Generate([stays[1]]), "physionet-p000002");
        var inWard = Samples(Generate(stays), "physionet-p000002");

        Assert.Equal(inWard, alone);
    }

    [Fact]
    public void AdvanceTo_Batches_HoldTheSecondsThatHaveASampleAndMessagesAreDueAtTheirLastSecond()
    {
        var messages = new PhysioNetReplayGenerator(Stays(), 42, 5, Start).AdvanceTo(TimeSpan.FromHours(1)).ToList();

        Assert.Equal(2 * 720, messages.Count);
        Assert.All(messages, m => Assert.Equal(5, JsonSerializer.Deserialize(m.Payload, ContractJsonContext.Default.VitalsBatch)!.Samples.Count));
        Assert.Equal("dev-p000001", JsonSerializer.Deserialize(messages[0].Payload, ContractJsonContext.Default.VitalsBatch)!.DeviceId);
    }

    [Fact]
    public void Length_IsTheLongestStay() =>
        Assert.Equal(TimeSpan.FromHours(4), new PhysioNetReplayGenerator(Stays(), 42, 5, Start).Length);

    [Fact]
    public void Files_SortedByName_FirstN()
    {
        _folder.Write("p000000", [PsvFolder.Row(70)]);

        Assert.Equal(["p000000", "p000001"], PhysioNetStay.Files(_folder.Path, 2).Select(Path.GetFileNameWithoutExtension));
        Assert.Equal(3, PhysioNetStay.Files(_folder.Patients, null).Count);
    }

    [Fact]
    public void Read_MissingColumn_NamesTheFile()
    {
        var error = Assert.Throws<InvalidDataException>(() => PhysioNetStay.Read("p9", new StringReader("HR|O2Sat\n1|2\n")));

        Assert.Contains("p9", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PayloadFormat.OpenMHealth, "omh")]
    [InlineData(PayloadFormat.Fhir, "fhir")]
    public void AdvanceTo_StandardFormat_SameBatchesOnItsTopic(PayloadFormat format, string stream)
    {
        var stays = Stays();
        var v1 = Generate(stays);

        var standard = new PhysioNetReplayGenerator(stays, 42, 5, Start, format, TemperatureUnit.Fahrenheit).AdvanceTo(TimeSpan.FromDays(1)).ToList();

        Assert.Equal(v1.Count, standard.Count);
        Assert.Equal(v1.Select(m => m.Topic.Replace("/vitals", "/" + stream, StringComparison.Ordinal)), standard.Select(m => m.Topic));
        Assert.Contains(standard, m => System.Text.Encoding.UTF8.GetString(m.Payload).Contains(format == PayloadFormat.Fhir ? "[degF]" : "\"F\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ReplayFormat_SetsIt()
    {
        var options = DeviceSim.CommandLine.SimulatorCommandLine.Parse(["replay", "--data", _folder.Path, "--format", "fhir", "--temperature-unit", "F"]).Options!;

        Assert.Equal(PayloadFormat.Fhir, options.Format);
        Assert.Equal(TemperatureUnit.Fahrenheit, options.TemperatureUnit);
    }
}
