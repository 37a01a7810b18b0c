namespace WearableEdge.DeviceSim.Physiology;

/// <summary>What a patient is doing, as the vital signs feel it.</summary>
internal enum Activity
{
    Sleep,
    Rest,
    Walking,
    Exercise,
}

/// <summary>What the accelerometer sees during an activity (<see cref="Motion.MotionSynthesizer"/>'s activities).</summary>
internal enum Movement
{
    Lying,
    Resting,
    Walking,
    Running,
    Stairs,
}

/// <summary>One stretch of one activity, in device time (UTC ticks), with the activity's effect on heart and respiration rate when it began.</summary>
internal readonly record struct ActivityBout(long StartTicks, long EndTicks, Activity Activity, Movement Movement, double HeartRateAtStart, double RespirationAtStart)
{
    public bool IsMoving => Activity is Activity.Walking or Activity.Exercise;
}

/// <summary>
/// A motion artefact of the optical sensor, in device time (UTC ticks): while it lasts the SpO2
/// reading is <paramref name="SpO2Drop"/> % low and the heart rate reading off by
/// <paramref name="HeartRateJump"/> /min, and the signal quality is poor.
/// </summary>
internal readonly record struct Artefact(long StartTicks, long EndTicks, double SpO2Drop, double HeartRateJump);

/// <summary>
/// A patient's days: sleep from bedtime to waking (with 0–2 short walks in the night), then rest
/// with 4–10 walks of 2–10 min and, for half the patients, one 10–20 min exercise session of
/// brisk walking, stairs and (under 50) running intervals. Each calendar day (UTC) is drawn from
/// the patient's seed and the day's number, so any instant's activity is a pure function of the
/// seed and the time: the vitals, the motion and the device status agree without sharing state.
/// Heart and respiration rate follow each activity as a first-order response (time constants
/// below, local choices in line with heart-rate kinetics of about half a minute at exercise onset
/// and a minute or more in recovery). Optical motion artefacts happen only while walking or
/// exercising, as in real wrist PPG: episodes of 3–10 s, about one every 75 s walking and one every 45 s (35 s running)
/// exercising, the SpO2 reading 3–12 % low and the heart rate reading 15–30 /min high or low
/// (the sensor locking onto the cadence, or losing beats). These are local choices: short enough that the service's 15 s
/// SpO2 condition delay filters them, frequent enough that without it they alarm (FACTS.md,
/// "Alarms": delays and signal-quality processing are the measured mitigations of such alarms).
/// Not thread-safe.
/// </summary>
internal sealed class DailySchedule
{
    private static readonly TimeSpan NightFrom = TimeSpan.FromHours(1);
    private static readonly TimeSpan NightTo = TimeSpan.FromHours(5);

    private readonly int _seed;
    private readonly PatientProfile _profile;
    private readonly Dictionary<long, Day> _days = [];

    public DailySchedule(int seed, PatientProfile profile)
    {
        _seed = seed;
        _profile = profile;
    }

    /// <summary>The bout under way at <paramref name="time"/>.</summary>
    public ActivityBout BoutAt(DateTimeOffset time)
    {
        var day = DayOf(time.UtcTicks);
        return day.Bouts[Find(day.Bouts, time.UtcTicks, static b => b.StartTicks)];
    }

    /// <summary>The activity's noiseless effect on the vital signs at <paramref name="time"/>, following the bouts with their time constants.</summary>
    public VitalShift ShiftAt(DateTimeOffset time)
    {
        var bout = BoutAt(time);
        var elapsed = TimeSpan.FromTicks(time.UtcTicks - bout.StartTicks);
        var (heartTarget, breathingTarget, spO2) = Target(bout.Activity);
        return new VitalShift(
            Follow(bout.HeartRateAtStart, heartTarget, elapsed, HeartRateTimeConstant(bout.Activity, bout.HeartRateAtStart, heartTarget)),
            Follow(bout.RespirationAtStart, breathingTarget, elapsed, RespirationTimeConstant(bout.Activity, bout.RespirationAtStart, breathingTarget)),
            spO2,
            0,
            0);
    }

    /// <summary>The motion artefact at <paramref name="time"/>, if any.</summary>
    public Artefact? ArtefactAt(DateTimeOffset time)
    {
        var artefacts = DayOf(time.UtcTicks).Artefacts;
        if (artefacts.Count == 0 || artefacts[0].StartTicks > time.UtcTicks)
        {
            return null;
        }

        var artefact = artefacts[Find(artefacts, time.UtcTicks, static a => a.StartTicks)];
        return time.UtcTicks < artefact.EndTicks ? artefact : null;
    }

    /// <summary>
    /// The optical signal quality the device would report for the second at <paramref name="time"/>,
    /// 0–1: in an artefact the device notices (two in three, drawn per artefact) 0.15–0.4, in one it
    /// misses 0.5–0.7, as a real PPG quality index misses some motion; 0.6–0.8 otherwise while moving,
    /// 0.85–0.95 resting, 0.9–0.98 asleep (local choices; the service treats below 0.5 as poor, SampleScreen).
    /// </summary>
    public double SignalQualityAt(DateTimeOffset time)
    {
        var u = StableUniform(_seed, time.UtcTicks / TimeSpan.TicksPerSecond);
        if (ArtefactAt(time) is { } artefact)
        {
            var noticed = StableUniform(~_seed, artefact.StartTicks) < 2.0 / 3.0;
            return noticed ? 0.15 + (0.25 * u) : 0.5 + (0.2 * u);
        }

        return BoutAt(time).Activity switch
        {
            Activity.Walking or Activity.Exercise => 0.6 + (0.2 * u),
            Activity.Sleep => 0.9 + (0.08 * u),
            _ => 0.85 + (0.1 * u),
        };
    }

    /// <summary>A uniform draw in [0, 1) that depends only on <paramref name="seed"/> and <paramref name="index"/> (SplitMix64).</summary>
    public static double StableUniform(int seed, long index)
    {
        unchecked
        {
            var z = ((ulong)(uint)seed << 32) ^ (ulong)index;
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }

    private (double HeartRate, double Respiration, double SpO2) Target(Activity activity) => activity switch
    {
        // Asleep, SpO2 reads about 0.5 % lower (local choice).
        Activity.Sleep => (_profile.SleepHeartRate, _profile.SleepRespiration, -0.5),
        Activity.Walking => (_profile.WalkingHeartRate, _profile.WalkingRespiration, 0),
        Activity.Exercise => (_profile.ExerciseHeartRate, _profile.ExerciseRespiration, 0),
        _ => (0, 0, 0),
    };

    /// <summary>Heart rate: 30 s rising, 60 s falling, 10 min into sleep, 2 min waking (local choices).</summary>
    private static TimeSpan HeartRateTimeConstant(Activity activity, double from, double to) =>
        activity == Activity.Sleep ? TimeSpan.FromMinutes(10)
        : to > from ? (from < 0 ? TimeSpan.FromMinutes(2) : TimeSpan.FromSeconds(30))
        : TimeSpan.FromSeconds(60);

    /// <summary>Respiration: 45 s rising, 90 s falling, 10 min into sleep (local choices).</summary>
    private static TimeSpan RespirationTimeConstant(Activity activity, double from, double to) =>
        activity == Activity.Sleep ? TimeSpan.FromMinutes(10) : to > from ? TimeSpan.FromSeconds(45) : TimeSpan.FromSeconds(90);

    private static double Follow(double from, double to, TimeSpan elapsed, TimeSpan timeConstant) =>
        to + ((from - to) * Math.Exp(-elapsed / timeConstant));

    private Day DayOf(long utcTicks)
    {
        var number = Math.DivRem(utcTicks, TimeSpan.TicksPerDay, out var remainder);
        if (remainder < 0)
        {
            number--;
        }

        if (!_days.TryGetValue(number, out var day))
        {
            if (_days.Count > 3)
            {
                // Runs move forward: keep the few days around now.
                foreach (var old in _days.Keys.Where(k => Math.Abs(k - number) > 1).ToList())
                {
                    _days.Remove(old);
                }
            }

            day = Draw(number);
            _days[number] = day;
        }

        return day;
    }

    private Day Draw(long number)
    {
        var random = new Random(unchecked((_seed * 1_000_003) ^ (int)(number * 7_919)));
        var dayStart = number * TimeSpan.TicksPerDay;
        var wake = _profile.WakeTime + TimeSpan.FromMinutes(GaussianNoise.Uniform(random, -20, 20));
        var bed = _profile.Bedtime + TimeSpan.FromMinutes(GaussianNoise.Uniform(random, -20, 20));
        var planned = new List<(TimeSpan Start, TimeSpan End, Activity Activity, Movement Movement)>();

        // Up in the night (to the toilet): 0–2 short walks between 01:00 and 05:00.
        for (var i = random.Next(0, 3); i > 0; i--)
        {
            var start = Between(random, NightFrom, NightTo);
            planned.Add((start, start + Minutes(random, 2, 5), Activity.Walking, Movement.Walking));
        }

        for (var i = 0; i < _profile.WalksPerDay; i++)
        {
            var start = Between(random, wake + TimeSpan.FromMinutes(20), bed - TimeSpan.FromMinutes(40));
            planned.Add((start, start + Minutes(random, 2, 10), Activity.Walking, Movement.Walking));
        }

        if (_profile.Exercises)
        {
            var start = Between(random, wake + TimeSpan.FromHours(2), bed - TimeSpan.FromHours(3));
            var end = start + Minutes(random, 10, 20);
            for (var t = start; t < end;)
            {
                var draw = random.NextDouble();
                var movement = draw < 0.4 ? Movement.Stairs : draw < 0.7 && _profile.CanRun ? Movement.Running : Movement.Walking;
                var intervalEnd = t + Minutes(random, 1, 3);
                planned.Add((t, intervalEnd < end ? intervalEnd : end, Activity.Exercise, movement));
                t = intervalEnd;
            }
        }

        // The day in order, overlapping plans dropped, rest in between, asleep before waking and after bedtime.
        var bouts = new List<(TimeSpan Start, TimeSpan End, Activity Activity, Movement Movement)>();
        var at = TimeSpan.Zero;
        void Fill(TimeSpan until)
        {
            if (at < wake && until > at)
            {
                var sleepEnd = until < wake ? until : wake;
                bouts.Add((at, sleepEnd, Activity.Sleep, Movement.Lying));
                at = sleepEnd;
            }

            if (until > at)
            {
                bouts.Add((at, until, Activity.Rest, Movement.Resting));
                at = until;
            }
        }

        foreach (var plan in planned.OrderBy(p => p.Start).ThenBy(p => p.End))
        {
            if (plan.Start < at || plan.End > bed)
            {
                continue;
            }

            if (plan.Start < wake && plan.End > wake)
            {
                continue;
            }

            Fill(plan.Start);
            bouts.Add(plan);
            at = plan.End;
        }

        Fill(bed);
        bouts.Add((at, TimeSpan.FromDays(1), Activity.Sleep, Movement.Lying));

        // Start values of each bout's response: midnight is deep in the night's sleep, so the
        // day starts at sleep's targets (bedtime is before 23:50, 10 min constants).
        var result = new List<ActivityBout>(bouts.Count);
        var (heart, breathing, _) = Target(Activity.Sleep);
        var artefacts = new List<Artefact>();
        foreach (var (start, end, activity, movement) in bouts)
        {
            var bout = new ActivityBout(dayStart + start.Ticks, dayStart + end.Ticks, activity, movement, heart, breathing);
            result.Add(bout);
            var elapsed = end - start;
            var (heartTarget, breathingTarget, _) = Target(activity);
            heart = Follow(heart, heartTarget, elapsed, HeartRateTimeConstant(activity, heart, heartTarget));
            breathing = Follow(breathing, breathingTarget, elapsed, RespirationTimeConstant(activity, breathing, breathingTarget));
            if (bout.IsMoving)
            {
                AddArtefacts(random, bout, artefacts);
            }
        }

        return new Day(result, artefacts);
    }

    private static void AddArtefacts(Random random, ActivityBout bout, List<Artefact> artefacts)
    {
        var meanGap = bout.Movement == Movement.Running ? 35.0 : bout.Activity == Activity.Exercise ? 45.0 : 75.0;
        var t = bout.StartTicks + Seconds(6 - (meanGap * Math.Log(1 - random.NextDouble())));
        while (t < bout.EndTicks)
        {
            var end = Math.Min(bout.EndTicks, t + Seconds(GaussianNoise.Uniform(random, 3, 10)));
            var drop = GaussianNoise.Uniform(random, 3, 12);
            var jump = (random.NextDouble() < 0.5 ? 1 : -1) * GaussianNoise.Uniform(random, 15, 30);
            artefacts.Add(new Artefact(t, end, drop, jump));
            // At least 6 s apart: two artefacts never merge into one long enough to pass the 15 s delay.
            t = end + Seconds(6 - (meanGap * Math.Log(1 - random.NextDouble())));
        }
    }

    private static long Seconds(double seconds) => (long)(seconds * TimeSpan.TicksPerSecond);

    private static TimeSpan Minutes(Random random, double min, double max) => TimeSpan.FromMinutes(GaussianNoise.Uniform(random, min, max));

    private static TimeSpan Between(Random random, TimeSpan from, TimeSpan to) =>
        to > from ? from + ((to - from) * random.NextDouble()) : from;

    /// <summary>The index of the last item starting at or before <paramref name="ticks"/> (0 if none).</summary>
    private static int Find<T>(IReadOnlyList<T> items, long ticks, Func<T, long> start)
    {
        int low = 0, high = items.Count - 1;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (start(items[mid]) <= ticks)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return low;
    }

    private sealed record Day(IReadOnlyList<ActivityBout> Bouts, IReadOnlyList<Artefact> Artefacts);
}
