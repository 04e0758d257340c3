using AbParts.Domain.Common;

namespace AbParts.Domain.Users;

/// <summary>What a user may do. The wire and database names are the snake_case ones of the old system.</summary>
public enum UserRole
{
    User,
    Admin,
    SuperAdmin,
}

public static class UserRoleNames
{
    public const string User = "user";
    public const string Admin = "admin";
    public const string SuperAdmin = "super_admin";

    public static IReadOnlyList<string> All { get; } = [User, Admin, SuperAdmin];

    public static string ToName(this UserRole role) => role switch
    {
        UserRole.User => User,
        UserRole.Admin => Admin,
        UserRole.SuperAdmin => SuperAdmin,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown role."),
    };

    public static bool TryParse(string? name, out UserRole role)
    {
        switch (name)
        {
            case User: role = UserRole.User; return true;
            case Admin: role = UserRole.Admin; return true;
            case SuperAdmin: role = UserRole.SuperAdmin; return true;
            default: role = default; return false;
        }
    }

    public static UserRole Parse(string name) => TryParse(name, out var role)
        ? role
        : throw new DomainException($"Unknown role '{name}'. Expected one of: {string.Join(", ", All)}.");
}
