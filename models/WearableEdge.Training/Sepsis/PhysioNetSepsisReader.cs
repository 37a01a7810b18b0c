using System.Globalization;
using WearableEdge.Clinical.Samples;

namespace WearableEdge.Training.Sepsis;

/// <summary>
/// One ICU stay of the PhysioNet/CinC Challenge 2019 data: one row per hour, the wearable-grade
/// vitals only (HR, O2Sat, Resp, Temp, SBP; MAP and DBP are not read because the wearable
/// contract has neither), age, and the hourly SepsisLabel.
/// </summary>
/// <param name="Hours">Vitals per ICU hour, row 0 = hour 1; a missing value is null.</param>
/// <param name="AgeYears">Age (100 means 90 or older), null when missing.</param>
/// <param name="Labels">SepsisLabel per hour.</param>
internal sealed record SepsisStay(IReadOnlyList<VitalSigns> Hours, double? AgeYears, bool[] Labels)
{
    public bool Septic => Array.IndexOf(Labels, true) >= 0;
}

/// <summary>
/// Reads the Challenge's pipe-separated <c>patients/p*.psv</c> files (format in the data folder's
/// README). Only the columns a wearable or a home kit can give are read; labs and the ICU
/// bookkeeping columns (ICULOS, HospAdmTime, Unit1/2) are ignored on purpose.
/// </summary>
internal static class PhysioNetSepsisReader
{
    /// <summary>The columns read, as named in the PSV header.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["HR", "O2Sat", "Resp", "Temp", "SBP", "Age", "SepsisLabel"];

    /// <summary>
    /// The patient files under <paramref name="dataPath"/> (the physionet2019-sepsis folder or its
    /// <c>patients</c> folder), sorted by name; the first <paramref name="maxPatients"/> when given.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No such folder, or no .psv files in it.</exception>
    public static IReadOnlyList<string> PatientFiles(string dataPath, int? maxPatients = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataPath);
        var full = Path.GetFullPath(dataPath);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException(
                $"No data folder at '{full}'. Pass --data <path to physionet2019-sepsis>, the folder holding patients/*.psv and README.md.");
        }

        var patients = Path.Combine(full, "patients");
        var folder = Directory.Exists(patients) ? patients : full;
        var files = Directory.GetFiles(folder, "*.psv").OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new DirectoryNotFoundException(
                $"No PhysioNet 2019 patient files (*.psv) in '{folder}'. Pass --data <path to physionet2019-sepsis>, the folder holding patients/*.psv.");
        }

        return maxPatients is { } max ? files.Take(max).ToList() : files;
    }

    /// <summary>Reads one stay.</summary>
    /// <exception cref="InvalidDataException">A required column is missing or a value does not parse.</exception>
    public static SepsisStay Read(string file)
    {
        using var reader = new StreamReader(file);
        var header = reader.ReadLine()?.Split('|') ?? throw new InvalidDataException($"'{Path.GetFileName(file)}' is empty.");
        var index = Columns.Select(c => Array.IndexOf(header, c)).ToArray();
        var missing = Columns.Where((_, i) => index[i] < 0).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"'{Path.GetFileName(file)}' lacks the column(s) {string.Join(", ", missing)}.");
        }

        var hours = new List<VitalSigns>();
        var labels = new List<bool>();
        double? age = null;
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split('|');
            double? Value(int column)
            {
                var text = cells[index[column]];
                if (text == "NaN")
                {
                    return null;
                }

                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                    ? v
                    : throw new InvalidDataException($"'{Path.GetFileName(file)}' line {lineNumber}: '{text}' is not a number ({Columns[column]}).");
            }

            hours.Add(new VitalSigns(HeartRate: Value(0), SpO2: Value(1), RespirationRate: Value(2), Temperature: Value(3), SystolicBp: Value(4)));
            age ??= Value(5);
            labels.Add(Value(6) == 1);
        }

        return new SepsisStay(hours, age, [.. labels]);
    }
}
