using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AbParts.Tests.Support;
using AbParts.WebApi.OpenApi;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// The authorization matrix: every operation the running service documents has a rule in
/// <see cref="AuthorizationMatrix"/>, and every cell of it (operation × caller) answers the declared status.
/// </summary>
[Collection(ApiTestGroup.Name)]
public sealed class AuthorizationMatrixTests(ApiFixture api)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    [Fact]
    public async Task EveryDocumentedOperationHasADeclaredRuleAndEveryRuleADocumentedOperation()
    {
        using var anonymous = api.Anonymous();

        var document = await anonymous.GetAsync(OpenApiSetup.DocumentPath).ReadJsonAsync();

        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(operation => Methods.Contains(operation.Name))
                .Select(operation => $"{operation.Name.ToUpperInvariant()} {path.Name}"))
            .ToHashSet();
        var declared = AuthorizationMatrix.Rules.Select(r => r.Operation).ToList();
        var problems = documented.Except(declared).Order()
            .Select(o => $"{o} has no rule: declare who may call it in tests/WebApi.FunctionalTests/AuthorizationMatrix.cs.")
            .Concat(declared.Except(documented).Order()
                .Select(o => $"{o} is declared in AuthorizationMatrix.cs but the OpenAPI document has no such operation: remove or rename its rule."))
            .Concat(declared.GroupBy(o => o).Where(g => g.Count() > 1)
                .Select(g => $"{g.Key} is declared {g.Count()} times in AuthorizationMatrix.cs: keep one rule."));
        string.Join(Environment.NewLine, problems).Should().BeEmpty();
    }

    [Fact]
    public async Task EveryCellAnswersTheDeclaredStatus()
    {
        await using var world = await MatrixWorld.CreateAsync(api);
        var failures = new List<string>();

        foreach (var rule in AuthorizationMatrix.Rules.OrderBy(r => r.ChangesSharedResources))
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                var failure = await world.SendAsync(rule, caller);
                if (failure is not null)
                {
                    failures.Add($"{rule.Operation} as {caller}: {failure}");
                }
            }
        }

        string.Join(Environment.NewLine, failures).Should().BeEmpty("every cell of AuthorizationMatrix.cs holds");
    }
}

/// <summary>
/// The callers and what the matrix's requests name: organization X with an admin and a user, organization Y with
/// an admin, the super admin; the user's profile photo, X's logo, a part with an image and a video, a support
/// video (both with posters), a chat file and a chat session of the user.
/// </summary>
public sealed class MatrixWorld : IAsyncDisposable
{
    private readonly ApiFixture _api;
    private readonly Dictionary<Caller, HttpClient> _clients = [];
    private string _photoUrl = null!;
    private string _logoUrl = null!;

    private MatrixWorld(ApiFixture api) => _api = api;

    public Guid OrganizationId { get; private set; }

    public Guid UserId { get; private set; }

    public Guid PartId { get; private set; }

    public Guid PartVideoId { get; private set; }

    public Guid SupportVideoId { get; private set; }

    public Guid ChatFileId { get; private set; }

    public Guid ChatSessionId { get; private set; }

    public static async Task<MatrixWorld> CreateAsync(ApiFixture api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var world = new MatrixWorld(api);
        (world._clients[Caller.User], world.OrganizationId, world.UserId) = await api.UserAsync("user");
        world._clients[Caller.Admin] = await ChatAccessTests.ColleagueAsync(api, world.OrganizationId, "admin");
        world._clients[Caller.OtherAdmin] = (await api.UserAsync("admin")).Client;
        world._clients[Caller.SuperAdmin] = await api.SuperAdminAsync();
        world._clients[Caller.Anonymous] = api.Anonymous();
        world._clients[Caller.SignedUrl] = api.Anonymous();

        world._photoUrl = await world.UploadOwnPhotoAsync(Caller.User);
        world._logoUrl = await world.UploadLogoAsync();
        var super = world._clients[Caller.SuperAdmin];
        world.PartId = (await super.PostAsJsonAsync("/parts", new { part_number = $"AM-{Guid.NewGuid():N}"[..20], name = "Pump" })
            .ReadJsonAsync()).GetProperty("id").GetGuid();
        await super.PostAsync($"/uploads/parts/{world.PartId}/images", Image()).ReadJsonAsync();
        world.PartVideoId = await world.NewPartVideoAsync();
        world.SupportVideoId = (await super.PostAsync("/videos/support",
                Video(("title", "Setup"), ("category", "machine_setup"))).ReadJsonAsync())
            .GetProperty("id").GetGuid();
        world.ChatFileId = await world.NewChatFileAsync();
        world.ChatSessionId = (await world._clients[Caller.User].PostAsJsonAsync("/api/v1/chat/sessions", new { title = "Parts" })
            .ReadJsonAsync()).GetProperty("id").GetGuid();
        return world;
    }

    /// <summary>A multipart form whose <c>file</c> is a text file, which no image or video route accepts, plus <paramref name="fields"/>.</summary>
    public static MultipartFormDataContent TextFile(params (string Name, string Value)[] fields) =>
        Form(new ByteArrayContent(ImageBytes.Text) { Headers = { ContentType = new MediaTypeHeaderValue("text/plain") } },
            "notes.txt", fields);

    /// <summary>Sets <paramref name="caller"/>'s own profile photo (callers without a token have none); returns its signed URL.</summary>
    public async Task<string> UploadOwnPhotoAsync(Caller caller) =>
        caller is Caller.Anonymous or Caller.SignedUrl
            ? string.Empty
            : (await _clients[caller].PostAsync("/uploads/users/profile-photo", Image()).ReadJsonAsync())
                .GetProperty("url").GetString()!;

    /// <summary>Sets X's logo; returns its signed URL.</summary>
    public async Task<string> UploadLogoAsync() =>
        (await _clients[Caller.Admin].PostAsync($"/uploads/organizations/{OrganizationId}/logo", Image()).ReadJsonAsync())
            .GetProperty("url").GetString()!;

    public async Task<Guid> NewPartVideoAsync() =>
        (await _clients[Caller.SuperAdmin].PostAsync($"/videos/parts/{PartId}",
            Video(("title", "Fitting"), ("video_type", "installation"))).ReadJsonAsync()).GetProperty("id").GetGuid();

    /// <summary>A chat file of the user, an image so that it has a thumbnail.</summary>
    public async Task<Guid> NewChatFileAsync() =>
        (await _clients[Caller.User].PostAsync("/api/v1/chat/files", Image()).ReadJsonAsync())
            .GetProperty("uploads")[0].GetProperty("file_id").GetGuid();

    /// <summary>Sends one cell's request; what differs from the rule, or null.</summary>
    public async Task<string?> SendAsync(AccessRule rule, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var request = await rule.Request(this, caller);
        using var message = new HttpRequestMessage(new HttpMethod(rule.Method), Url(request.Path, caller)) { Content = request.Content };
        using var response = await _clients[caller].SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        var expected = rule.Expected.For(caller);
        if ((int)response.StatusCode != expected)
        {
            return $"expected {expected}, got {(int)response.StatusCode} {Describe(response.Content.Headers.ContentType, text)}";
        }

        if (expected is 401 or 403 or 404 && rule.Method != "HEAD"
            && (response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                || JsonDocument.Parse(text).RootElement.GetProperty("status").GetInt32() != expected))
        {
            return $"{expected} is not a ProblemDetails answer: {response.Content.Headers.ContentType} {text}";
        }

        return null;
    }

    /// <summary>A JSON or text body, shortened; of any other body, only its type and length.</summary>
    private static string Describe(MediaTypeHeaderValue? type, string text) =>
        type?.MediaType is { } media && (media.Contains("json", StringComparison.Ordinal) || media.StartsWith("text/", StringComparison.Ordinal))
            ? text[..Math.Min(text.Length, 200)]
            : $"({type}, {text.Length} characters)";

    public ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The path, and for <see cref="Caller.SignedUrl"/> the query (version, expiry, signature) of a URL the service
    /// signed for another resource: X's logo, or the user's photo when the path is the logo's.
    /// </summary>
    private string Url(string path, Caller caller)
    {
        if (caller != Caller.SignedUrl)
        {
            return path;
        }

        var logo = new Uri(_api.BaseAddress, _logoUrl);
        var other = logo.AbsolutePath == path ? new Uri(_api.BaseAddress, _photoUrl) : logo;
        return path + other.Query;
    }

    private static MultipartFormDataContent Image() =>
        Form(new ByteArrayContent(ChatAccessTests.TinyPng) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } },
            "tiny.png");

    private static MultipartFormDataContent Video(params (string Name, string Value)[] fields) =>
        Form(new ByteArrayContent(SampleVideos.Mp4) { Headers = { ContentType = new MediaTypeHeaderValue("video/mp4") } },
            "clip.mp4", fields);

    private static MultipartFormDataContent Form(ByteArrayContent file, string fileName, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        form.Add(file, "file", fileName);
        return form;
    }
}
