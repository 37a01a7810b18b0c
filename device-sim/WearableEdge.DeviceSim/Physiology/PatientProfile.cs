namespace WearableEdge.DeviceSim.Physiology;

/// <summary>
/// Who a simulated patient is, drawn from the patient's seed: age, resting vital signs, how much
/// each activity moves heart and respiration rate, and the shape of the patient's day.
/// </summary>
/// <param name="Age">Years, 25–90 (a ward population leaning old; a local choice).</param>
/// <param name="Baseline">Resting vital signs while awake, at the circadian mean.</param>
/// <param name="SleepHeartRate">Heart rate change asleep, /min (negative).</param>
/// <param name="SleepRespiration">Respiration rate change asleep, /min (negative).</param>
/// <param name="WalkingHeartRate">Heart rate change walking, /min.</param>
/// <param name="WalkingRespiration">Respiration rate change walking, /min.</param>
/// <param name="ExerciseHeartRate">Heart rate change in exercise, /min.</param>
/// <param name="ExerciseRespiration">Respiration rate change in exercise, /min.</param>
/// <param name="Bedtime">Usual time of day the patient falls asleep, 21:00–23:30.</param>
/// <param name="WakeTime">Usual time of day the patient wakes, 06:00–07:30.</param>
/// <param name="WalksPerDay">Walks in a day, 4–10.</param>
/// <param name="Exercises">Whether the patient has an exercise (physiotherapy) session each day (half of them).</param>
/// <param name="CanRun">Whether the exercise includes running intervals (patients under 50).</param>
internal sealed record PatientProfile(
    int Age,
    PatientBaseline Baseline,
    double SleepHeartRate,
    double SleepRespiration,
    double WalkingHeartRate,
    double WalkingRespiration,
    double ExerciseHeartRate,
    double ExerciseRespiration,
    TimeSpan Bedtime,
    TimeSpan WakeTime,
    int WalksPerDay,
    bool Exercises,
    bool CanRun)
{
    /// <summary>
    /// The highest noiseless heart rate activity alone takes a patient to, /min, before the
    /// circadian rhythm (±3): the schedule's exercise is moderate (a ward physiotherapy session),
    /// kept inside NEWS2's 91–110 row, with room for the rounding of the charted value and for
    /// artefacts, so that a normal day raises no alert by its physiology alone.
    /// A local choice; a real patient may go higher.
    /// </summary>
    public const double MaxActivityHeartRate = 104;

    /// <summary>
    /// The highest noiseless respiration rate activity alone takes a patient to, /min, before the
    /// circadian rhythm (±0.5): inside NEWS2's 12–20 row once charted (rounded), a local choice as <see cref="MaxActivityHeartRate"/>.
    /// </summary>
    public const double MaxActivityRespiration = 19.5;

    /// <summary>
    /// Draws a patient. Sleep lowers heart rate by 8–12 % and respiration by 1–1.5 /min (nocturnal
    /// dipping: Trinder et al., "Autonomic activity during human sleep as a function of time and
    /// sleep stage", J Sleep Res 2001; the magnitudes are a local choice); walking adds 12–22 /min
    /// and 2–4 /min, exercise 25–40 /min and 4–7 /min, both capped (see <see cref="MaxActivityHeartRate"/>).
    /// </summary>
    public static PatientProfile Draw(Random random)
    {
        var baseline = PatientBaseline.Draw(random);
        var age = (int)Math.Round(25 + (65 * Math.Sqrt(random.NextDouble())));
        double Capped(double wanted, double resting, double max) => Math.Max(0, Math.Min(wanted, max - resting));
        return new PatientProfile(
            age,
            baseline,
            SleepHeartRate: -baseline.HeartRate * GaussianNoise.Uniform(random, 0.08, 0.12),
            SleepRespiration: -GaussianNoise.Uniform(random, 1, 1.5),
            WalkingHeartRate: Capped(GaussianNoise.Uniform(random, 12, 22), baseline.HeartRate, MaxActivityHeartRate - 4),
            WalkingRespiration: Capped(GaussianNoise.Uniform(random, 2, 4), baseline.RespirationRate, MaxActivityRespiration - 0.5),
            ExerciseHeartRate: Capped(GaussianNoise.Uniform(random, 25, 40), baseline.HeartRate, MaxActivityHeartRate),
            ExerciseRespiration: Capped(GaussianNoise.Uniform(random, 4, 7), baseline.RespirationRate, MaxActivityRespiration),
            Bedtime: TimeSpan.FromMinutes(GaussianNoise.Uniform(random, 21 * 60, (23 * 60) + 30)),
            WakeTime: TimeSpan.FromMinutes(GaussianNoise.Uniform(random, 6 * 60, (7 * 60) + 30)),
            WalksPerDay: random.Next(4, 11),
            Exercises: random.NextDouble() < 0.5,
            CanRun: age < 50);
    }
}
