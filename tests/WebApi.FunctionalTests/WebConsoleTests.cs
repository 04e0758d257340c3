using System.Net;
using System.Text.RegularExpressions;
using AbParts.WebApi.ErrorHandling;
using AbParts.WebApi.OpenApi;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// The web console is static files beside the API: <c>/</c> is its page, its modules and styles are served with
/// their own types, and a path that names no file is the API's (401 without a token, 404 with one).
/// </summary>
[Collection(ApiTestGroup.Name)]
public sealed partial class WebConsoleTests(ApiFixture api)
{
    [Fact]
    public async Task TheRootIsTheConsolesPageWhoseScriptsAreAllModulesOfThisOrigin()
    {
        using var client = api.Anonymous();

        using var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        response.Headers.CacheControl!.NoCache.Should().BeTrue("a new version of the console is never mixed with an old one");
        ScriptTags().Matches(html).Select(m => m.Value).Should().Equal("""<script type="module" src="/app.js">""");
        html.Should().NotContain("style=", "the console's policy allows no inline style");
    }

    [Theory]
    [InlineData("/app.js", "text/javascript")]
    [InlineData("/js/pages/videos.js", "text/javascript")]
    [InlineData("/app.css", "text/css")]
    [InlineData("/favicon.svg", "image/svg+xml")]
    public async Task EachFileIsServedWithItsType(string path, string type)
    {
        using var client = api.Anonymous();

        using var response = await client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be(type);
    }

    [Fact]
    public async Task EveryModuleAConsoleFileImportsIsServed()
    {
        using var client = api.Anonymous();
        var modules = Paths().Where(p => p.EndsWith(".js", StringComparison.Ordinal)).ToList();
        var missing = new List<string>();

        foreach (var module in modules)
        {
            var source = await client.GetStringAsync(module);
            foreach (Match import in Imports().Matches(source))
            {
                var target = new Uri(new Uri(api.BaseAddress, module), import.Groups["path"].Value).AbsolutePath;
                if (!modules.Contains(target))
                {
                    missing.Add($"{module} imports {target}");
                }
            }
        }

        modules.Should().Contain("/app.js");
        missing.Should().BeEmpty();
    }

    [Fact]
    public async Task AFileThatIsNotThereIsTheApisNotFound()
    {
        using var client = await api.SuperAdminAsync();

        using var response = await client.GetAsync("/js/no-such-module.js");

        await response.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
    }

    [Fact]
    public async Task NoConsoleFileIsAnOpenApiOperationOrSitsUnderAnApiRoute()
    {
        using var client = api.Anonymous();

        var document = await client.GetAsync(OpenApiSetup.DocumentPath).ReadJsonAsync();

        var operations = document.GetProperty("paths").EnumerateObject().Select(p => FirstSegment(p.Name)).ToHashSet();
        var apiRoots = operations.Append(FirstSegment(OpenApiSetup.DocumentPath)).Append(FirstSegment(OpenApiSetup.UiPath));

        operations.Should().Contain(["users", "parts", "images"]);
        operations.Should().NotContain(string.Empty, "the console's page, not an operation, answers /");
        Paths().Where(p => p != "/").Select(FirstSegment).Should().NotIntersectWith(apiRoots);
    }

    private IReadOnlySet<string> Paths() =>
        WebConsole.Paths(api.Services.GetRequiredService<IWebHostEnvironment>().WebRootFileProvider);

    private static string FirstSegment(string path) => path.TrimStart('/').Split('/')[0];

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTags();

    [GeneratedRegex("""(?:import|from)\s*['"](?<path>\.{1,2}/[^'"]+)['"]""")]
    private static partial Regex Imports();
}
