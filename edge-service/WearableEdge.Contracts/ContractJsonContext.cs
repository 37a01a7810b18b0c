using System.Text.Json;
using System.Text.Json.Serialization;

namespace WearableEdge.Contracts;

/// <summary>
/// Source-generated JSON for every message of contract v1: camelCase names, enums as
/// camelCase strings, nulls left out.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    AllowTrailingCommas = false,
    NumberHandling = JsonNumberHandling.Strict,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(VitalsBatch))]
[JsonSerializable(typeof(MotionBatch))]
[JsonSerializable(typeof(DeviceStatus))]
[JsonSerializable(typeof(AlertMessage))]
[JsonSerializable(typeof(DeadLetterMessage))]
public sealed partial class ContractJsonContext : JsonSerializerContext
{
}
