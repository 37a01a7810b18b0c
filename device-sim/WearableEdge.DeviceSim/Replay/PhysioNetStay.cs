using System.Globalization;

namespace WearableEdge.DeviceSim.Replay;

/// <summary>The signs a wearable could measure, in the order <see cref="HourlyVitals"/> holds them.</summary>
internal enum ReplaySign
{
    /// <summary>PSV column <c>HR</c>, beats/min.</summary>
    HeartRate,

    /// <summary>PSV column <c>O2Sat</c>, pulse oximetry %.</summary>
    SpO2,

    /// <summary>PSV column <c>Resp</c>, breaths/min.</summary>
    RespirationRate,

    /// <summary>PSV column <c>Temp</c>, °C.</summary>
    TemperatureC,

    /// <summary>PSV column <c>SBP</c>, mm Hg.</summary>
    SystolicBp,
}

/// <summary>One hour's charted values of the <see cref="ReplaySign"/>s; null where the chart has <c>NaN</c>.</summary>
internal sealed record HourlyVitals(double?[] Values)
{
    public double? this[ReplaySign sign] => Values[(int)sign];

    /// <summary>Whether any sign was charted in this hour.</summary>
    public bool Any => Values.Any(v => v is not null);
}

/// <summary>
/// One ICU stay of the PhysioNet/CinC Challenge 2019 (one <c>.psv</c> file: a header, then one
/// row per ICU hour, <c>NaN</c> for missing; device-sim/README.md, "Replaying PhysioNet 2019").
/// Row <c>r</c> (0-based) is device hour <c>[r, r+1)</c> after the stay's device start. Only the
/// five wearable-like vitals and <c>SepsisLabel</c> are kept: a stay is a few kilobytes.
/// </summary>
internal sealed record PhysioNetStay(string Name, IReadOnlyList<HourlyVitals> Hours, int? FirstSepsisLabelHour)
{
    /// <summary>Hours between the first <c>SepsisLabel</c> = 1 and the Sepsis-3 onset t_sepsis (Reyna et al. 2020, the Challenge's labelling).</summary>
    public const int LabelLeadHours = 6;

    /// <summary>
    /// Ranges outside which a charted value is left out rather than replayed: the gateway's
    /// plausibility ranges (edge-service Ingest/PayloadDecoder.cs), which would reject the whole
    /// message for one such value.
    /// </summary>
    public static readonly IReadOnlyList<(double Min, double Max)> PlausibleRanges =
    [
        (20, 300), // HR
        (50, 100), // SpO2
        (1, 80), // RR
        (25, 45), // Temp °C
        (40, 300), // SBP
    ];

    private static readonly string[] Columns = ["HR", "O2Sat", "Resp", "Temp", "SBP"];

    /// <summary>Device time from the stay's start to the Sepsis-3 onset: first labelled hour + 6 h; null for a non-septic stay.</summary>
    public TimeSpan? SepsisOnset => FirstSepsisLabelHour is { } hour ? TimeSpan.FromHours(hour + LabelLeadHours) : null;

    /// <summary>Device time the stay's rows cover: one hour per row.</summary>
    public TimeSpan Length => TimeSpan.FromHours(Hours.Count);

    /// <summary>Charted values left out because they fall outside <see cref="PlausibleRanges"/>.</summary>
    public int ImplausibleValues { get; init; }

    /// <summary>Reads a stay from a <c>.psv</c> file; its name is the file name without extension (<c>p100004</c>).</summary>
    /// <exception cref="InvalidDataException">The file lacks a needed column or a row has the wrong number of fields.</exception>
    public static PhysioNetStay Read(string path)
    {
        using var reader = new StreamReader(path);
        return Read(Path.GetFileNameWithoutExtension(path), reader);
    }

    public static PhysioNetStay Read(string name, TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = (reader.ReadLine() ?? throw new InvalidDataException($"{name}: empty file.")).Split('|');
        var columns = Columns.Select(c => Array.IndexOf(header, c)).ToArray();
        var labelColumn = Array.IndexOf(header, "SepsisLabel");
        if (columns.Any(c => c < 0) || labelColumn < 0)
        {
            throw new InvalidDataException($"{name}: the header needs the columns {string.Join(", ", Columns)} and SepsisLabel.");
        }

        var hours = new List<HourlyVitals>();
        int? firstLabel = null;
        var implausible = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split('|');
            if (fields.Length != header.Length)
            {
                throw new InvalidDataException($"{name}: row {hours.Count + 1} has {fields.Length} fields, the header {header.Length}.");
            }

            var values = new double?[Columns.Length];
            for (var s = 0; s < Columns.Length; s++)
            {
                if (Number(fields[columns[s]]) is { } value)
                {
                    if (value >= PlausibleRanges[s].Min && value <= PlausibleRanges[s].Max)
                    {
                        values[s] = value;
                    }
                    else
                    {
                        implausible++;
                    }
                }
            }

            if (firstLabel is null && Number(fields[labelColumn]) == 1)
            {
                firstLabel = hours.Count;
            }

            hours.Add(new HourlyVitals(values));
        }

        return new PhysioNetStay(name, hours, firstLabel) { ImplausibleValues = implausible };
    }

    private static double? Number(string field) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;

    /// <summary>
    /// The stays of <paramref name="directory"/> (its <c>.psv</c> files, or those of its <c>patients</c>
    /// subfolder), sorted by file name (ordinal), the first <paramref name="count"/> of them (all when null).
    /// Lists names only; reading is left to the caller.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist or holds no <c>.psv</c> file.</exception>
    public static IReadOnlyList<string> Files(string directory, int? count)
    {
        var folder = Directory.Exists(Path.Combine(directory, "patients")) ? Path.Combine(directory, "patients") : directory;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"no such folder '{directory}'.");
        }

        var files = Directory.EnumerateFiles(folder, "*.psv").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new DirectoryNotFoundException($"'{folder}' holds no .psv file.");
        }

        return count is { } n ? files.Take(n).ToList() : files;
    }
}
