namespace WearableEdge.DeviceSim.Physiology;

/// <summary>A patient's resting vital signs: /min, %, /min, °C, mmHg (null when not measured).</summary>
internal sealed record PatientBaseline(
    double HeartRate, double RespirationRate, double SpO2, double TemperatureC, double? SystolicBp)
{
    /// <summary>
    /// Draws a plausible adult at rest, every value inside NEWS2's 0-point rows (FACTS.md, "NEWS2"):
    /// HR 60–85, RR 12–18, SpO2 96–99, temperature 36.4–37.0; systolic BP 110–135 for about half
    /// the patients (a wrist wearable rarely measures it), absent for the others.
    /// </summary>
    public static PatientBaseline Draw(Random random)
    {
        var heartRate = GaussianNoise.Uniform(random, 60, 85);
        var respirationRate = GaussianNoise.Uniform(random, 12, 18);
        var spO2 = GaussianNoise.Uniform(random, 96, 99);
        var temperature = GaussianNoise.Uniform(random, 36.4, 37.0);
        var hasBloodPressure = random.NextDouble() < 0.5;
        var systolic = GaussianNoise.Uniform(random, 110, 135);
        return new PatientBaseline(heartRate, respirationRate, spO2, temperature, hasBloodPressure ? systolic : null);
    }
}
