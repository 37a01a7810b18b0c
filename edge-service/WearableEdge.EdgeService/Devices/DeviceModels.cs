using System.Text.Json;
using System.Text.Json.Serialization;

namespace WearableEdge.EdgeService.Devices;

/// <summary>A device belongs to a patient from <paramref name="ValidFrom"/> until <paramref name="ValidTo"/> (open when null).</summary>
/// <param name="DeviceId">The wearable's id, as in its payloads.</param>
/// <param name="PatientId">The patient it is worn by.</param>
/// <param name="ValidFrom">Start, inclusive, in device time.</param>
/// <param name="ValidTo">End, exclusive; null while it is still worn.</param>
public sealed record DeviceAssignment(string DeviceId, string PatientId, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo)
{
    /// <summary>Whether a sample taken at <paramref name="at"/> belongs to this assignment.</summary>
    public bool Covers(DateTimeOffset at) => at >= ValidFrom && (ValidTo is null || at < ValidTo);
}

/// <summary>A registered device and its assignments, oldest first.</summary>
public sealed record DeviceView(string DeviceId, DateTimeOffset RegisteredAt, string RegisteredBy, IReadOnlyList<DeviceAssignment> Assignments);

/// <summary>A consent record: recorded by whom, for what scope, and when (if ever) it was withdrawn.</summary>
public sealed record ConsentRecord(string PatientId, DateTimeOffset RecordedAt, string RecordedBy, string Scope, DateTimeOffset? WithdrawnAt, string? WithdrawnBy)
{
    public bool IsActive => WithdrawnAt is null;
}

/// <summary>A patient's consent history and whether data is processed now.</summary>
public sealed record ConsentView(string PatientId, bool Active, IReadOnlyList<ConsentRecord> Records);

/// <summary><c>POST /api/devices</c>: register a device, and assign it at once when a patient is given.</summary>
public sealed record DeviceRequest(string? DeviceId, string? PatientId, DateTimeOffset? ValidFrom);

/// <summary><c>POST /api/devices/{id}/assign</c> and <c>/unassign</c>: the time of the change (default: now).</summary>
public sealed record AssignRequest(string? PatientId, DateTimeOffset? At);

/// <summary><c>POST /api/patients/{id}/consent</c>: <c>action</c> <c>record</c> (default) or <c>withdraw</c>.</summary>
public sealed record ConsentRequest(string? Action, string? Scope);

/// <summary>An error answer of the registry endpoints.</summary>
public sealed record DeviceProblem(string Title, int Status, string Detail);

/// <summary>The seed file (<c>Devices:SeedFile</c>).</summary>
public sealed record DeviceSeed(IReadOnlyList<DeviceSeedEntry>? Devices, IReadOnlyList<ConsentSeedEntry>? Consents);

/// <summary>One seeded device, optionally assigned to a patient from <paramref name="ValidFrom"/> (default: the Unix epoch, so all its samples count).</summary>
/// <param name="DeviceId">The wearable's id.</param>
/// <param name="PatientId">The patient it is worn by, if assigned.</param>
/// <param name="ValidFrom">Start of the assignment.</param>
public sealed record DeviceSeedEntry(string DeviceId, string? PatientId, DateTimeOffset? ValidFrom);

/// <summary>One seeded consent.</summary>
/// <param name="PatientId">The patient.</param>
/// <param name="Scope">What was consented to (free text, e.g. <c>monitoring</c>).</param>
/// <param name="RecordedBy">Who recorded it (default <c>seed</c>).</param>
public sealed record ConsentSeedEntry(string PatientId, string? Scope, string? RecordedBy);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeviceView))]
[JsonSerializable(typeof(IReadOnlyList<DeviceView>))]
[JsonSerializable(typeof(ConsentView))]
[JsonSerializable(typeof(DeviceRequest))]
[JsonSerializable(typeof(AssignRequest))]
[JsonSerializable(typeof(ConsentRequest))]
[JsonSerializable(typeof(DeviceProblem))]
[JsonSerializable(typeof(DeviceSeed))]
internal sealed partial class DeviceJsonContext : JsonSerializerContext;
