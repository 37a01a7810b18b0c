using System.Globalization;
using System.Text.Json;
using WearableEdge.Contracts;
using WearableEdge.DeviceSim.CommandLine;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim.Tests.Formats;

/// <summary>
/// The simulator's Open mHealth and FHIR payloads, read back as plain JSON (the service's decoders
/// read them in tests/WearableEdge.IntegrationTests/EndToEnd/SimulatorFormatDecodeTests.cs).
/// </summary>
public sealed class StandardFormatTests
{
    private static readonly TimeSpan TwoMinutes = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData(PayloadFormat.OpenMHealth)]
    [InlineData(PayloadFormat.Fhir)]
    public void AdvanceTo_SameSeed_IdenticalPayloads(PayloadFormat format)
    {
        var options = TestWard.Options(patients: 3) with { Format = format, TemperatureUnit = TemperatureUnit.Fahrenheit };

        var first = TestWard.Generate(options, TwoMinutes);
        var second = TestWard.Generate(options, TwoMinutes);

        Assert.True(first.Count > 100);
        Assert.Equal(first.Select(m => m.Topic), second.Select(m => m.Topic));
        Assert.All(first.Zip(second), pair => Assert.Equal(pair.First.Payload, pair.Second.Payload));
        Assert.NotEqual(
            first.Select(m => m.Payload),
            TestWard.Generate(options with { Seed = 43 }, TwoMinutes).Select(m => m.Payload));
    }

    [Fact]
    public void AdvanceTo_OpenMHealth_VitalsAndMotionOnOmhTopicDeviceStatusOnV1()
    {
        var messages = TestWard.Generate(TestWard.Options(patients: 2) with { Format = PayloadFormat.OpenMHealth }, TwoMinutes);
        var v1 = TestWard.Generate(TestWard.Options(patients: 2), TwoMinutes);

        // The same messages in the same order: vitals and motion move to the omh topic, device status stays.
        Assert.Equal(v1.Count, messages.Count);
        Assert.Equal(
            v1.Select(m => m.Topic.Replace("/vitals", "/omh", StringComparison.Ordinal).Replace("/motion", "/omh", StringComparison.Ordinal)),
            messages.Select(m => m.Topic));
        Assert.Contains(messages, m => m.Topic == Topics.Device("patient-001"));
        Assert.Equal(
            v1.Where(m => m.Topic.EndsWith("/device", StringComparison.Ordinal)).Select(m => m.Payload),
            messages.Where(m => m.Topic.EndsWith("/device", StringComparison.Ordinal)).Select(m => m.Payload));

        var omh = messages.Where(m => m.Topic == Topics.OpenMHealth("patient-001")).Select(m => JsonDocument.Parse(m.Payload).RootElement).ToList();
        var vitalsArrays = omh.Where(e => e.ValueKind == JsonValueKind.Array).ToList();
        var accelerations = omh.Where(e => e.ValueKind == JsonValueKind.Object).ToList();
        Assert.Equal(v1.Count(m => m.Topic == Topics.Vitals("patient-001")), vitalsArrays.Count);
        Assert.Equal(v1.Count(m => m.Topic == Topics.Motion("patient-001")), accelerations.Count);

        var first = vitalsArrays[0].EnumerateArray().ToList();
        Assert.Equal(5 * 4, first.Count); // 5 samples, 4 signs (no Open mHealth blood pressure)
        Assert.Equal(
            ["heart-rate", "oxygen-saturation", "respiratory-rate", "body-temperature"],
            first.Take(4).Select(p => p.GetProperty("header").GetProperty("schema_id").GetProperty("name").GetString()));
        Assert.All(first, p => Assert.Equal("dev-001", p.GetProperty("header").GetProperty("acquisition_provenance").GetProperty("source_name").GetString()));
        Assert.Equal(first.Count, first.Select(p => p.GetProperty("header").GetProperty("uuid").GetString()).Distinct().Count());

        var acceleration = accelerations[0];
        Assert.Equal("wearable-edge", acceleration.GetProperty("header").GetProperty("schema_id").GetProperty("namespace").GetString());
        Assert.Equal("[g]", acceleration.GetProperty("body").GetProperty("unit").GetString());
        Assert.Equal(WardGenerator.MotionBatchSize, acceleration.GetProperty("body").GetProperty("x").GetArrayLength());
    }

    [Fact]
    public void AdvanceTo_OpenMHealth_SameValuesAndTimesAsV1()
    {
        var omh = TestWard.Generate(TestWard.Options(patients: 1) with { Format = PayloadFormat.OpenMHealth }, TwoMinutes);
        var v1 = TestWard.Vitals(TestWard.Generate(TestWard.Options(patients: 1), TwoMinutes), "patient-001");

        var points = omh.Where(m => m.Topic == Topics.OpenMHealth("patient-001"))
            .Select(m => JsonDocument.Parse(m.Payload).RootElement)
            .Where(e => e.ValueKind == JsonValueKind.Array)
            .SelectMany(e => e.EnumerateArray())
            .Select(p => (
                Name: p.GetProperty("header").GetProperty("schema_id").GetProperty("name").GetString(),
                Ts: DateTimeOffset.Parse(p.GetProperty("body").GetProperty("effective_time_frame").GetProperty("date_time").GetString()!, CultureInfo.InvariantCulture),
                Body: p.GetProperty("body")))
            .ToList();

        Assert.Equal(v1.Count * 4, points.Count);
        foreach (var sample in v1)
        {
            var at = points.Where(p => p.Ts == sample.Ts).ToDictionary(p => p.Name!, p => p.Body);
            Assert.Equal(sample.HeartRate, at["heart-rate"].GetProperty("heart_rate").GetProperty("value").GetDouble());
            Assert.Equal(sample.SpO2, at["oxygen-saturation"].GetProperty("oxygen_saturation").GetProperty("value").GetDouble());
            Assert.Equal(sample.RespirationRate, at["respiratory-rate"].GetProperty("respiratory_rate").GetProperty("value").GetDouble());
            Assert.Equal(sample.TemperatureC, at["body-temperature"].GetProperty("body_temperature").GetProperty("value").GetDouble());
            Assert.Equal("C", at["body-temperature"].GetProperty("body_temperature").GetProperty("unit").GetString());
        }
    }

    [Fact]
    public void AdvanceTo_FhirInFahrenheit_BundleOfObservationsWithLoincAndUcum()
    {
        var options = TestWard.Options(patients: 8) with { Format = PayloadFormat.Fhir, TemperatureUnit = TemperatureUnit.Fahrenheit };
        var messages = TestWard.Generate(options, TwoMinutes);
        var v1 = TestWard.Generate(TestWard.Options(patients: 8), TwoMinutes);

        // Motion and device status stay v1, byte for byte.
        Assert.Equal(
            v1.Where(m => !m.Topic.EndsWith("/vitals", StringComparison.Ordinal)).Select(m => (m.Topic, Convert.ToBase64String(m.Payload))),
            messages.Where(m => !m.Topic.EndsWith("/fhir", StringComparison.Ordinal)).Select(m => (m.Topic, Convert.ToBase64String(m.Payload))));

        var withBloodPressure = Enumerable.Range(1, 8).Select(TestWard.Patient)
            .First(p => TestWard.Vitals(v1, p).All(s => s.SystolicBp is not null));
        var samples = TestWard.Vitals(v1, withBloodPressure);
        var bundles = messages.Where(m => m.Topic == Topics.Fhir(withBloodPressure)).Select(m => JsonDocument.Parse(m.Payload).RootElement).ToList();
        Assert.All(bundles, b => Assert.Equal("Bundle", b.GetProperty("resourceType").GetString()));
        var observations = bundles.SelectMany(b => b.GetProperty("entry").EnumerateArray()).Select(e => e.GetProperty("resource")).ToList();
        Assert.Equal(samples.Count * 5, observations.Count);

        var device = withBloodPressure.Replace("patient", "dev", StringComparison.Ordinal);
        foreach (var sample in samples)
        {
            var at = observations
                .Where(o => DateTimeOffset.Parse(o.GetProperty("effectiveDateTime").GetString()!, CultureInfo.InvariantCulture) == sample.Ts)
                .ToDictionary(o => o.GetProperty("code").GetProperty("coding")[0].GetProperty("code").GetString()!, o => o);
            Assert.Equal(["8867-4", "59408-5", "9279-1", "8310-5", "8480-6"], at.Keys);
            Assert.All(at.Values, o =>
            {
                Assert.Equal("final", o.GetProperty("status").GetString());
                Assert.Equal("vital-signs", o.GetProperty("category")[0].GetProperty("coding")[0].GetProperty("code").GetString());
                Assert.Equal("Patient/" + withBloodPressure, o.GetProperty("subject").GetProperty("reference").GetString());
                Assert.Equal("Device/" + device, o.GetProperty("device").GetProperty("reference").GetString());
                Assert.Equal("http://unitsofmeasure.org", o.GetProperty("valueQuantity").GetProperty("system").GetString());
            });
            Assert.Equal(sample.HeartRate, Value(at["8867-4"], "/min"));
            Assert.Equal(sample.SpO2, Value(at["59408-5"], "%"));
            Assert.Equal(sample.RespirationRate, Value(at["9279-1"], "/min"));
            Assert.Equal(sample.SystolicBp, Value(at["8480-6"], "mm[Hg]"));
            var fahrenheit = Value(at["8310-5"], "[degF]");
            Assert.Equal(Math.Round((sample.TemperatureC!.Value * 9 / 5) + 32, 2), fahrenheit);
            Assert.Equal(sample.TemperatureC!.Value, (fahrenheit - 32) * 5 / 9, 1e-9);
        }
    }

    [Theory]
    [InlineData("v1", PayloadFormat.V1)]
    [InlineData("omh", PayloadFormat.OpenMHealth)]
    [InlineData("fhir", PayloadFormat.Fhir)]
    public void Parse_Format_SetsIt(string value, PayloadFormat expected)
    {
        var result = SimulatorCommandLine.Parse(["--format", value]);

        Assert.Null(result.Error);
        Assert.Equal(expected, result.Options!.Format);
        Assert.Equal(TemperatureUnit.Celsius, result.Options.TemperatureUnit);
    }

    [Fact]
    public void Parse_NoFormat_V1InCelsius()
    {
        var options = SimulatorCommandLine.Parse([]).Options!;

        Assert.Equal(PayloadFormat.V1, options.Format);
        Assert.Equal(TemperatureUnit.Celsius, options.TemperatureUnit);
    }

    [Fact]
    public void Parse_FhirInFahrenheit_SetsBoth()
    {
        var options = SimulatorCommandLine.Parse(["--format=fhir", "--temperature-unit", "F"]).Options!;

        Assert.Equal(PayloadFormat.Fhir, options.Format);
        Assert.Equal(TemperatureUnit.Fahrenheit, options.TemperatureUnit);
    }

    [Theory]
    [InlineData(new[] { "--format", "xml" }, "--format must be v1, omh or fhir")]
    [InlineData(new[] { "--temperature-unit", "K" }, "--temperature-unit must be C or F")]
    [InlineData(new[] { "--temperature-unit", "F" }, "--temperature-unit F needs --format omh or fhir")]
    [InlineData(new[] { "--format", "omh", "--vitals-batch", "61" }, "--vitals-batch must be 1–60 with --format omh or fhir")]
    [InlineData(new[] { "--format", "fhir", "--format", "omh" }, "Option '--format' expects a single argument")]
    public void Parse_BadFormatOptions_ErrorNamesTheOption(string[] args, string error)
    {
        var result = SimulatorCommandLine.Parse(args);

        Assert.Null(result.Options);
        Assert.Contains(error, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_FahrenheitInV1_Named()
    {
        var options = TestWard.Options() with { TemperatureUnit = TemperatureUnit.Fahrenheit };

        Assert.Contains(options.Problems(), p => p.Contains(nameof(SimulationOptions.TemperatureUnit), StringComparison.Ordinal));
    }

    private static double Value(JsonElement observation, string ucum)
    {
        var quantity = observation.GetProperty("valueQuantity");
        Assert.Equal(ucum, quantity.GetProperty("code").GetString());
        return quantity.GetProperty("value").GetDouble();
    }
}
