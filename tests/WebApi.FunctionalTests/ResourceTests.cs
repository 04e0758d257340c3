using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AbParts.WebApi.ErrorHandling;

namespace AbParts.WebApi.FunctionalTests;

[Collection(ApiTestGroup.Name)]
public sealed class ResourceTests(ApiFixture api)
{
    [Fact]
    public async Task SuperAdminCreatesAnOrganizationAUserAndAPartAndReadsThemBack()
    {
        using var admin = await api.SuperAdminAsync();
        var name = $"Acme {Guid.NewGuid()}";
        var partNumber = $"AB-{Guid.NewGuid():N}"[..20];

        using var createdOrganization = await admin.PostAsJsonAsync("/organizations", new { name });
        var organization = await Task.FromResult(createdOrganization).ReadJsonAsync();
        var organizationId = organization.GetProperty("id").GetGuid();
        var user = await admin.PostAsJsonAsync("/users", new
        {
            username = $"Jane.{Guid.NewGuid():N}"[..20], password = "jane-password", organization_id = organizationId, role = "admin",
        }).ReadJsonAsync();
        var part = await admin.PostAsJsonAsync("/parts", new { part_number = partNumber, name = "Oil filter", description = "10 micron" })
            .ReadJsonAsync();

        createdOrganization.StatusCode.Should().Be(HttpStatusCode.Created);
        createdOrganization.Headers.Location!.ToString().Should().Be($"/organizations/{organizationId}");
        organization.GetProperty("name").GetString().Should().Be(name);
        user.GetProperty("role").GetString().Should().Be("admin");
        user.GetProperty("organization_id").GetGuid().Should().Be(organizationId);
        user.GetProperty("username").GetString().Should().StartWith("jane.", "usernames are case-insensitive and kept lower-case");
        user.TryGetProperty("password", out _).Should().BeFalse();
        user.TryGetProperty("password_hash", out _).Should().BeFalse();
        part.GetProperty("part_number").GetString().Should().Be(partNumber);
        part.GetProperty("image_count").GetInt32().Should().Be(0);
        (await admin.GetAsync($"/organizations/{organizationId}").ReadJsonAsync()).GetProperty("name").GetString().Should().Be(name);
        (await admin.GetAsync($"/users/{user.GetProperty("id").GetGuid()}").ReadJsonAsync())
            .GetProperty("organization_id").GetGuid().Should().Be(organizationId);
        (await admin.GetAsync($"/parts/{part.GetProperty("id").GetGuid()}").ReadJsonAsync())
            .GetProperty("description").GetString().Should().Be("10 micron");
    }

    [Fact]
    public async Task NewUserCanSignInWithThePasswordGivenAtCreation()
    {
        var (client, _, userId) = await api.UserAsync("user");

        var me = await client.GetAsync($"/users/{userId}").ReadJsonAsync();

        me.GetProperty("role").GetString().Should().Be("user");
        client.Dispose();
    }

    [Theory]
    [InlineData("/organizations", """{"name":"Nope"}""")]
    [InlineData("/users", """{"username":"nope","password":"nope-password","organization_id":"00000000-0000-0000-0000-000000000001","role":"user"}""")]
    [InlineData("/parts", """{"part_number":"NOPE-1","name":"Nope"}""")]
    public async Task OnlySuperAdminsCreate(string path, string json)
    {
        var (client, _, _) = await api.UserAsync("admin");

        using var response = await client.PostAsync(path, Json(json));

        await response.ShouldBeProblemAsync(403, ProblemTypes.Forbidden);
        client.Dispose();
    }

    [Fact]
    public async Task DuplicatesGet409()
    {
        using var admin = await api.SuperAdminAsync();
        var name = $"Twin {Guid.NewGuid()}";
        var number = $"TW-{Guid.NewGuid():N}"[..20];
        await admin.PostAsJsonAsync("/organizations", new { name }).ReadJsonAsync();
        await admin.PostAsJsonAsync("/parts", new { part_number = number, name = "Twin" }).ReadJsonAsync();

        using var organization = await admin.PostAsJsonAsync("/organizations", new { name = $"  {name} " });
        using var part = await admin.PostAsJsonAsync("/parts", new { part_number = number, name = "Other" });
        using var user = await admin.PostAsJsonAsync("/users", new
        {
            username = ApiFixture.SuperAdminUsername.ToUpperInvariant(), password = "some-password",
            organization_id = (await api.UserAsync("user")).OrganizationId, role = "user",
        });

        await organization.ShouldBeProblemAsync(409, ProblemTypes.Conflict);
        await part.ShouldBeProblemAsync(409, ProblemTypes.Conflict);
        await user.ShouldBeProblemAsync(409, ProblemTypes.Conflict);
    }

    [Fact]
    public async Task InvalidFieldsGet400WithTheErrorsOfEachFieldBySnakeCaseName()
    {
        using var admin = await api.SuperAdminAsync();

        using var response = await admin.PostAsync("/users",
            Json("""{"username":"a","password":"short","organization_id":"00000000-0000-0000-0000-000000000000","role":"god"}"""));

        var problem = await response.ShouldBeProblemAsync(400, ProblemTypes.Validation);
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name)
            .Should().BeEquivalentTo("username", "password", "organization_id", "role");
    }

    [Fact]
    public async Task UserInAnOrganizationThatDoesNotExistGets400OnOrganizationId()
    {
        using var admin = await api.SuperAdminAsync();

        using var response = await admin.PostAsJsonAsync("/users", new
        {
            username = "orphan-user", password = "orphan-password", organization_id = Guid.NewGuid(), role = "user",
        });

        var problem = await response.ShouldBeProblemAsync(400, ProblemTypes.Validation);
        problem.GetProperty("errors").TryGetProperty("organization_id", out _).Should().BeTrue();
    }

    [Theory]
    [InlineData("/organizations")]
    [InlineData("/users")]
    [InlineData("/parts")]
    public async Task UnknownIdsGet404(string resource)
    {
        using var admin = await api.SuperAdminAsync();

        using var response = await admin.GetAsync($"{resource}/{Guid.NewGuid()}");

        await response.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
    }

    [Theory]
    [InlineData("/parts/not-a-guid")]
    [InlineData("/nowhere")]
    public async Task UnknownRoutesGet404ProblemDetails(string path)
    {
        using var admin = await api.SuperAdminAsync();

        using var response = await admin.GetAsync(path);

        await response.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
    }

    [Fact]
    public async Task UsersOfOneOrganizationCannotSeeAnotherOrganizationOrItsUsers()
    {
        var (alice, _, _) = await api.UserAsync("admin");
        var (_, otherOrganization, otherUser) = await api.UserAsync("user");

        using var organization = await alice.GetAsync($"/organizations/{otherOrganization}");
        using var user = await alice.GetAsync($"/users/{otherUser}");
        var users = await alice.GetAsync("/users").ReadJsonAsync();

        await organization.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        await user.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        users.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetGuid()).Should().NotContain(otherUser);
        alice.Dispose();
    }

    [Fact]
    public async Task ListsArePagedWithTotals()
    {
        using var admin = await api.SuperAdminAsync();
        for (var i = 0; i < 5; i++)
        {
            await admin.PostAsJsonAsync("/parts", new { part_number = $"PG-{Guid.NewGuid():N}"[..20], name = "Paged" }).ReadJsonAsync();
        }

        var page = await admin.GetAsync("/parts?page=2&page_size=2").ReadJsonAsync();

        page.GetProperty("page").GetInt32().Should().Be(2);
        page.GetProperty("page_size").GetInt32().Should().Be(2);
        page.GetProperty("items").GetArrayLength().Should().Be(2);
        page.GetProperty("total_count").GetInt32().Should().BeGreaterThanOrEqualTo(5);
        page.GetProperty("total_pages").GetInt32().Should().Be((page.GetProperty("total_count").GetInt32() + 1) / 2);
    }

    [Theory]
    [InlineData("/parts?page=0")]
    [InlineData("/parts?page_size=0")]
    [InlineData("/parts?page_size=101")]
    [InlineData("/users?page=-1")]
    public async Task OutOfRangePagingGets400(string path)
    {
        using var admin = await api.SuperAdminAsync();

        using var response = await admin.GetAsync(path);

        await response.ShouldBeProblemAsync(400, ProblemTypes.Validation);
    }

    public static TheoryData<string, string, string> MalformedBodies() => new()
    {
        { "/organizations", "application/json", """{"name":""" },
        { "/organizations", "application/json", "" },
        { "/organizations", "application/json", "null" },
        { "/organizations", "application/json", "[]" },
        { "/organizations", "application/json", """{"name": 5}""" },
        { "/organizations", "application/json", "not json at all" },
        { "/organizations", "application/json", new string('[', 5000) + new string(']', 5000) },
        { "/parts", "application/json", """{"part_number":"A","name":"B","description":{"deep":[1,2,3]}}""" },
        { "/auth/token", "application/json", """{"username":null,"password":null}""" },
        { "/organizations", "application/json", "{}" },
        { "/parts", "application/json", """{"name":"x"}""" },
        { "/parts", "application/json", """{"part_number":"x"}""" },
        { "/users", "application/json", "{}" },
        { "/users?page=abc", "application/json", "" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task MalformedRequestsGet400ProblemDetails(string path, string contentType, string body)
    {
        using var admin = await api.SuperAdminAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, contentType);
        var before = await RowCountsAsync();

        using var response = path.Contains('?', StringComparison.Ordinal)
            ? await admin.GetAsync(path)
            : await admin.PostAsync(path, content);

        ((int)response.StatusCode).Should().Be(400, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await RowCountsAsync()).Should().Be(before, "a refused request changes nothing");
    }

    [Fact]
    public async Task NonJsonContentTypeGets415()
    {
        using var admin = await api.SuperAdminAsync();
        using var content = new StringContent("name=Acme", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await admin.PostAsync("/organizations", content);

        await response.ShouldBeProblemAsync(415, ProblemTypes.UnsupportedMediaType);
    }

    [Fact]
    public async Task HostileTextIsRefusedWithoutChangingAnything()
    {
        using var admin = await api.SuperAdminAsync();
        var before = (await admin.GetAsync("/parts?page_size=1").ReadJsonAsync()).GetProperty("total_count").GetInt32();

        using var tooLong = await admin.PostAsJsonAsync("/parts", new { part_number = new string('9', 100_000), name = "x" });
        using var control = await admin.PostAsJsonAsync("/parts", new { part_number = "AB\u0000CD", name = "x" });
        using var blank = await admin.PostAsJsonAsync("/parts", new { part_number = "   ", name = "\t" });

        await tooLong.ShouldBeProblemAsync(400, ProblemTypes.Validation);
        await control.ShouldBeProblemAsync(400, ProblemTypes.Validation);
        await blank.ShouldBeProblemAsync(400, ProblemTypes.Validation);
        (await admin.GetAsync("/parts?page_size=1").ReadJsonAsync()).GetProperty("total_count").GetInt32().Should().Be(before);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private async Task<string> RowCountsAsync() => string.Join(",", await api.Database.RowsAsync(
        "SELECT (SELECT count(*) FROM organizations), (SELECT count(*) FROM users), (SELECT count(*) FROM parts)"));
}

[Collection(ApiTestGroup.Name)]
public sealed class OperationsTests(ApiFixture api)
{
    [Fact]
    public async Task LivenessAnswersWithoutAuthentication()
    {
        using var client = api.Anonymous();

        var live = await client.GetAsync("/health/live").ReadJsonAsync();

        live.GetProperty("status").GetString().Should().Be("Healthy");
    }

    [Fact]
    public async Task ReadinessChecksTheDatabase()
    {
        using var client = api.Anonymous();

        var ready = await client.GetAsync("/health/ready").ReadJsonAsync();

        ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().Should().Be("Healthy");
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheRoutesAndBearerAuthentication()
    {
        using var client = api.Anonymous();

        var document = await client.GetAsync("/openapi/v1.json").ReadJsonAsync();

        document.GetProperty("paths").EnumerateObject().Select(p => p.Name).Should().Contain(
            ["/auth/token", "/organizations", "/organizations/{id}", "/users", "/users/{id}", "/parts", "/parts/{id}"]);
        document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer")
            .GetProperty("scheme").GetString().Should().Be("bearer");
        document.GetProperty("paths").GetProperty("/auth/token").GetProperty("post").GetProperty("operationId")
            .GetString().Should().Be("IssueToken");
    }

    [Fact]
    public async Task SwaggerUiIsServed()
    {
        using var client = api.Anonymous();

        using var response = await client.GetAsync("/swagger/index.html");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("swagger-ui");
    }

    [Fact]
    public async Task ResponsesUseSnakeCaseAndIsoUtcTimes()
    {
        using var admin = await api.SuperAdminAsync();

        var organizations = await admin.GetAsync("/organizations").ReadJsonAsync();

        var first = organizations.GetProperty("items")[0];
        first.TryGetProperty("created_at", out var createdAt).Should().BeTrue();
        createdAt.GetString().Should().EndWith("+00:00");
        organizations.TryGetProperty("total_count", out _).Should().BeTrue();
    }
}
