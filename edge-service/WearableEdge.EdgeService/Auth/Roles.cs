namespace WearableEdge.EdgeService.Auth;

/// <summary>The two roles. An admin can do everything a nurse can, and manage models, users and tokens.</summary>
public static class Roles
{
    public const string Nurse = "nurse";
    public const string Admin = "admin";

    public static bool IsKnown(string? role) => role is Nurse or Admin;
}

/// <summary>Named authorization policies.</summary>
public static class AuthPolicies
{
    /// <summary>Requires the <see cref="Roles.Admin"/> role.</summary>
    public const string Admin = "admin";
}
