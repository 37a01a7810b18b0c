using System.Text.Json.Serialization;

namespace WearableEdge.Contracts;

/// <summary>Source-generated JSON for <see cref="ModelManifest"/>: camelCase, indented, required members enforced.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    AllowTrailingCommas = false,
    NumberHandling = JsonNumberHandling.Strict,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ModelManifest))]
public sealed partial class ModelManifestJsonContext : JsonSerializerContext
{
}
