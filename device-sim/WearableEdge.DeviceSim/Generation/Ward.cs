using System.Globalization;

namespace WearableEdge.DeviceSim.Generation;

/// <summary>Identifiers of the ward's patients and devices: patient-001 wears dev-001, and so on.</summary>
internal static class Ward
{
    public const int MaxPatients = 9999;

    private const string PatientPrefix = "patient-";
    private const string DevicePrefix = "dev-";

    public static string PatientId(int index) => PatientPrefix + Number(index);

    public static string DeviceId(int index) => DevicePrefix + Number(index);

    /// <summary>The zero-based index of <paramref name="patientId"/>, or null if it is not a ward id.</summary>
    public static int? PatientIndex(string? patientId)
    {
        if (patientId is null || !patientId.StartsWith(PatientPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var digits = patientId[PatientPrefix.Length..];
        return digits.Length >= 3
            && digits.All(char.IsAsciiDigit)
            && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number >= 1
            && PatientId(number - 1) == patientId
                ? number - 1
                : null;
    }

    private static string Number(int index) => (index + 1).ToString("D3", CultureInfo.InvariantCulture);
}
