using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Web;
using AbParts.Tests.Support;
using AbParts.WebApi.ErrorHandling;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// Who reaches a chat file over HTTP: its owner and super admins with a bearer token, and whoever holds a
/// signed URL the service issued for it. Everyone else gets the very answer a missing id gets.
/// </summary>
[Collection(ApiTestGroup.Name)]
public sealed class ChatAccessTests(ApiFixture api)
{
    internal const string FilesPath = "/api/v1/chat/files";

    private const string GetFile = "GET file";
    private const string DownloadFile = "GET file?download=true";
    private const string HeadFile = "HEAD file";
    private const string GetThumbnail = "GET thumbnail";
    private const string DeleteFile = "DELETE file";

    private const string Owner = "owner";
    private const string SuperAdmin = "super admin";
    private const string Colleague = "another user of the same organization";
    private const string OtherAdmin = "an admin of another organization";

    /// <summary>A 21 x 16 black RGB PNG: its 16 rows of a filter byte and 63 zeros are exactly the 1024 bytes <see cref="ImageBytes.PngDeclaring"/> packs.</summary>
    internal static byte[] TinyPng { get; } = ImageBytes.PngDeclaring(21, 16);

    internal static byte[] Hello { get; } = "hello\n"u8.ToArray();

    public static TheoryData<string, string, HttpStatusCode, string?, bool> AllowedCalls()
    {
        var data = new TheoryData<string, string, HttpStatusCode, string?, bool>();
        foreach (var caller in new[] { Owner, SuperAdmin })
        {
            data.Add(GetFile, caller, HttpStatusCode.OK, "image/png", true);
            data.Add(DownloadFile, caller, HttpStatusCode.OK, "image/png", true);
            data.Add(HeadFile, caller, HttpStatusCode.OK, "image/png", true);
            data.Add(GetThumbnail, caller, HttpStatusCode.OK, "image/webp", true);
            data.Add(DeleteFile, caller, HttpStatusCode.NoContent, null, false);
        }

        return data;
    }

    public static TheoryData<string, string> RefusedCalls()
    {
        var data = new TheoryData<string, string>();
        foreach (var caller in new[] { Colleague, OtherAdmin })
        {
            foreach (var route in new[] { GetFile, DownloadFile, HeadFile, GetThumbnail, DeleteFile })
            {
                data.Add(route, caller);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllowedCalls))]
    public async Task TheOwnerAndASuperAdminAreAnswered(string route, string caller, HttpStatusCode status, string? contentType,
        bool stillThere)
    {
        var (owner, _, _) = await api.UserAsync("user");
        var id = (await UploadAsync(owner, (TinyPng, "tiny.png", "image/png")))[0].GetProperty("file_id").GetGuid();
        var client = caller == Owner ? owner : await api.SuperAdminAsync();

        using var response = await client.SendAsync(Request(route, id));
        using var afterwards = await owner.GetAsync($"{FilesPath}/{id}");

        response.StatusCode.Should().Be(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType?.ToString().Should().Be(contentType);
        afterwards.StatusCode.Should().Be(stillThere ? HttpStatusCode.OK : HttpStatusCode.NotFound);
        client.Dispose();
        owner.Dispose();
    }

    [Theory]
    [MemberData(nameof(RefusedCalls))]
    public async Task AnyoneElseGetsTheAnswerOfAnIdThatDoesNotExistAndChangesNothing(string route, string caller)
    {
        var (owner, organizationId, _) = await api.UserAsync("user");
        var id = (await UploadAsync(owner, (TinyPng, "tiny.png", "image/png")))[0].GetProperty("file_id").GetGuid();
        var missingId = Guid.NewGuid();
        using var client = caller == Colleague
            ? await ColleagueAsync(api, organizationId, "user")
            : (await api.UserAsync("admin")).Client;

        using var refused = await client.SendAsync(Request(route, id));
        using var missing = await client.SendAsync(Request(route, missingId));
        using var afterwards = await owner.GetAsync($"{FilesPath}/{id}");

        refused.StatusCode.Should().Be(HttpStatusCode.NotFound);
        if (route != HeadFile)
        {
            await refused.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        }

        (await AnswerWithoutIdAsync(refused, id)).Should().Be(await AnswerWithoutIdAsync(missing, missingId),
            "an id of someone else's file cannot be told from one that does not exist");
        afterwards.StatusCode.Should().Be(HttpStatusCode.OK, "a refused request leaves the file as it was");
        (await afterwards.Content.ReadAsByteArrayAsync()).Should().Equal(TinyPng);
        owner.Dispose();
    }

    [Theory]
    [InlineData("POST", "/api/v1/chat/files")]
    [InlineData("GET", "/api/v1/chat/files")]
    [InlineData("GET", "/api/v1/chat/files/{file}")]
    [InlineData("GET", "/api/v1/chat/files/{file}?download=true")]
    [InlineData("HEAD", "/api/v1/chat/files/{file}")]
    [InlineData("GET", "/api/v1/chat/files/{file}/thumbnail")]
    [InlineData("HEAD", "/api/v1/chat/files/{file}/thumbnail")]
    [InlineData("DELETE", "/api/v1/chat/files/{file}")]
    [InlineData("POST", "/api/v1/chat/sessions")]
    [InlineData("POST", "/api/v1/chat/sessions/{session}/messages")]
    [InlineData("GET", "/api/v1/chat/sessions/{session}/history")]
    public async Task EveryChatRouteAnswers401WithoutAToken(string method, string template)
    {
        var (owner, _, _) = await api.UserAsync("user");
        var file = (await UploadAsync(owner, (TinyPng, "tiny.png", "image/png")))[0].GetProperty("file_id").GetGuid();
        var session = (await owner.PostAsJsonAsync("/api/v1/chat/sessions", new { title = "t" }).ReadJsonAsync())
            .GetProperty("id").GetGuid();
        using var request = new HttpRequestMessage(new HttpMethod(method),
            template.Replace("{file}", file.ToString(), StringComparison.Ordinal)
                .Replace("{session}", session.ToString(), StringComparison.Ordinal));
        request.Content = method switch
        {
            "POST" when template.EndsWith("/files", StringComparison.Ordinal) => Form((Hello, "hello.txt", "text/plain")),
            "POST" => JsonContent.Create(new { role = "user", content = "hi", title = "t" }),
            _ => null,
        };
        using var anonymous = api.Anonymous();
        var countsBefore = await ChatCountsAsync();

        using var response = await anonymous.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        if (method != "HEAD")
        {
            await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        }

        (await ChatCountsAsync()).Should().Be(countsBefore, "nothing is stored or removed for an anonymous caller");
        owner.Dispose();
    }

    [Fact]
    public async Task TheFileListHoldsOnlyTheCallersOwnFilesNewestFirstAPageAtATime()
    {
        var (owner, organizationId, _) = await api.UserAsync("user");
        using var colleague = await ColleagueAsync(api, organizationId, "user");
        var colleagueFile = (await UploadAsync(colleague, (Hello, "theirs.txt", "text/plain")))[0].GetProperty("file_id").GetGuid();
        var first = (await UploadAsync(owner, (Hello, "first.txt", "text/plain")))[0].GetProperty("file_id").GetGuid();
        var second = (await UploadAsync(owner, (TinyPng, "second.png", "image/png")))[0].GetProperty("file_id").GetGuid();
        var third = (await UploadAsync(owner, (Hello, "third.txt", "text/plain")))[0].GetProperty("file_id").GetGuid();

        var page1 = await owner.GetAsync($"{FilesPath}?page_size=2").ReadJsonAsync();
        var page2 = await owner.GetAsync($"{FilesPath}?page=2&page_size=2").ReadJsonAsync();
        var theirs = await colleague.GetAsync(FilesPath).ReadJsonAsync();

        FileIds(page1).Should().Equal(third, second);
        FileIds(page2).Should().Equal(first);
        page1.GetProperty("page").GetInt32().Should().Be(1);
        page2.GetProperty("page").GetInt32().Should().Be(2);
        page1.GetProperty("page_size").GetInt32().Should().Be(2);
        page1.GetProperty("total_count").GetInt32().Should().Be(3);
        page2.GetProperty("total_count").GetInt32().Should().Be(3);
        page1.GetProperty("total_pages").GetInt32().Should().Be(2);
        FileIds(theirs).Should().Equal(colleagueFile);
        page1.GetProperty("items")[1].GetProperty("name").GetString().Should().Be("second.png");
        owner.Dispose();
    }

    [Theory]
    [InlineData("page_size=0", "page_size")]
    [InlineData("page=0", "page")]
    public async Task AFileListPageOutOfRangeIs400(string query, string field)
    {
        using var client = (await api.UserAsync("user")).Client;

        using var response = await client.GetAsync($"{FilesPath}?{query}");

        var problem = await response.ShouldBeProblemAsync(400, ProblemTypes.Validation);
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().Equal(field);
    }

    [Fact]
    public async Task TheSignedUrlsOfAnImageWorkWithoutATokenAsAnImgOrADownloadLinkWould()
    {
        using var owner = (await api.UserAsync("user")).Client;
        var upload = (await UploadAsync(owner, (TinyPng, "tiny.png", "image/png")))[0];
        using var anonymous = api.Anonymous();

        using var inline = await anonymous.GetAsync(upload.GetProperty("url").GetString());
        using var download = await anonymous.GetAsync(upload.GetProperty("download_url").GetString());
        using var thumbnail = await anonymous.GetAsync(upload.GetProperty("thumbnail_url").GetString());
        using var small = await anonymous.GetAsync(upload.GetProperty("thumbnail_small").GetString());
        using var medium = await anonymous.GetAsync(upload.GetProperty("thumbnail_medium").GetString());

        inline.StatusCode.Should().Be(HttpStatusCode.OK);
        (await inline.Content.ReadAsByteArrayAsync()).Should().Equal(TinyPng);
        inline.Content.Headers.ContentDisposition!.DispositionType.Should().Be("inline");
        download.StatusCode.Should().Be(HttpStatusCode.OK);
        (await download.Content.ReadAsByteArrayAsync()).Should().Equal(TinyPng);
        download.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        download.Content.Headers.ContentDisposition.FileName.Should().Be("tiny.png");
        foreach (var served in new[] { thumbnail, small, medium })
        {
            served.StatusCode.Should().Be(HttpStatusCode.OK);
            served.Content.Headers.ContentType!.MediaType.Should().Be("image/webp");
        }
    }

    [Fact]
    public async Task TheSignedUrlsOfATextFileWorkWithoutATokenAndItHasNoThumbnails()
    {
        using var owner = (await api.UserAsync("user")).Client;
        var upload = (await UploadAsync(owner, (Hello, "hello.txt", "text/plain")))[0];
        using var anonymous = api.Anonymous();

        using var inline = await anonymous.GetAsync(upload.GetProperty("url").GetString());
        using var download = await anonymous.GetAsync(upload.GetProperty("download_url").GetString());

        inline.StatusCode.Should().Be(HttpStatusCode.OK);
        inline.Content.Headers.ContentType!.ToString().Should().Be("text/plain; charset=utf-8");
        inline.Content.Headers.ContentDisposition!.DispositionType.Should().Be("inline");
        (await inline.Content.ReadAsByteArrayAsync()).Should().Equal(Hello);
        download.StatusCode.Should().Be(HttpStatusCode.OK);
        download.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        (await download.Content.ReadAsByteArrayAsync()).Should().Equal(Hello);
        upload.GetProperty("thumbnail_url").ValueKind.Should().Be(JsonValueKind.Null);
        upload.GetProperty("thumbnail_small").ValueKind.Should().Be(JsonValueKind.Null);
        upload.GetProperty("thumbnail_medium").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Theory]
    [InlineData("url", "sig")]
    [InlineData("url", "exp")]
    [InlineData("url", "download")]
    [InlineData("url", "path")]
    [InlineData("download_url", "sig")]
    [InlineData("download_url", "exp")]
    [InlineData("download_url", "download")]
    [InlineData("download_url", "path")]
    [InlineData("thumbnail_url", "sig")]
    [InlineData("thumbnail_url", "exp")]
    [InlineData("thumbnail_url", "size")]
    [InlineData("thumbnail_url", "path")]
    public async Task AnAlteredSignedUrlIs401(string member, string change)
    {
        using var owner = (await api.UserAsync("user")).Client;
        var uploads = await UploadAsync(owner, (TinyPng, "a.png", "image/png"), (TinyPng, "b.png", "image/png"));
        var url = uploads[0].GetProperty(member).GetString()!;
        var altered = Alter(url, change, otherId: uploads[1].GetProperty("file_id").GetGuid());
        using var anonymous = api.Anonymous();

        using var response = await anonymous.GetAsync(altered);

        altered.Should().NotBe(url);
        await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task ASignedUrlOfOneUsersFileNeverServesAnotherUsersFile()
    {
        using var alice = (await api.UserAsync("user")).Client;
        using var bob = (await api.UserAsync("user")).Client;
        var aliceUrl = (await UploadAsync(alice, (Hello, "alice.txt", "text/plain")))[0].GetProperty("url").GetString()!;
        var bobId = (await UploadAsync(bob, ("bob's secret\n"u8.ToArray(), "bob.txt", "text/plain")))[0].GetProperty("file_id").GetGuid();
        var pointedAtBob = Alter(aliceUrl, "path", bobId);
        using var anonymous = api.Anonymous();

        using var withoutToken = await anonymous.GetAsync(pointedAtBob);
        using var withAlicesToken = await alice.GetAsync(pointedAtBob);

        await withoutToken.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        await withAlicesToken.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
    }

    [Fact]
    public async Task ASignedUrlDoesNotDeleteAFile()
    {
        using var owner = (await api.UserAsync("user")).Client;
        var url = (await UploadAsync(owner, (Hello, "keep.txt", "text/plain")))[0].GetProperty("url").GetString()!;
        using var anonymous = api.Anonymous();

        using var response = await anonymous.DeleteAsync(url);
        using var afterwards = await anonymous.GetAsync(url);

        await response.ShouldBeProblemAsync(401, ProblemTypes.Unauthorized);
        afterwards.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnotherUsersTokenBesideTheOwnersSignedUrlIsServedBecauseTheOwnerChoseToShareTheUrl()
    {
        using var owner = (await api.UserAsync("user")).Client;
        using var stranger = (await api.UserAsync("user")).Client;
        var upload = (await UploadAsync(owner, (TinyPng, "shared.png", "image/png")))[0];

        using var file = await stranger.GetAsync(upload.GetProperty("url").GetString());
        using var thumbnail = await stranger.GetAsync(upload.GetProperty("thumbnail_url").GetString());

        file.StatusCode.Should().Be(HttpStatusCode.OK, await file.Content.ReadAsStringAsync());
        (await file.Content.ReadAsByteArrayAsync()).Should().Equal(TinyPng);
        thumbnail.StatusCode.Should().Be(HttpStatusCode.OK, await thumbnail.Content.ReadAsStringAsync());
        thumbnail.Content.Headers.ContentType!.MediaType.Should().Be("image/webp");
    }

    /// <summary>Uploads files in one request; returns the answer's upload objects.</summary>
    internal static async Task<JsonElement[]> UploadAsync(HttpClient client, params (byte[] Bytes, string Name, string ContentType)[] files)
    {
        using var form = Form(files);
        using var response = await client.PostAsync(FilesPath, form);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, text);
        return [.. JsonDocument.Parse(text).RootElement.GetProperty("uploads").EnumerateArray().Select(u => u.Clone())];
    }

    /// <summary>A user with <paramref name="role"/> in an existing organization, signed in.</summary>
    internal static async Task<HttpClient> ColleagueAsync(ApiFixture api, Guid organizationId, string role)
    {
        using var admin = await api.SuperAdminAsync();
        var username = $"c{Guid.NewGuid():N}"[..16];
        await admin.PostAsJsonAsync("/users",
            new { username, password = "user-password-1", organization_id = organizationId, role }).ReadJsonAsync();
        return api.WithToken(await api.SignInAsync(username, "user-password-1"));
    }

    /// <summary>
    /// What a caller can observe of an answer, with the id it names replaced: status, header names, and every
    /// body member but <c>instance</c> and <c>trace_id</c> (which name the request, not the file).
    /// </summary>
    internal static async Task<string> AnswerWithoutIdAsync(HttpResponseMessage response, Guid id)
    {
        var headers = response.Headers.Select(h => h.Key)
            .Concat(response.Content.Headers.Where(h => h.Key != "Content-Length").Select(h => $"{h.Key}: {string.Join(",", h.Value)}"))
            .Where(h => h != "Date").Order(StringComparer.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        var members = text.Length == 0
            ? []
            : JsonDocument.Parse(text).RootElement.EnumerateObject()
                .Where(p => p.Name is not ("instance" or "trace_id"))
                .Select(p => $"{p.Name}={p.Value.GetRawText().Replace(id.ToString(), "{id}", StringComparison.OrdinalIgnoreCase)}");
        return string.Join(Environment.NewLine, [$"{(int)response.StatusCode}", .. headers, .. members]);
    }

    private static HttpRequestMessage Request(string route, Guid id) => route switch
    {
        GetFile => new HttpRequestMessage(HttpMethod.Get, $"{FilesPath}/{id}"),
        DownloadFile => new HttpRequestMessage(HttpMethod.Get, $"{FilesPath}/{id}?download=true"),
        HeadFile => new HttpRequestMessage(HttpMethod.Head, $"{FilesPath}/{id}"),
        GetThumbnail => new HttpRequestMessage(HttpMethod.Get, $"{FilesPath}/{id}/thumbnail"),
        DeleteFile => new HttpRequestMessage(HttpMethod.Delete, $"{FilesPath}/{id}"),
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, "Unknown route."),
    };

    private static MultipartFormDataContent Form(params (byte[] Bytes, string Name, string ContentType)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (bytes, name, contentType) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            form.Add(content, "file", name);
        }

        return form;
    }

    /// <summary>A signed URL with one thing changed: its signature, expiry, a signed parameter, or the file it names.</summary>
    private static string Alter(string url, string change, Guid otherId)
    {
        var mark = url.IndexOf('?', StringComparison.Ordinal);
        var (path, query) = (url[..mark], HttpUtility.ParseQueryString(url[(mark + 1)..]));
        switch (change)
        {
            case "sig":
                var sig = query["sig"]!;
                query["sig"] = (sig[0] == 'A' ? 'B' : 'A') + sig[1..];
                break;
            case "exp":
                query["exp"] = (long.Parse(query["exp"]!, System.Globalization.CultureInfo.InvariantCulture) + 1)
                    .ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case "download":
                if (query["download"] is null)
                {
                    query["download"] = "true";
                }
                else
                {
                    query.Remove("download");
                }

                break;
            case "size":
                query["size"] = "300";
                break;
            case "path":
                var id = path.Split('/')[5];
                path = path.Replace(id, otherId.ToString(), StringComparison.Ordinal);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown change.");
        }

        return $"{path}?{query}";
    }

    private static Guid[] FileIds(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("file_id").GetGuid())];

    private async Task<string> ChatCountsAsync() => string.Join(",", await api.Database.RowsAsync("""
        SELECT (SELECT count(*) FROM chat_files), (SELECT count(*) FROM chat_sessions), (SELECT count(*) FROM chat_messages)
        """));
}
