using System.Globalization;
using WearableEdge.DeviceSim.Generation;

namespace WearableEdge.DeviceSim.CommandLine;

/// <summary>
/// Turns option text into values, or an error that names the option. System.CommandLine splits
/// the command line; these say what a valid value is, in the words the help uses.
/// </summary>
internal static class OptionValues
{
    public static string? Broker(string value, out Uri? broker)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out broker) && broker.Scheme is "mqtt" or "mqtts" && broker.Host.Length > 0)
        {
            return null;
        }

        broker = null;
        return $"--broker must be mqtt://host:port or mqtts://host:port, not '{value}'.";
    }

    public static string? ExistingFile(string name, string path) =>
        File.Exists(path) ? null : $"{name}: no such file '{path}'.";

    public static string? Int(string name, string value, int min, int max, out int result)
    {
        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result) && result >= min && result <= max)
        {
            return null;
        }

        return min == int.MinValue ? $"{name} must be an integer, not '{value}'." : $"{name} must be an integer {min}–{max}, not '{value}'.";
    }

    public static string? Speed(string value, out double speed) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out speed) && double.IsFinite(speed) && speed > 0
            ? null
            : $"--speed must be a number above 0, not '{value}'.";

    public static string? Duration(string value, out TimeSpan duration) =>
        DurationText.TryParse(value, out duration) && duration > TimeSpan.Zero
            ? null
            : $"--duration must be a duration above 0 such as 90s, 10m or 2h, not '{value}'.";

    public static string? DeviceStart(string value, out DateTimeOffset start)
    {
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out start))
        {
            start = start.ToUniversalTime();
            return null;
        }

        return $"--device-start must be an ISO 8601 time such as 2025-01-01T08:00:00Z, not '{value}'.";
    }

    public static string? Format(string value, out PayloadFormat format)
    {
        PayloadFormat? parsed = value switch
        {
            "v1" => PayloadFormat.V1,
            "omh" => PayloadFormat.OpenMHealth,
            "fhir" => PayloadFormat.Fhir,
            _ => null,
        };
        format = parsed ?? PayloadFormat.V1;
        return parsed is null ? $"--format must be v1, omh or fhir, not '{value}'." : null;
    }

    public static string? TemperatureUnit(string value, out TemperatureUnit unit)
    {
        TemperatureUnit? parsed = value switch
        {
            "C" => DeviceSim.TemperatureUnit.Celsius,
            "F" => DeviceSim.TemperatureUnit.Fahrenheit,
            _ => null,
        };
        unit = parsed ?? DeviceSim.TemperatureUnit.Celsius;
        return parsed is null ? $"--temperature-unit must be C or F, not '{value}'." : null;
    }

    /// <summary>Parses <c>kind:patientId:onset:duration[:ramp]</c>; patient ids never contain ':'.</summary>
    public static string? Event(string value, out ScenarioEvent? scenarioEvent)
    {
        scenarioEvent = null;
        var parts = value.Split(':');
        if (parts.Length is not (4 or 5))
        {
            return $"--event must be kind:patientId:onset:duration[:ramp], e.g. deterioration:patient-003:1m:20m, not '{value}'.";
        }

        var kind = ScenarioKindNames.Parse(parts[0]);
        if (kind is null)
        {
            return $"--event kind must be one of {string.Join(", ", ScenarioKindNames.All.Select(k => k.Name))}, not '{parts[0]}'.";
        }

        if (Ward.PatientIndex(parts[1]) is null)
        {
            return $"--event patient must be a ward id such as patient-003, not '{parts[1]}'.";
        }

        if (!DurationText.TryParse(parts[2], out var onset))
        {
            return $"--event onset must be a duration such as 30s or 1m, not '{parts[2]}'.";
        }

        if (!DurationText.TryParse(parts[3], out var duration) || duration <= TimeSpan.Zero)
        {
            return $"--event duration must be a duration above 0 such as 20m, not '{parts[3]}'.";
        }

        TimeSpan? ramp = null;
        if (parts.Length == 5 && kind == ScenarioKind.Fall)
        {
            return $"--event fall takes no ramp: fall:patientId:impact:timeDown, not '{value}'.";
        }

        if (parts.Length == 5)
        {
            if (!DurationText.TryParse(parts[4], out var parsedRamp))
            {
                return $"--event ramp must be a duration such as 6m, not '{parts[4]}'.";
            }

            ramp = parsedRamp;
        }

        scenarioEvent = new ScenarioEvent(parts[1], kind.Value, onset, duration) { Ramp = ramp };
        return null;
    }
}
