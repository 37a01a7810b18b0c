using Microsoft.Extensions.Options;

namespace WearableEdge.EdgeService.Devices;

/// <summary>Whether ingest checks devices and consent against the registry.</summary>
public enum DeviceRegistryMode
{
    /// <summary>Every device is taken at its word: the patient is the one in the topic. For the demo, the simulator and tests.</summary>
    Off,

    /// <summary>
    /// A sample counts only when its device is assigned to a patient at the sample's time and that
    /// patient has consent on record; otherwise it is counted (unknown-device, no-consent) and not processed.
    /// </summary>
    Enforce,
}

/// <summary>The device registry. Section <c>Devices</c>.</summary>
public sealed class DeviceOptions
{
    public const string SectionName = "Devices";

    /// <summary><c>Off</c> (default, see docs/consent.md for why) or <c>Enforce</c>.</summary>
    public DeviceRegistryMode Registry { get; set; } = DeviceRegistryMode.Off;

    /// <summary>A JSON file of devices, assignments and consents loaded at start (entries already in the store are left as they are). Optional.</summary>
    public string? SeedFile { get; set; }
}

internal sealed class DeviceOptionsValidator : IValidateOptions<DeviceOptions>
{
    public ValidateOptionsResult Validate(string? name, DeviceOptions options)
    {
        if (!Enum.IsDefined(options.Registry))
        {
            return ValidateOptionsResult.Fail("Devices:Registry must be Off or Enforce.");
        }

        if (!string.IsNullOrWhiteSpace(options.SeedFile) && !File.Exists(options.SeedFile))
        {
            return ValidateOptionsResult.Fail($"Devices:SeedFile '{options.SeedFile}' does not exist.");
        }

        return ValidateOptionsResult.Success;
    }
}
