using System.Globalization;

namespace WearableEdge.Benchmarks.EndToEnd;

/// <summary>
/// What the load generator offers: <see cref="Patients"/> simulated wearables, each sending vitals
/// at 1 Hz (one sample per message) and, unless <see cref="OneSamplePerMessage"/>, 50 Hz motion
/// batched per <see cref="MotionBatchSeconds"/>, over <see cref="Connections"/> MQTT connections
/// (a hub or phone carries many devices). Every <see cref="DesaturationEvery"/>-th patient has a
/// desaturation episode (SpO2 86 %, below the 90 % alert threshold) of 40 s every 120 s, so the
/// service raises alerts whose latency can be measured.
/// </summary>
internal sealed record LoadShape(int Patients, int Connections, double MotionBatchSeconds, bool OneSamplePerMessage, int DesaturationEvery)
{
    /// <summary>Accelerometer rate of the contract's fall model (docs/contract.md: 50 Hz).</summary>
    public const int MotionRateHz = 50;

    public static readonly TimeSpan EpisodePeriod = TimeSpan.FromSeconds(120);

    public static readonly TimeSpan EpisodeLength = TimeSpan.FromSeconds(40);

    public int MotionSamplesPerMessage => (int)Math.Round(MotionRateHz * MotionBatchSeconds);

    public double OfferedMessagesPerSecond => Patients * (1 + (OneSamplePerMessage ? 0 : 1 / MotionBatchSeconds));

    public double OfferedSamplesPerSecond => Patients * (1.0 + (OneSamplePerMessage ? 0 : MotionRateHz));

    public static string PatientId(int index) => string.Create(CultureInfo.InvariantCulture, $"bench-{index:00000}");

    public bool IsDesaturating(int index) => DesaturationEvery > 0 && index % DesaturationEvery == 0;

    /// <summary>Episodes are staggered: the k-th desaturating patient starts 7 s after the (k−1)-th, modulo the period.</summary>
    public bool InEpisode(int index, TimeSpan sinceStart)
    {
        if (!IsDesaturating(index))
        {
            return false;
        }

        var offset = TimeSpan.FromSeconds(index / DesaturationEvery * 7.0 % EpisodePeriod.TotalSeconds);
        var at = (sinceStart - offset).Ticks;
        return at >= 0 && at % EpisodePeriod.Ticks < EpisodeLength.Ticks;
    }

    public IEnumerable<string> ToArgs() =>
    [
        "--patients", Patients.ToString(CultureInfo.InvariantCulture),
        "--connections", Connections.ToString(CultureInfo.InvariantCulture),
        "--motion-batch", MotionBatchSeconds.ToString(CultureInfo.InvariantCulture),
        "--samples-per-message", OneSamplePerMessage ? "1" : "0",
        "--desaturation-every", DesaturationEvery.ToString(CultureInfo.InvariantCulture),
    ];

    public static LoadShape Parse(BenchmarkArguments args, int patients) => new(
        patients,
        args.Int("--connections", 8),
        args.Double("--motion-batch", 0.5),
        args.Int("--samples-per-message", 0) == 1,
        args.Int("--desaturation-every", 10));
}

/// <summary><c>--name value</c> pairs of the command line.</summary>
internal sealed class BenchmarkArguments(string[] args)
{
    public string? String(string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    public bool Flag(string name) => args.Contains(name, StringComparer.Ordinal);

    public int Int(string name, int fallback) => String(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => String(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public IReadOnlyList<int> Ints(string name, IReadOnlyList<int> fallback) => String(name) is { } text
        ? [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => int.Parse(t, CultureInfo.InvariantCulture))]
        : fallback;
}
