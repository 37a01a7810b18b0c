using System.Globalization;

namespace WearableEdge.DeviceSim.Tests.Replay;

/// <summary>A temporary PhysioNet 2019 folder of hand-written stays, with the Challenge's 41-column header.</summary>
internal sealed class PsvFolder : IDisposable
{
    public const string Header =
        "HR|O2Sat|Temp|SBP|MAP|DBP|Resp|EtCO2|BaseExcess|HCO3|FiO2|pH|PaCO2|SaO2|AST|BUN|Alkalinephos|Calcium|Chloride|Creatinine|"
        + "Bilirubin_direct|Glucose|Lactate|Magnesium|Phosphate|Potassium|Bilirubin_total|TroponinI|Hct|Hgb|PTT|WBC|Fibrinogen|"
        + "Platelets|Age|Gender|Unit1|Unit2|HospAdmTime|ICULOS|SepsisLabel";

    public PsvFolder()
    {
        Path = Directory.CreateTempSubdirectory("physionet-").FullName;
        Directory.CreateDirectory(Patients);
    }

    public string Path { get; }

    public string Patients => System.IO.Path.Combine(Path, "patients");

    /// <summary>
    /// p000001, not septic: hour 0 every sign, hour 1 nothing charted, hour 2 all but temperature.
    /// p000002, septic: SepsisLabel 1 from hour 2 (so t_sepsis = 8 h); HR climbs 100 → 120 → 140 → 140;
    /// SpO2 missing in hour 1; an implausible SpO2 of 20 % in hour 3.
    /// </summary>
    public static PsvFolder TwoStays()
    {
        var folder = new PsvFolder();
        folder.Write("p000001", [Row(80, 97, 37.0, 120, 16), Row(), Row(90, 95, null, 110, 18)]);
        folder.Write("p000002",
        [
            Row(100, 96, 38.0, 110, 20),
            Row(120, null, 38.4, 100, 24),
            Row(140, 93, 38.9, 95, 26, label: 1),
            Row(140, 20, null, 90, 28, label: 1),
        ]);
        return folder;
    }

    public void Write(string name, IEnumerable<string> rows) =>
        File.WriteAllLines(System.IO.Path.Combine(Patients, name + ".psv"), [Header, .. rows.Select((row, i) => row.Replace("{ICULOS}", (i + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))]);

    /// <summary>One hour's row; null is NaN. The other 35 columns are NaN or fixed demographics.</summary>
    public static string Row(double? hr = null, double? o2Sat = null, double? temp = null, double? sbp = null, double? resp = null, int label = 0)
    {
        static string F(double? v) => v is { } x ? x.ToString(CultureInfo.InvariantCulture) : "NaN";
        var fields = new List<string> { F(hr), F(o2Sat), F(temp), F(sbp), "NaN", "NaN", F(resp) };
        fields.AddRange(Enumerable.Repeat("NaN", 34 - fields.Count));
        fields.AddRange(["67", "1", "1", "0", "-1.93", "{ICULOS}", label.ToString(CultureInfo.InvariantCulture)]);
        return string.Join('|', fields);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
