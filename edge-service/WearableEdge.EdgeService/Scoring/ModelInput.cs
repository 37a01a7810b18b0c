using WearableEdge.EdgeService.Features;

namespace WearableEdge.EdgeService.Scoring;

/// <summary>What the model scoring stage consumes: a patient's one-minute summary, or a motion batch.</summary>
public abstract record ModelInput(string PatientId)
{
    /// <summary>A closed one-minute summary; it feeds the patient's hourly trend history.</summary>
    public sealed record Minute(MinuteSummary Summary) : ModelInput(Summary.PatientId);

    /// <summary>A motion batch: acceleration, g, sampled at <paramref name="SampleRateHz"/> from device time <paramref name="Start"/>.</summary>
    public sealed record Motion(string PatientId, DateTimeOffset Start, double SampleRateHz, float[] X, float[] Y, float[] Z) : ModelInput(PatientId);
}
