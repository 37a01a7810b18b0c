using WearableEdge.DeviceSim.Physiology;

namespace WearableEdge.DeviceSim.Motion;

/// <summary>What the wearer and the device are doing between activities.</summary>
internal enum Posture
{
    /// <summary>On the body, standing or sitting.</summary>
    Upright,

    /// <summary>On the body, lying (after a fall or lying down).</summary>
    Lying,

    /// <summary>Not worn: on a table or the floor.</summary>
    OffBody,
}

/// <summary>The timing of one fall, drawn before it is rendered so a caller can place its impact exactly.</summary>
/// <param name="PreSamples">Everyday activity before the loss of balance (walking or standing).</param>
/// <param name="StumbleSamples">Loss of balance before the body drops.</param>
/// <param name="FreeFallSamples">The descent, |a| well below 1 g.</param>
/// <param name="LyingSamples">From the impact (included) to the end of the episode.</param>
internal sealed record FallPlan(int PreSamples, int StumbleSamples, int FreeFallSamples, int LyingSamples)
{
    public int PreImpactSamples => PreSamples + StumbleSamples + FreeFallSamples;
}

/// <summary>
/// The physics of every motion the simulator makes: one implementation behind both
/// <see cref="MotionLibrary.Generate"/> and the live ward's motion stream. Appends 50 Hz
/// tri-axial accelerometer samples, g, to a <see cref="MotionBuffer"/>.
/// </summary>
/// <remarks>
/// <para>
/// Model. An accelerometer measures specific force: gravity's reaction (1 g, pointing "up" in
/// the device's frame, whichever way the device is turned) plus the linear acceleration of the
/// body part, plus sensor noise. The synthesizer keeps the current "up" direction in the device
/// frame; postures turn it, gaits and impacts add linear acceleration along it and across it, and
/// a free fall scales the gravity term towards 0 (a body in free fall measures 0 g).
/// </para>
/// <para>
/// Sources for the magnitudes (published fall-detection literature; numbers are ranges a
/// simulator can honestly claim, not a device's datasheet):
/// falls have a pre-fall, a critical phase (free fall and impact, a few hundred ms) and a
/// post-fall phase of lying (Noury et al., "A proposal for the classification and evaluation of
/// fall detectors", IRBM 2008); the acceleration magnitude drops well below 1 g before impact
/// (lower thresholds of 0.35–0.6 g are used to detect it: Bourke et al., Gait &amp; Posture 2007;
/// Kangas et al., Gait &amp; Posture 2008) and peaks at roughly 3–8 g at the trunk and higher at
/// the wrist on impact (upper thresholds of about 2.5–3.5 g separate falls from daily activity
/// in the same studies; the SisFall data set records falls and daily activities at ±16 g,
/// Sucerquia et al., Sensors 2017). Adult walking cadence is about 100–125 steps/min (Tudor-Locke
/// et al., "How fast is fast enough?", Br J Sports Med 2018); recreational running about
/// 150–180 steps/min.
/// A consumer MEMS accelerometer (for example the ±2/4/8/16 g ranges of Bosch BMI160 or
/// ST LSM6DS parts) clips at its full scale: here ±16 g.
/// </para>
/// <para>Not thread-safe. Every random draw comes from the one <see cref="Random"/> it is given, so
/// the same seed gives the same samples.</para>
/// </remarks>
internal sealed class MotionSynthesizer
{
    public const int RateHz = 50;

    private const double Dt = 1.0 / RateHz;

    /// <summary>Standard gravity, m/s², to turn the physics of a drop into g.</summary>
    private const double StandardGravity = 9.80665;

    /// <summary>Sensor noise per axis, one standard deviation, g (the brief's ~0.01 g; MEMS noise plus mounting jitter).</summary>
    private const double NoiseG = 0.01;

    /// <summary>Full scale of the simulated sensor, g, per axis.</summary>
    private const double SensorRangeG = 16;

    /// <summary>Small gestures while resting: about 3 a minute.</summary>
    private const double GesturesPerSecond = 3.0 / 60;

    /// <summary>Slow posture shifts while resting: about one every 2 minutes.</summary>
    private const double PostureShiftsPerSecond = 0.5 / 60;

    /// <summary>Turning over in bed while asleep: about every 15 minutes (local choice).</summary>
    private const double TurnsOverPerSecond = 1.0 / (15 * 60);

    /// <summary>The longest small gesture, samples.</summary>
    private static readonly int LongestGesture = Seconds(1.5);

    private readonly Random _random;
    private readonly MotionBuffer _buffer;

    /// <summary>"Up" in the device frame while the wearer stands: fixed by how the device is mounted.</summary>
    private readonly Vec3 _standingUp;

    /// <summary>The wearer's walking direction in the device frame while standing.</summary>
    private readonly Vec3 _standingForward;

    /// <summary>Device-frame axis that breathing tilts the device about (projected perpendicular to up).</summary>
    private readonly Vec3 _breathAxis;
    private readonly double _breathHz;
    private readonly double _breathRadians;
    private double _breathPhase;

    /// <summary>Current "up" (gravity reaction) direction in the device frame, unit.</summary>
    private Vec3 _up;

    public MotionSynthesizer(Random random, MotionBuffer buffer)
    {
        _random = random;
        _buffer = buffer;
        Placement = random.NextDouble() < 0.5 ? DevicePlacement.Chest : DevicePlacement.Wrist;

        // Chest strap: y along the body's long axis, z out of the chest. Watch with the arm at the
        // side: x along the forearm. A mounting tilt of up to 20° either way.
        var (up, forward) = Placement == DevicePlacement.Chest
            ? (new Vec3(0, 1, 0), new Vec3(0, 0, 1))
            : (new Vec3(-1, 0, 0), new Vec3(0, 1, 0));
        var tiltAxis = RandomUnit();
        var tilt = Radians(Uniform(0, 20));
        _standingUp = Vec3.Rotate(up, tiltAxis, tilt).Normalized;
        _standingForward = Vec3.Rotate(forward, tiltAxis, tilt).Normalized;
        _up = Sitting();

        // Respiration 12–20 /min; the chest wall tilts a chest sensor by about 0.5–1.5° per breath,
        // a wrist resting on the body far less. This is the "small breathing movement" of lying still.
        _breathAxis = RandomUnit();
        _breathHz = Uniform(12, 20) / 60;
        _breathRadians = Radians(Placement == DevicePlacement.Chest ? Uniform(0.5, 1.5) : Uniform(0.1, 0.4));
    }

    public DevicePlacement Placement { get; }

    public Posture Posture { get; private set; } = Posture.Upright;

    /// <summary>Stream index of the next sample this synthesizer appends.</summary>
    public long Position => _buffer.End;

    /// <summary>
    /// Resting: sitting or standing (or still lying, or the device still on the table, until the
    /// start of the stretch gets the wearer up or puts the device back on). Small gestures about
    /// 3 times a minute (wrist 0.05–0.35 g, chest 0.02–0.1 g), an occasional slow posture shift,
    /// breathing. Peaks stay below about 1.5 g; no free fall.
    /// </summary>
    public void Rest(int samples)
    {
        var end = Position + samples;
        if (Posture == Posture.Lying)
        {
            GetUp(end);
        }
        else if (Posture == Posture.OffBody)
        {
            PutOn(end);
        }

        while (Position < end)
        {
            // A movement starts only if it fits before the end, so a stretch cut short never cuts one.
            var draw = _random.NextDouble();
            if (draw < GesturesPerSecond * Dt && end - Position >= LongestGesture)
            {
                Gesture(end);
            }
            else if (draw < (GesturesPerSecond + PostureShiftsPerSecond) * Dt && end - Position >= Seconds(3))
            {
                // A posture shift: 5–20° over 1.5–3 s.
                var target = Vec3.Rotate(_up, Vec3.Perpendicular(_up), Radians(Uniform(-20, 20)));
                target = Vec3.Angle(target, _standingUp) < Radians(35) ? target : Sitting();
                Turn(target, Seconds(Uniform(1.5, 3)), 0.05, end);
            }
            else
            {
                Emit(_up, 1, default);
            }
        }
    }

    /// <summary>
    /// Walking: 1.6–2.1 steps/s (96–126 steps/min), chest peaks about 1.3–1.6 g, wrist arm swing
    /// 12–25° at the stride rate adding up to about 0.5 g.
    /// </summary>
    public void Walk(int samples) => Gait(samples, new Gait(
        StepHz: Uniform(1.6, 2.1), Floor: Uniform(0.65, 0.8), Contact: Uniform(0.55, 0.7),
        ForwardG: Uniform(0.1, 0.2), SideG: Uniform(0.04, 0.1), SwingDegrees: Uniform(12, 25), ArmMetres: Uniform(0.25, 0.4)));

    /// <summary>
    /// Running: 2.4–3.1 steps/s (144–186 steps/min); a flight phase in every step drops |a| to
    /// 0.1–0.35 g, and foot strikes peak at about 2.3–3.5 g at the chest, more at the wrist.
    /// </summary>
    public void Run(int samples) => Gait(samples, new Gait(
        StepHz: Uniform(2.4, 3.1), Floor: Uniform(0.1, 0.35), Contact: Uniform(0.35, 0.5),
        ForwardG: Uniform(0.2, 0.4), SideG: Uniform(0.1, 0.2), SwingDegrees: Uniform(25, 45), ArmMetres: Uniform(0.2, 0.3)));

    /// <summary>
    /// Stairs: up (1.3–1.8 steps/s, peaks about 1.4–1.6 g) or down (1.6–2.1 steps/s, harder
    /// landings, peaks about 1.8–2.4 g).
    /// </summary>
    public void Stairs(int samples)
    {
        var down = _random.NextDouble() < 0.5;
        Gait(samples, down
            ? new Gait(Uniform(1.6, 2.1), Uniform(0.45, 0.65), Uniform(0.4, 0.55), Uniform(0.1, 0.2), Uniform(0.05, 0.12), Uniform(8, 20), Uniform(0.25, 0.4))
            : new Gait(Uniform(1.3, 1.8), Uniform(0.65, 0.8), Uniform(0.55, 0.65), Uniform(0.1, 0.2), Uniform(0.05, 0.12), Uniform(8, 20), Uniform(0.25, 0.4)));
    }

    /// <summary>Draws the timing of a fall whose wearer stays down <paramref name="lyingSamples"/> from the impact.</summary>
    public FallPlan PlanFall(int lyingSamples) => new(
        PreSamples: Seconds(Uniform(1.5, 3)),
        StumbleSamples: Seconds(Uniform(0.15, 0.4)),
        // Descent from loss of balance to impact. With the |a| profile below, the time under
        // 0.6 g is about 0.3–0.55 s: the published "free fall" phase of a few hundred ms.
        FreeFallSamples: Seconds(Uniform(0.45, 0.7)),
        LyingSamples: lyingSamples);

    /// <summary>
    /// A fall: walking or standing, a stumble, a descent with |a| dropping to 0.1–0.5 g while
    /// the body turns 65–110° (forward, backward or sideways), an impact of 3–7 g (chest) or
    /// 3.5–9 g (wrist) with a damped rebound and sometimes a second, smaller hit, then lying in
    /// the new orientation with breathing only; after 10 s some wearers move a little or try to get up.
    /// </summary>
    /// <returns>The stream index of the impact sample.</returns>
    public long Fall(FallPlan plan)
    {
        var preEnd = Position + plan.PreSamples;
        if (_random.NextDouble() < 0.6)
        {
            Gait(plan.PreSamples, WalkingGait());
        }
        else
        {
            StandUp(preEnd);
            Still(preEnd, gestures: true);
        }

        var (axis, angle) = FallRotation();
        var upright = _up;
        var lying = Vec3.Rotate(upright, axis, angle);
        if (Placement == DevicePlacement.Wrist)
        {
            // The arm lands anywhere: reaching out, under the body, above the head.
            lying = Vec3.Rotate(lying, RandomUnit(), Radians(Uniform(0, 70)));
        }

        lying = lying.Normalized;

        // Stumble: a lurch of 0.2–0.5 g and the first 5–15° of the turn.
        var lurch = RandomHorizontal(upright) * Uniform(0.2, 0.5);
        var stumbleTurn = Radians(Uniform(5, 15)) * Math.Sign(angle);
        var start = Position;
        var stumbleEnd = start + plan.StumbleSamples;
        var stumbleUp = upright;
        while (Position < stumbleEnd)
        {
            var t = Fraction(start, stumbleEnd);
            stumbleUp = Vec3.Rotate(upright, axis, stumbleTurn * Smooth(t));
            Emit(stumbleUp, 1 + (0.15 * Math.Sin(Math.PI * t)), lurch * Math.Sin(Math.PI * t));
        }

        // Descent: |a| falls to the depth within the first 40 % and stays there until impact. A
        // body turning about its feet is not in true free fall: its trunk and wrist keep 0.1–0.5 g
        // (unlike a dropped device, which reads about 0 g).
        var depth = Uniform(0.1, 0.5);
        var flail = Placement == DevicePlacement.Wrist ? Uniform(0.03, 0.1) : Uniform(0.01, 0.04);
        var flailDirection = RandomUnit();
        start = Position;
        var fallEnd = start + plan.FreeFallSamples;
        while (Position < fallEnd)
        {
            var t = (Position - start + 1.0) / plan.FreeFallSamples;
            var scale = 1 - ((1 - depth) * Smooth(Math.Min(1, t / 0.4)));
            Emit(Vec3.Slerp(stumbleUp, lying, 0.7 * t * t), scale, flailDirection * (flail * Math.Sin(2 * Math.PI * 3 * t)));
        }

        // Impact: the floor pushes along the new "up"; the sample at the impact carries the peak.
        var impact = Position;
        var peak = Placement == DevicePlacement.Chest ? Uniform(3, 7) : Uniform(3.5, 9);
        var lyingEnd = impact + plan.LyingSamples;
        var impactUp = Vec3.Slerp(stumbleUp, lying, 0.9);
        var direction = (lying + (RandomUnit() * 0.35)).Normalized;
        var push = LinearForPeak(impactUp, direction, peak);
        var decay = Uniform(0.03, 0.07);
        var ringHz = Uniform(5, 10);
        var secondAt = _random.NextDouble() < 0.6 ? Seconds(Uniform(0.1, 0.35)) : -1;
        var secondPeak = Uniform(0.3, 1.5);
        var settle = Seconds(1);
        while (Position < Math.Min(lyingEnd, impact + settle))
        {
            var k = Position - impact;
            var seconds = k * Dt;
            var linear = direction * (push * Math.Exp(-seconds / decay) * Math.Cos(2 * Math.PI * ringHz * seconds));
            if (secondAt > 0 && k >= secondAt && k <= secondAt + 2)
            {
                linear += lying * (secondPeak * Math.Sin(Math.PI * (k - secondAt + 1) / 4));
            }

            var up = Vec3.Slerp(impactUp, lying, Smooth(Math.Min(1, seconds / 0.3)));
            Emit(up, 1, linear);
        }

        _up = lying;
        Posture = Posture.Lying;
        LieStill(lyingEnd, impact, Position < lyingEnd && _random.NextDouble() < 0.5);
        return impact;
    }

    /// <summary>
    /// Sitting down hard: standing, a short uncontrolled drop (|a| down to 0.5–0.85 g for
    /// 0.35–0.6 s), a 1.5–3 g impact on the seat with a soft rebound (which can dip |a| to about
    /// 0.3–0.8 g for a sample or two), the trunk 5–20° from upright, then sitting. Ends upright.
    /// </summary>
    public void SitDownHard()
    {
        var standEnd = Position + Seconds(Uniform(1, 2));
        StandUp(standEnd);
        Still(standEnd, gestures: false);
        var upright = _up;
        var seated = Vec3.Rotate(upright, Vec3.Perpendicular(upright), Radians(Uniform(5, 20) * (_random.NextDouble() < 0.5 ? -1 : 1)));
        var depth = Uniform(0.5, 0.85);
        var start = Position;
        var dropEnd = start + Seconds(Uniform(0.35, 0.6));
        while (Position < dropEnd)
        {
            var t = (Position - start + 1.0) / (dropEnd - start);
            Emit(Vec3.Slerp(upright, seated, 0.8 * t), 1 - ((1 - depth) * Smooth(Math.Min(1, t / 0.5))), default);
        }

        Thud(seated, Uniform(1.5, 3), Uniform(0.05, 0.1), Uniform(3, 6), Seconds(0.6));
        _up = seated;
        var sitEnd = Position + Seconds(Uniform(3, 8));
        Still(sitEnd, gestures: true);
    }

    /// <summary>
    /// Lying down on purpose: a slow 60–100° turn over 2–5 s with at most about 0.15 g of
    /// movement (|a| stays within about 0.85–1.2 g, no free fall, no impact), then 5–20 s lying still.
    /// </summary>
    public void LieDown()
    {
        var standEnd = Position + Seconds(Uniform(1, 2));
        StandUp(standEnd);
        Still(standEnd, gestures: false);
        var (axis, angle) = FallRotation();
        var lying = Vec3.Rotate(_up, axis, Math.Sign(angle) * Radians(Uniform(60, 100))).Normalized;
        Turn(lying, Seconds(Uniform(2, 5)), Uniform(0.05, 0.15), long.MaxValue);
        Posture = Posture.Lying;
        var lyingEnd = Position + Seconds(Uniform(5, 20));
        LieStill(lyingEnd, Position, moves: false);
    }

    /// <summary>
    /// Jumping, 1–5 jumps: a crouch (|a| about 0.7 g), a push-off of 1.8–2.8 g, a flight of
    /// 0.2–0.45 s at 0.02–0.25 g, a landing of 2.6–5 g (chest) or 3–7 g (wrist); then the wearer
    /// walks or stands on, upright.
    /// </summary>
    public void Jump()
    {
        var standEnd = Position + Seconds(Uniform(1, 2));
        StandUp(standEnd);
        Still(standEnd, gestures: false);
        var upright = _up;
        var jumps = _random.Next(1, 6);
        for (var j = 0; j < jumps; j++)
        {
            Pulse(upright, Seconds(Uniform(0.2, 0.35)), -0.3);
            Pulse(upright, Seconds(Uniform(0.15, 0.25)), Uniform(0.8, 1.8));
            var flightEnd = Position + Seconds(Uniform(0.2, 0.45));
            var level = Uniform(0.02, 0.25);
            var swing = RandomUnit() * (Placement == DevicePlacement.Wrist ? Uniform(0.05, 0.15) : 0.02);
            var start = Position;
            while (Position < flightEnd)
            {
                Emit(upright, level, swing * Math.Sin(Math.PI * Fraction(start, flightEnd)));
            }

            var landing = Placement == DevicePlacement.Chest ? Uniform(2.6, 5) : Uniform(3, 7);
            Thud(Vec3.Rotate(upright, RandomUnit(), Radians(Uniform(0, 5))), landing, Uniform(0.04, 0.09), Uniform(4, 8), Seconds(0.4));
            var pauseEnd = Position + Seconds(Uniform(0.3, 1));
            Still(pauseEnd, gestures: false);
        }

        if (_random.NextDouble() < 0.5)
        {
            Gait(Seconds(Uniform(3, 8)), WalkingGait());
        }
        else
        {
            Still(Position + Seconds(Uniform(3, 6)), gestures: true);
        }
    }

    /// <summary>
    /// The device dropped from 0.5–1.5 m: 0.3–0.55 s of near-0 g free fall while it tumbles
    /// (only the centripetal 0–0.5 g of the spin), a hard impact of 8–16 g (clipped at the
    /// ±16 g full scale), 1–3 bounces, then perfectly still on a face: sensor noise only.
    /// </summary>
    /// <returns>The stream index of the first impact.</returns>
    public long DropDevice()
    {
        var handlingEnd = Position + Seconds(Uniform(1, 2));
        while (Position < handlingEnd)
        {
            Gesture(handlingEnd);
        }

        var height = Uniform(0.5, 1.5);
        var impactSpeed = Math.Sqrt(2 * StandardGravity * height);
        var rest = FlatFace();
        var spinAxis = RandomUnit();
        var spin = Uniform(2, 10);
        var offset = RandomUnit() * Uniform(0.005, 0.015);
        var centripetal = (offset - (spinAxis * Vec3.Dot(spinAxis, offset))) * (-spin * spin / StandardGravity);

        Flight(Seconds(Math.Sqrt(2 * height / StandardGravity)), centripetal, spinAxis, spin);
        var impact = Position;
        var peak = Uniform(8, 18);
        Strike(rest, peak);

        var restitution = Uniform(0.2, 0.45);
        var speed = impactSpeed * restitution;
        for (var bounce = 0; bounce < 3; bounce++)
        {
            var flight = Seconds(2 * speed / StandardGravity);
            if (flight < 3)
            {
                break;
            }

            Flight(flight, centripetal * restitution, spinAxis, spin * restitution);
            Strike(rest, Math.Max(1.5, peak * speed / impactSpeed));
            speed *= restitution;
        }

        // Rocking to rest on its face over 0.1–0.4 s, then nothing but sensor noise.
        var rockFrom = _up;
        var rockEnd = Position + Seconds(Uniform(0.1, 0.4));
        var start = Position;
        var wobble = RandomUnit() * Uniform(0.05, 0.2);
        while (Position < rockEnd)
        {
            var t = Fraction(start, rockEnd);
            Emit(Vec3.Slerp(rockFrom, rest, Smooth(t)), 1, wobble * ((1 - t) * Math.Sin(2 * Math.PI * 8 * t)), onBody: false);
        }

        _up = rest;
        Posture = Posture.OffBody;
        Still(Position + Seconds(Uniform(8, 30)), gestures: false);
        return impact;
    }

    /// <summary>
    /// The device taken off and put down on a table: 2–5 s of handling (up to about 0.3 g) while it
    /// turns to its resting face, a gentle set-down (at most about 1.5 g), then perfectly still.
    /// </summary>
    public void RemoveDevice()
    {
        var rest = FlatFace();
        var held = Vec3.Slerp(_up, rest, Uniform(0.4, 0.8));
        Turn(held, Seconds(Uniform(2, 5)), Uniform(0.1, 0.3), long.MaxValue);
        Turn(rest, Seconds(Uniform(0.5, 1)), Uniform(0.05, 0.15), long.MaxValue);
        Posture = Posture.OffBody;
        Thud(rest, Uniform(1.1, 1.5), 0.03, Uniform(8, 12), Seconds(0.2));
        _up = rest;
        Still(Position + Seconds(Uniform(10, 60)), gestures: false);
    }

    /// <summary>
    /// Asleep in bed (the live ward's nights; not used by <see cref="MotionLibrary"/>): lies down
    /// first if not lying (<see cref="LieDown"/>, which may run past <paramref name="samples"/>),
    /// then lies still with breathing, turning over about every 15 min (30–90° about the body's
    /// long axis over 2–4 s, up to 0.15 g; a local choice).
    /// </summary>
    public void Sleep(int samples)
    {
        var end = Position + samples;
        if (Posture != Posture.Lying)
        {
            LieDown();
        }

        while (Position < end)
        {
            if (_random.NextDouble() < TurnsOverPerSecond * Dt && end - Position >= Seconds(4))
            {
                var sign = _random.NextDouble() < 0.5 ? -1 : 1;
                Turn(Vec3.Rotate(_up, _standingUp, sign * Radians(Uniform(30, 90))).Normalized, Seconds(Uniform(2, 4)), Uniform(0.05, 0.15), end);
            }
            else
            {
                Emit(_up, 1, default);
            }
        }
    }

    /// <summary>
    /// The device off the body and lying still (the live ward's device-removed event, after
    /// <see cref="RemoveDevice"/>): sensor noise only. The next activity puts it back on.
    /// </summary>
    public void StayOff(int samples)
    {
        Posture = Posture.OffBody;
        Still(Position + samples, gestures: false);
    }

    /// <summary>A periodic gait; the synthesizer first turns upright if it is not.</summary>
    private void Gait(int samples, Gait gait)
    {
        var end = Position + samples;
        StandUp(end);
        var start = Position;
        var up = _standingUp;
        var from = _up;
        var forward = Forward(up);
        var side = Vec3.Cross(up, forward);
        var phase = _random.NextDouble();
        var rate = gait.StepHz;
        var amplitude = 1.0;
        var k = (1 - gait.Floor) * Math.PI / (2 * gait.Contact);
        var swing = Radians(gait.SwingDegrees);
        var armCycle = Math.PI * gait.StepHz;
        var envelopeSamples = Seconds(0.5);
        while (Position < end)
        {
            var before = Math.Floor(phase);
            phase += rate * Dt;
            if (Math.Floor(phase) != before)
            {
                // Every step a little different: ±3 % cadence, ±8 % force.
                rate = gait.StepHz * (1 + GaussianNoise.Next(_random, 0.03));
                amplitude = Math.Max(0.7, 1 + GaussianNoise.Next(_random, 0.08));
            }

            var n = Position - start;
            var envelope = Math.Min(1, Math.Min(n, end - Position) / (double)envelopeSamples);
            var frac = phase - Math.Floor(phase);
            var h = frac < gait.Contact ? Math.Sin(Math.PI * frac / gait.Contact) : 0;

            // Vertical force: a contact pulse with a mean of exactly 1 g over the step (the body
            // neither rises nor sinks on average), the floor between contacts at gait.Floor.
            var vertical = 1 + (envelope * amplitude * k * (h - (2 * gait.Contact / Math.PI)));
            var linear = (forward * (envelope * gait.ForwardG * Math.Sin((2 * Math.PI * frac) + 1)))
                + (side * (envelope * gait.SideG * Math.Sin(Math.PI * phase)));
            var deviceUp = Vec3.Slerp(from, up, Smooth(Math.Min(1, n / (double)envelopeSamples)));
            if (Placement == DevicePlacement.Wrist)
            {
                // The arm swings as a pendulum at the stride rate (half the step rate): it tilts the
                // device and adds the tangential (θ'' r) and centripetal (θ'² r) acceleration.
                var angle = envelope * swing * Math.Sin(Math.PI * phase);
                var angularSpeed = envelope * swing * armCycle * Math.Cos(Math.PI * phase);
                deviceUp = Vec3.Rotate(deviceUp, side, angle);
                linear += forward * (-angle * armCycle * armCycle * gait.ArmMetres / StandardGravity);
                linear += deviceUp * (angularSpeed * angularSpeed * gait.ArmMetres / StandardGravity);
                vertical = 1 + (0.6 * (vertical - 1));
            }

            Emit(deviceUp, vertical, linear);
        }

        _up = up;
    }

    private Gait WalkingGait() => new(
        Uniform(1.6, 2.1), Uniform(0.65, 0.8), Uniform(0.55, 0.7), Uniform(0.1, 0.2), Uniform(0.04, 0.1), Uniform(12, 25), Uniform(0.25, 0.4));

    /// <summary>Lying until <paramref name="end"/>: breathing only; with <paramref name="moves"/>, after 10 s a little movement or an attempt to get up.</summary>
    private void LieStill(long end, long since, bool moves)
    {
        var lying = _up;
        var earliest = since + Seconds(10);
        if (moves && end - earliest > Seconds(5))
        {
            Still(earliest + _random.NextInt64(0, (end - earliest) / 2), gestures: false);
            if (_random.NextDouble() < 0.4)
            {
                // Trying to get up: 20–45° towards upright over 1.5–3 s, held 1–3 s, slumping back over 1–2 s.
                var partway = Vec3.Slerp(lying, _standingUp, Math.Min(1, Radians(Uniform(20, 45)) / Math.Max(Vec3.Angle(lying, _standingUp), 1e-3)));
                Turn(partway, Seconds(Uniform(1.5, 3)), Uniform(0.1, 0.3), end);
                Still(Math.Min(end, Position + Seconds(Uniform(1, 3))), gestures: false);
                Turn(lying, Seconds(Uniform(1, 2)), Uniform(0.05, 0.2), end);
            }
            else
            {
                var bursts = _random.Next(1, 4);
                for (var b = 0; b < bursts && Position < end; b++)
                {
                    Gesture(end);
                    Still(Math.Min(end, Position + Seconds(Uniform(1, 5))), gestures: false);
                }
            }
        }

        Still(end, gestures: false);
    }

    /// <summary>Holds the current orientation until <paramref name="end"/>; with <paramref name="gestures"/>, small movements about 3 a minute.</summary>
    private void Still(long end, bool gestures)
    {
        var onBody = Posture != Posture.OffBody;
        while (Position < end)
        {
            if (gestures && onBody && _random.NextDouble() < GesturesPerSecond * Dt && end - Position >= LongestGesture)
            {
                Gesture(end);
            }
            else
            {
                Emit(_up, 1, default, onBody);
            }
        }
    }

    /// <summary>A small movement of 0.4–1.5 s at 1–3 Hz, leaving the device turned a little.</summary>
    private void Gesture(long end)
    {
        var wrist = Placement == DevicePlacement.Wrist;
        var amplitude = wrist ? Uniform(0.05, 0.35) : Uniform(0.02, 0.1);
        var hz = Uniform(1, 3);
        var direction = RandomUnit();
        var from = _up;
        var to = Vec3.Rotate(from, RandomUnit(), Radians(Uniform(0, wrist ? 25 : 5)));
        if (Posture == Posture.Upright && Vec3.Angle(to, _standingUp) > Radians(45))
        {
            to = from;
        }

        var start = Position;
        var gestureEnd = Math.Min(end, start + Seconds(Uniform(0.4, 1.5)));
        while (Position < gestureEnd)
        {
            var t = Fraction(start, gestureEnd);
            Emit(Vec3.Slerp(from, to, Smooth(t)), 1, direction * (amplitude * Math.Sin(Math.PI * t) * Math.Sin(2 * Math.PI * hz * t * (gestureEnd - start) * Dt)));
        }

        _up = to;
    }

    /// <summary>Turns smoothly to <paramref name="target"/> over <paramref name="samples"/> (stopping at <paramref name="end"/>) with a movement of up to <paramref name="bumpG"/>.</summary>
    private void Turn(Vec3 target, int samples, double bumpG, long end)
    {
        var from = _up;
        var bump = RandomUnit() * bumpG;
        var start = Position;
        var turnEnd = Math.Min(end, start + Math.Max(1, samples));
        var onBody = Posture != Posture.OffBody;
        while (Position < turnEnd)
        {
            var t = (Position - start + 1.0) / Math.Max(1, samples);
            Emit(Vec3.Slerp(from, target, Smooth(t)), 1, bump * Math.Sin(2 * Math.PI * t), onBody);
        }

        _up = Vec3.Slerp(from, target, Smooth((Position - start) / (double)Math.Max(1, samples)));
    }

    /// <summary>Gets the wearer up from lying or puts the device back on, when needed, before <paramref name="end"/>.</summary>
    private void StandUp(long end)
    {
        if (Posture == Posture.Lying)
        {
            GetUp(end);
        }
        else if (Posture == Posture.OffBody)
        {
            PutOn(end);
        }
    }

    /// <summary>Getting up from lying: 2–4 s turn back to sitting, pushing up with 0.15–0.35 g; no free fall.</summary>
    private void GetUp(long end)
    {
        Turn(Sitting(), Seconds(Uniform(2, 4)), Uniform(0.15, 0.35), end);
        Posture = Posture.Upright;
    }

    /// <summary>Picking the device up and putting it back on: 2–5 s of handling up to about 0.4 g.</summary>
    private void PutOn(long end)
    {
        Turn(Vec3.Slerp(_up, RandomUnit(), 0.5), Seconds(Uniform(0.6, 1)), Uniform(0.2, 0.4), end);
        Posture = Posture.Upright;
        Turn(Sitting(), Seconds(Uniform(1.5, 4)), Uniform(0.1, 0.3), end);
    }

    /// <summary>A smooth change of |a| by <paramref name="deltaG"/> along <paramref name="up"/> over <paramref name="samples"/>.</summary>
    private void Pulse(Vec3 up, int samples, double deltaG)
    {
        var start = Position;
        var pulseEnd = start + samples;
        while (Position < pulseEnd)
        {
            Emit(up, 1 + (deltaG * Math.Sin(Math.PI * (Position - start + 0.5) / samples)), default);
        }

        _up = up;
    }

    /// <summary>An impact whose sample reaches about <paramref name="peak"/> g, then a damped rebound, for <paramref name="samples"/>.</summary>
    private void Thud(Vec3 up, double peak, double decaySeconds, double ringHz, int samples)
    {
        var direction = (up + (RandomUnit() * 0.2)).Normalized;
        var push = LinearForPeak(up, direction, peak);
        var start = Position;
        var thudEnd = start + samples;
        var onBody = Posture != Posture.OffBody;
        while (Position < thudEnd)
        {
            var seconds = (Position - start) * Dt;
            Emit(up, 1, direction * (push * Math.Exp(-seconds / decaySeconds) * Math.Cos(2 * Math.PI * ringHz * seconds)), onBody);
        }

        _up = up;
    }

    /// <summary>A device in free fall: no gravity term, only the centripetal force of its spin; the orientation tumbles.</summary>
    private void Flight(int samples, Vec3 centripetal, Vec3 spinAxis, double spin)
    {
        var flightEnd = Position + samples;
        while (Position < flightEnd)
        {
            _up = Vec3.Rotate(_up, spinAxis, spin * Dt);
            Emit(_up, 0, centripetal, onBody: false);
        }
    }

    /// <summary>A hard, short strike of a dropped device: one sample at <paramref name="peak"/> (clipped by the sensor), a ring-down.</summary>
    private void Strike(Vec3 rest, double peak)
    {
        var direction = (rest + (RandomUnit() * 0.3)).Normalized;
        Emit(rest, 0, direction * peak, onBody: false);
        Emit(rest, 0.5, direction * (-0.25 * peak), onBody: false);
        Emit(rest, 1, direction * (0.08 * peak), onBody: false);
        _up = rest;
    }

    /// <summary>Appends one sample: up × <paramref name="gravityScale"/> + <paramref name="linear"/> (+ breathing when worn) + noise, clipped to the sensor's range.</summary>
    private void Emit(Vec3 up, double gravityScale, Vec3 linear, bool onBody = true)
    {
        _breathPhase += _breathHz * Dt;
        if (onBody)
        {
            var axis = _breathAxis - (up * Vec3.Dot(up, _breathAxis));
            if (axis.Length > 1e-6)
            {
                up = Vec3.Rotate(up, axis.Normalized, _breathRadians * Math.Sin(2 * Math.PI * _breathPhase));
            }
        }

        var a = (up * gravityScale) + linear;
        _buffer.Add(new Vec3(
            Math.Clamp(a.X + GaussianNoise.Next(_random, NoiseG), -SensorRangeG, SensorRangeG),
            Math.Clamp(a.Y + GaussianNoise.Next(_random, NoiseG), -SensorRangeG, SensorRangeG),
            Math.Clamp(a.Z + GaussianNoise.Next(_random, NoiseG), -SensorRangeG, SensorRangeG)));
    }

    /// <summary>How far along <paramref name="direction"/> to push so that |up + push × direction| = <paramref name="peak"/>.</summary>
    private static double LinearForPeak(Vec3 up, Vec3 direction, double peak)
    {
        var along = Vec3.Dot(up, direction);
        return -along + Math.Sqrt(Math.Max(0, (along * along) - 1 + (peak * peak)));
    }

    /// <summary>A fall's turn: about the body's side axis (forward or backward) or its forward axis (sideways), 65–110°.</summary>
    private (Vec3 Axis, double Radians) FallRotation()
    {
        var forward = Forward(_up);
        var side = Vec3.Cross(_up, forward).Normalized;
        var axis = _random.NextDouble() < 0.5 ? side : forward;
        var sign = _random.NextDouble() < 0.5 ? -1 : 1;
        return (axis, sign * Radians(Uniform(65, 110)));
    }

    /// <summary>The walking direction, perpendicular to <paramref name="up"/>.</summary>
    private Vec3 Forward(Vec3 up)
    {
        var forward = _standingForward - (up * Vec3.Dot(up, _standingForward));
        return forward.Length > 1e-3 ? forward.Normalized : Vec3.Perpendicular(up);
    }

    /// <summary>Sitting or standing: within 20° of the standing orientation.</summary>
    private Vec3 Sitting() => Vec3.Rotate(_standingUp, RandomUnit(), Radians(Uniform(0, 20))).Normalized;

    /// <summary>A device lying on a table or the floor: on its back most often, else its face or a side, tilted up to 5°.</summary>
    private Vec3 FlatFace()
    {
        var draw = _random.NextDouble();
        var face = draw switch
        {
            < 0.6 => new Vec3(0, 0, 1),
            < 0.75 => new Vec3(0, 0, -1),
            < 0.85 => new Vec3(1, 0, 0),
            < 0.95 => new Vec3(0, 1, 0),
            _ => new Vec3(-1, 0, 0),
        };
        return Vec3.Rotate(face, RandomUnit(), Radians(Uniform(0, 5))).Normalized;
    }

    private Vec3 RandomHorizontal(Vec3 up)
    {
        var v = RandomUnit();
        var horizontal = v - (up * Vec3.Dot(up, v));
        return horizontal.Length > 1e-3 ? horizontal.Normalized : Vec3.Perpendicular(up);
    }

    private Vec3 RandomUnit() =>
        new Vec3(GaussianNoise.Next(_random, 1), GaussianNoise.Next(_random, 1), GaussianNoise.Next(_random, 1)).Normalized;

    private double Uniform(double min, double max) => GaussianNoise.Uniform(_random, min, max);

    private static int Seconds(double seconds) => Math.Max(1, (int)Math.Round(seconds * RateHz));

    private static double Radians(double degrees) => degrees * Math.PI / 180;

    private double Fraction(long start, long end) => end > start ? (Position - start + 0.5) / (end - start) : 1;

    /// <summary>Smoothstep on [0, 1]: no jump in rate at either end of a movement.</summary>
    private static double Smooth(double x)
    {
        var t = Math.Clamp(x, 0, 1);
        return t * t * (3 - (2 * t));
    }
}

/// <summary>One gait's parameters.</summary>
/// <param name="StepHz">Steps per second.</param>
/// <param name="Floor">Vertical force between foot contacts, g (near 0 in running's flight phase).</param>
/// <param name="Contact">Fraction of a step with the foot striking.</param>
/// <param name="ForwardG">Braking and propulsion, g.</param>
/// <param name="SideG">Side-to-side sway at the stride rate, g.</param>
/// <param name="SwingDegrees">Wrist only: arm swing amplitude.</param>
/// <param name="ArmMetres">Wrist only: distance of the wrist from the shoulder's pivot, effective.</param>
internal readonly record struct Gait(double StepHz, double Floor, double Contact, double ForwardG, double SideG, double SwingDegrees, double ArmMetres);
