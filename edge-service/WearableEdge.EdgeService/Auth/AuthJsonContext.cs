using System.Text.Json;
using System.Text.Json.Serialization;

namespace WearableEdge.EdgeService.Auth;

/// <summary><c>POST /auth/login</c> as JSON.</summary>
public sealed record SignInRequest(string? Username, string? Password);

/// <summary><c>GET /api/me</c>.</summary>
public sealed record MeView(string Username, string Role);

/// <summary><c>POST /api/tokens</c>: for whom (default: the caller), a label, and an optional lifetime in days.</summary>
public sealed record TokenRequest(string? Username, string? Name, double? ExpiresInDays);

/// <summary><c>POST /api/users</c>.</summary>
public sealed record UserRequest(string? Username, string? Password, string? Role);

/// <summary>An error answer of the auth endpoints.</summary>
public sealed record AuthProblem(string Title, int Status, string Detail);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(MeView))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(UserRequest))]
[JsonSerializable(typeof(IssuedToken))]
[JsonSerializable(typeof(IReadOnlyList<TokenInfo>))]
[JsonSerializable(typeof(EdgeUser))]
[JsonSerializable(typeof(AuthProblem))]
internal sealed partial class AuthJsonContext : JsonSerializerContext;
