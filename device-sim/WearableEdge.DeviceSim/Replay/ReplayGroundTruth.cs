using System.Text.Json;

namespace WearableEdge.DeviceSim.Replay;

/// <summary>
/// The replay's ground truth, in the simulator's JSON-lines format (device-sim/README.md): per stay a
/// <c>monitored</c> line (onset = the device start, end = the end of its last hour) and, for a septic
/// stay, a <c>sepsis</c> line (onset = t_sepsis = the first <c>SepsisLabel</c> = 1 hour + 6 h; end = the
/// end of the stay's data, or the onset if the data ends before it). Both carry <c>"source":"physionet"</c>.
/// A replay cut short by a duration monitors each stay only up to it, and writes no sepsis line whose
/// onset falls after it.
/// </summary>
internal static class ReplayGroundTruth
{
    public const string Source = "physionet";

    public static async Task WriteAsync(string path, IReadOnlyList<PhysioNetStay> stays, int seed, DateTimeOffset deviceStart, TimeSpan? cut, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stays);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        await using (stream.ConfigureAwait(false))
        {
            foreach (var stay in stays)
            {
                await stream.WriteAsync(Lines(stay, seed, deviceStart, cut), cancellationToken).ConfigureAwait(false);
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The stay's lines: <c>monitored</c>, then <c>sepsis</c> if it is septic (and its onset is not after <paramref name="cut"/>).</summary>
    /// <param name="stay">The stay.</param>
    /// <param name="seed">The replay's seed, recorded in each line.</param>
    /// <param name="deviceStart">Device time of the stay's hour 0.</param>
    /// <param name="cut">Device time after which the replay stops; null when it plays every stay to its end.</param>
    public static byte[] Lines(PhysioNetStay stay, int seed, DateTimeOffset deviceStart, TimeSpan? cut = null)
    {
        ArgumentNullException.ThrowIfNull(stay);
        var start = deviceStart.ToUniversalTime();
        var replayed = cut is { } c && c < stay.Length ? c : stay.Length;
        using var buffer = new MemoryStream();
        Line(buffer, stay, "monitored", start, start + replayed, seed);
        if (stay.SepsisOnset is { } onset && (cut is null || onset <= cut))
        {
            Line(buffer, stay, "sepsis", start + onset, start + (onset > replayed ? onset : replayed), seed);
        }

        return buffer.ToArray();
    }

    private static void Line(MemoryStream buffer, PhysioNetStay stay, string kind, DateTimeOffset onset, DateTimeOffset end, int seed)
    {
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("patientId", PhysioNetReplayGenerator.PatientId(stay.Name));
            writer.WriteString("deviceId", PhysioNetReplayGenerator.DeviceId(stay.Name));
            writer.WriteString("event", kind);
            writer.WriteString("onset", onset);
            writer.WriteString("end", end);
            writer.WriteNumber("seed", seed);
            writer.WriteString("source", Source);
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
    }
}
