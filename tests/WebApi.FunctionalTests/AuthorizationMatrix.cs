using System.Net.Http.Json;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// Who may call what: one rule per operation of the OpenAPI document (method and path template, as the
/// document spells them), giving the status each caller gets. A new route is not covered until a rule is
/// declared here (<see cref="AuthorizationMatrixTests"/> fails and names it); a rule whose operation is gone
/// fails too. Writes are made harmless where they can be: a caller who passes authorization is shown by a 400
/// or 415 (a body or file the route refuses) or a 404 (an index that does not exist); where a real change is
/// needed, the cell creates what it changes.
/// </summary>
public static class AuthorizationMatrix
{
    private const string Chat = "/api/v1/chat";

    // Every Expect reads, in order: anonymous, user of X, admin of Y, admin of X, super admin, a signed URL of
    // another resource. X's user owns the profile photo, the chat file and the chat session (see MatrixWorld).

    /// <summary>Part media, videos and lists: every signed-in user.</summary>
    private static readonly Expect SignedIn = new(401, 200, 200, 200, 200, 401);

    /// <summary>A profile photo, a logo, a user, an organization: its organization's members and super admins.</summary>
    private static readonly Expect SameOrganization = new(401, 200, 404, 200, 200, 401);

    /// <summary>A chat file or session: its owner and super admins.</summary>
    private static readonly Expect OwnerAndSuperAdmins = new(401, 200, 404, 404, 200, 401);

    public static IReadOnlyList<AccessRule> Rules { get; } =
    [
        new("POST /auth/token", _ => new("/auth/token", JsonContent.Create(new { username = "", password = "" })),
            new(400, 400, 400, 400, 400, 400)),

        new("POST /organizations", _ => new("/organizations", JsonContent.Create(new { })), new(401, 403, 403, 403, 400, 401)),
        new("GET /organizations/{id}", w => new($"/organizations/{w.OrganizationId}"), SameOrganization),
        new("GET /organizations", _ => new("/organizations"), SignedIn),

        new("POST /users", _ => new("/users", JsonContent.Create(new { })), new(401, 403, 403, 403, 400, 401)),
        new("GET /users/me", _ => new("/users/me"), SignedIn),
        new("GET /users/{id}", w => new($"/users/{w.UserId}"), SameOrganization),
        new("GET /users", _ => new("/users"), SignedIn),
        new("PUT /users/me/password",
            _ => new("/users/me/password", JsonContent.Create(new { current_password = "", new_password = "" })),
            new(401, 400, 400, 400, 400, 401)),
        new("PUT /users/{id}/role", w => new($"/users/{w.UserId}/role", JsonContent.Create(new { role = "root" })),
            new(401, 403, 403, 403, 400, 401)),
        new("DELETE /users/{id}", _ => new($"/users/{Guid.NewGuid()}"), new(401, 403, 403, 403, 404, 401)),

        new("POST /parts", _ => new("/parts", JsonContent.Create(new { })), new(401, 403, 403, 403, 400, 401)),
        new("GET /parts/{id}", w => new($"/parts/{w.PartId}"), SignedIn),
        new("GET /parts", _ => new("/parts"), SignedIn),

        new("GET /images/users/{id}/profile", w => new($"/images/users/{w.UserId}/profile"), SameOrganization),
        new("HEAD /images/users/{id}/profile", w => new($"/images/users/{w.UserId}/profile"), SameOrganization),
        new("GET /images/organizations/{id}/logo", w => new($"/images/organizations/{w.OrganizationId}/logo"), SameOrganization),
        new("HEAD /images/organizations/{id}/logo", w => new($"/images/organizations/{w.OrganizationId}/logo"), SameOrganization),
        new("GET /images/parts/{id}", w => new($"/images/parts/{w.PartId}"), SignedIn),
        new("HEAD /images/parts/{id}", w => new($"/images/parts/{w.PartId}"), SignedIn),
        new("GET /images/parts/{id}/{index}", w => new($"/images/parts/{w.PartId}/0"), SignedIn),
        new("HEAD /images/parts/{id}/{index}", w => new($"/images/parts/{w.PartId}/0"), SignedIn),
        new("GET /images/parts/{id}/count", w => new($"/images/parts/{w.PartId}/count"), SignedIn),

        new("POST /uploads/users/profile-photo", _ => new("/uploads/users/profile-photo", MatrixWorld.TextFile()),
            new(401, 415, 415, 415, 415, 401)),
        new("DELETE /uploads/users/profile-photo", async (w, caller) =>
            {
                await w.UploadOwnPhotoAsync(caller);
                return new("/uploads/users/profile-photo");
            }, new(401, 204, 204, 204, 204, 401), ChangesSharedResources: true),
        new("POST /uploads/organizations/{id}/logo", w => new($"/uploads/organizations/{w.OrganizationId}/logo", MatrixWorld.TextFile()),
            new(401, 403, 403, 415, 415, 401)),
        new("DELETE /uploads/organizations/{id}/logo", async (w, _) =>
            {
                await w.UploadLogoAsync();
                return new($"/uploads/organizations/{w.OrganizationId}/logo");
            }, new(401, 403, 403, 204, 204, 401), ChangesSharedResources: true),
        new("POST /uploads/parts/{id}/images", w => new($"/uploads/parts/{w.PartId}/images", MatrixWorld.TextFile()),
            new(401, 403, 403, 403, 415, 401)),
        new("DELETE /uploads/parts/{id}/images/{index}", w => new($"/uploads/parts/{w.PartId}/images/99"),
            new(401, 403, 403, 403, 404, 401)),
        new("PUT /uploads/parts/{id}/images/order",
            w => new($"/uploads/parts/{w.PartId}/images/order", JsonContent.Create(new { order = new[] { 0, 0 } })),
            new(401, 403, 403, 403, 400, 401)),

        new("POST /videos/support", _ => new("/videos/support", MatrixWorld.TextFile(("title", "t"), ("category", "maintenance"))),
            new(401, 403, 403, 403, 415, 401)),
        new("GET /videos/support", _ => new("/videos/support"), SignedIn),
        new("POST /videos/parts/{partId}",
            w => new($"/videos/parts/{w.PartId}", MatrixWorld.TextFile(("title", "t"), ("video_type", "installation"))),
            new(401, 403, 403, 403, 415, 401)),
        new("GET /videos/parts/{partId}", w => new($"/videos/parts/{w.PartId}"), SignedIn),
        new("GET /videos/{id}", w => new($"/videos/{w.PartVideoId}"), SignedIn),
        new("DELETE /videos/{id}", async (w, _) => new($"/videos/{await w.NewPartVideoAsync()}"),
            new(401, 403, 403, 403, 204, 401)),
        new("GET /videos/stream/{id}", w => new($"/videos/stream/{w.PartVideoId}"), SignedIn),
        new("HEAD /videos/stream/{id}", w => new($"/videos/stream/{w.PartVideoId}"), SignedIn),
        new("GET /videos/{id}/thumbnail", w => new($"/videos/{w.SupportVideoId}/thumbnail"), SignedIn),
        new("HEAD /videos/{id}/thumbnail", w => new($"/videos/{w.SupportVideoId}/thumbnail"), SignedIn),

        new($"POST {Chat}/files", _ => new($"{Chat}/files", new MultipartFormDataContent()), new(401, 400, 400, 400, 400, 401)),
        new($"GET {Chat}/files", _ => new($"{Chat}/files"), SignedIn),
        new($"GET {Chat}/files/{{id}}", w => new($"{Chat}/files/{w.ChatFileId}"), OwnerAndSuperAdmins),
        new($"HEAD {Chat}/files/{{id}}", w => new($"{Chat}/files/{w.ChatFileId}"), OwnerAndSuperAdmins),
        new($"GET {Chat}/files/{{id}}/thumbnail", w => new($"{Chat}/files/{w.ChatFileId}/thumbnail"), OwnerAndSuperAdmins),
        new($"HEAD {Chat}/files/{{id}}/thumbnail", w => new($"{Chat}/files/{w.ChatFileId}/thumbnail"), OwnerAndSuperAdmins),
        new($"DELETE {Chat}/files/{{id}}", async (w, _) => new($"{Chat}/files/{await w.NewChatFileAsync()}"),
            OwnerAndSuperAdmins with { User = 204, SuperAdmin = 204 }),
        new($"POST {Chat}/sessions", _ => new($"{Chat}/sessions", JsonContent.Create(new { title = "Matrix" })),
            new(401, 201, 201, 201, 201, 401)),
        new($"POST {Chat}/sessions/{{id}}/messages",
            w => new($"{Chat}/sessions/{w.ChatSessionId}/messages", JsonContent.Create(new { role = "user", content = "Hello" })),
            new(401, 201, 404, 404, 404, 401)),
        new($"GET {Chat}/sessions/{{id}}/history", w => new($"{Chat}/sessions/{w.ChatSessionId}/history"), OwnerAndSuperAdmins),
    ];
}

/// <summary>The callers of the matrix, in the order of <see cref="Expect"/>'s columns.</summary>
public enum Caller
{
    Anonymous,

    /// <summary>A user of organization X: owns the profile photo, the chat file and the chat session.</summary>
    User,

    /// <summary>The admin of organization Y.</summary>
    OtherAdmin,

    /// <summary>The admin of organization X.</summary>
    Admin,

    SuperAdmin,

    /// <summary>No token; the query of a valid signed URL the service issued for another resource.</summary>
    SignedUrl,
}

/// <summary>The status each caller gets.</summary>
public sealed record Expect(int Anonymous, int User, int OtherAdmin, int Admin, int SuperAdmin, int SignedUrl)
{
    public int For(Caller caller) => caller switch
    {
        Caller.Anonymous => Anonymous,
        Caller.User => User,
        Caller.OtherAdmin => OtherAdmin,
        Caller.Admin => Admin,
        Caller.SuperAdmin => SuperAdmin,
        Caller.SignedUrl => SignedUrl,
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, null),
    };
}

/// <summary>What one cell sends: a concrete path without query, and a body.</summary>
public sealed record MatrixRequest(string Path, HttpContent? Content = null);

/// <summary>
/// One operation's rule. <paramref name="Request"/> is called once per cell, so a cell may create the resource it
/// changes; <paramref name="ChangesSharedResources"/> runs the rule after every other, since it changes what they read.
/// </summary>
public sealed record AccessRule(string Operation, Func<MatrixWorld, Caller, Task<MatrixRequest>> Request, Expect Expected,
    bool ChangesSharedResources = false)
{
    public AccessRule(string operation, Func<MatrixWorld, MatrixRequest> request, Expect expected)
        : this(operation, (world, _) => Task.FromResult(request(world)), expected)
    {
    }

    public string Method => Operation.Split(' ')[0];
}
