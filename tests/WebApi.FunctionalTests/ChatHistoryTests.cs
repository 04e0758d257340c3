using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AbParts.WebApi.ErrorHandling;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>Chat sessions and their messages over HTTP: a message carries its author's files, and the history shows them.</summary>
[Collection(ApiTestGroup.Name)]
public sealed class ChatHistoryTests(ApiFixture api)
{
    private const string SessionsPath = "/api/v1/chat/sessions";

    /// <summary>PostgreSQL keeps microseconds; a 201 answer carries the clock's 100-nanosecond ticks.</summary>
    private static readonly TimeSpan StoredPrecision = TimeSpan.FromMicroseconds(1);

    private static readonly string[] UploadMembers =
    [
        "file_id", "name", "mime", "size", "is_image", "url", "download_url", "thumbnail_url", "thumbnail_small", "thumbnail_medium",
    ];

    [Theory]
    [InlineData("Pump housing, cracked flange")]
    [InlineData(null)]
    public async Task StartingASessionAnswers201WithItsIdTitleAndCreationTime(string? title)
    {
        using var client = (await api.UserAsync("user")).Client;

        using var response = await client.PostAsJsonAsync(SessionsPath, new { title });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var id = body.GetProperty("id").GetGuid();
        var stored = (await client.GetAsync($"{SessionsPath}/{id}/history").ReadJsonAsync()).GetProperty("session");

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        body.EnumerateObject().Select(p => p.Name).Should().Equal("id", "title", "created_at");
        response.Headers.Location!.ToString().Should().Be($"{SessionsPath}/{id}");
        body.GetProperty("title").ValueKind.Should().Be(title is null ? JsonValueKind.Null : JsonValueKind.String);
        body.GetProperty("title").GetString().Should().Be(title);
        stored.GetProperty("id").GetGuid().Should().Be(id);
        stored.GetProperty("title").GetString().Should().Be(title);
        body.GetProperty("created_at").GetDateTimeOffset().Should()
            .BeCloseTo(stored.GetProperty("created_at").GetDateTimeOffset(), StoredPrecision);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("assistant")]
    [InlineData("system")]
    public async Task AMessageOfEachRoleIsStoredWithItsContent(string role)
    {
        using var client = (await api.UserAsync("user")).Client;
        var session = await StartAsync(client);

        var message = await client.PostAsJsonAsync($"{SessionsPath}/{session}/messages",
            new { role, content = $"Said by the {role}." }).ReadJsonAsync();

        message.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("id", "session_id", "role", "content", "uploads", "created_at");
        message.GetProperty("session_id").GetGuid().Should().Be(session);
        message.GetProperty("role").GetString().Should().Be(role);
        message.GetProperty("content").GetString().Should().Be($"Said by the {role}.");
        message.GetProperty("uploads").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task AMessageListsItsFilesInTheOrderGivenAsUploadObjectsWithWorkingSignedUrls()
    {
        using var client = (await api.UserAsync("user")).Client;
        var uploaded = await ChatAccessTests.UploadAsync(client, (ChatAccessTests.Hello, "notes.txt", "text/plain"),
            (ChatAccessTests.TinyPng, "tiny.png", "image/png"));
        var (text, image) = (uploaded[0].GetProperty("file_id").GetGuid(), uploaded[1].GetProperty("file_id").GetGuid());
        var session = await StartAsync(client);
        using var anonymous = api.Anonymous();

        using var response = await client.PostAsJsonAsync($"{SessionsPath}/{session}/messages",
            new { role = "user", content = "See the photo, then the notes.", file_ids = new[] { image, text } });
        var uploads = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("uploads");

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        uploads.EnumerateArray().Select(u => u.GetProperty("file_id").GetGuid()).Should().Equal(image, text);
        foreach (var upload in uploads.EnumerateArray())
        {
            upload.EnumerateObject().Select(p => p.Name).Should().Equal(UploadMembers);
        }

        var (png, notes) = (uploads[0], uploads[1]);
        png.GetProperty("name").GetString().Should().Be("tiny.png");
        png.GetProperty("mime").GetString().Should().Be("image/png");
        png.GetProperty("size").GetInt64().Should().Be(ChatAccessTests.TinyPng.Length);
        png.GetProperty("is_image").GetBoolean().Should().BeTrue();
        notes.GetProperty("name").GetString().Should().Be("notes.txt");
        notes.GetProperty("mime").GetString().Should().Be("text/plain; charset=utf-8");
        notes.GetProperty("size").GetInt64().Should().Be(ChatAccessTests.Hello.Length);
        notes.GetProperty("is_image").GetBoolean().Should().BeFalse();
        foreach (var member in new[] { "thumbnail_url", "thumbnail_small", "thumbnail_medium" })
        {
            notes.GetProperty(member).ValueKind.Should().Be(JsonValueKind.Null, "a text file has no thumbnails");
        }

        foreach (var (upload, member, bytes) in new (JsonElement, string, byte[]?)[]
                 {
                     (png, "url", ChatAccessTests.TinyPng), (png, "download_url", ChatAccessTests.TinyPng),
                     (png, "thumbnail_url", null), (png, "thumbnail_small", null), (png, "thumbnail_medium", null),
                     (notes, "url", ChatAccessTests.Hello), (notes, "download_url", ChatAccessTests.Hello),
                 })
        {
            var url = upload.GetProperty(member).GetString()!;
            url.Should().StartWith($"{ChatAccessTests.FilesPath}/{upload.GetProperty("file_id").GetGuid()}")
                .And.Contain("exp=").And.Contain("&sig=");
            using var served = await anonymous.GetAsync(url);
            served.StatusCode.Should().Be(HttpStatusCode.OK, $"{member} works without a token");
            if (bytes is not null)
            {
                (await served.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
            }
        }
    }

    [Fact]
    public async Task TheHistoryIsTheSessionAndEveryMessageOldestFirstWithItsUploads()
    {
        using var client = (await api.UserAsync("user")).Client;
        var uploaded = await ChatAccessTests.UploadAsync(client, (ChatAccessTests.TinyPng, "tiny.png", "image/png"),
            (ChatAccessTests.Hello, "notes.txt", "text/plain"));
        var (image, text) = (uploaded[0].GetProperty("file_id").GetGuid(), uploaded[1].GetProperty("file_id").GetGuid());
        var session = await client.PostAsJsonAsync(SessionsPath, new { title = "Gearbox" }).ReadJsonAsync();
        var sessionId = session.GetProperty("id").GetGuid();
        var posted = new List<JsonElement>();
        foreach (var message in new object[]
                 {
                     new { role = "system", content = "You help with spare parts." },
                     new { role = "user", content = "Which part is this?", file_ids = new[] { image } },
                     new { role = "assistant", content = "A bearing; see the notes.", file_ids = new[] { text, image } },
                 })
        {
            posted.Add(await client.PostAsJsonAsync($"{SessionsPath}/{sessionId}/messages", message).ReadJsonAsync());
        }

        var history = await client.GetAsync($"{SessionsPath}/{sessionId}/history").ReadJsonAsync();

        history.EnumerateObject().Select(p => p.Name).Should().Equal("session", "messages");
        history.GetProperty("session").GetProperty("id").GetGuid().Should().Be(sessionId);
        history.GetProperty("session").GetProperty("title").GetString().Should().Be("Gearbox");
        var messages = history.GetProperty("messages").EnumerateArray().ToList();
        messages.Select(m => m.GetProperty("id").GetGuid()).Should().Equal(posted.Select(m => m.GetProperty("id").GetGuid()));
        messages.Select(m => m.GetProperty("role").GetString()).Should().Equal("system", "user", "assistant");
        messages.Select(m => m.GetProperty("content").GetString()).Should().Equal(posted.Select(m => m.GetProperty("content").GetString()));
        messages.Select(m => m.GetProperty("created_at").GetDateTimeOffset()).Should().BeInAscendingOrder();
        messages.Select(UploadIds).Should().BeEquivalentTo(
            new Guid[][] { [], [image], [text, image] }, o => o.WithStrictOrdering());
        messages[2].GetProperty("uploads")[0].EnumerateObject().Select(p => p.Name).Should().Equal(UploadMembers);
    }

    [Theory]
    [InlineData("another user's file")]
    [InlineData("a file that does not exist")]
    public async Task AMessageNamingAFileThatIsNotTheCallersIs404AndAddsNothing(string file)
    {
        var (client, organizationId, _) = await api.UserAsync("user");
        using var colleague = await ChatAccessTests.ColleagueAsync(api, organizationId, "user");
        var colleaguesFile = (await ChatAccessTests.UploadAsync(colleague, (ChatAccessTests.Hello, "theirs.txt", "text/plain")))[0]
            .GetProperty("file_id").GetGuid();
        var own = (await ChatAccessTests.UploadAsync(client, (ChatAccessTests.Hello, "mine.txt", "text/plain")))[0]
            .GetProperty("file_id").GetGuid();
        var named = file == "another user's file" ? colleaguesFile : Guid.NewGuid();
        var session = await StartAsync(client);
        var before = await HistorySummaryAsync(client, session);

        using var response = await client.PostAsJsonAsync($"{SessionsPath}/{session}/messages",
            new { role = "user", content = "Look", file_ids = new[] { own, named } });

        var problem = await response.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        problem.GetProperty("detail").GetString().Should().Contain(named.ToString());
        (await HistorySummaryAsync(client, session)).Should().Be(before);
        client.Dispose();
    }

    [Fact]
    public async Task AnotherUsersFileInAMessageGetsTheAnswerOfAFileThatDoesNotExist()
    {
        var (client, organizationId, _) = await api.UserAsync("user");
        using var colleague = await ChatAccessTests.ColleagueAsync(api, organizationId, "user");
        var colleaguesFile = (await ChatAccessTests.UploadAsync(colleague, (ChatAccessTests.Hello, "theirs.txt", "text/plain")))[0]
            .GetProperty("file_id").GetGuid();
        var missingId = Guid.NewGuid();
        var session = await StartAsync(client);

        using var refused = await client.PostAsJsonAsync($"{SessionsPath}/{session}/messages",
            new { role = "user", content = "Look", file_ids = new[] { colleaguesFile } });
        using var missing = await client.PostAsJsonAsync($"{SessionsPath}/{session}/messages",
            new { role = "user", content = "Look", file_ids = new[] { missingId } });

        (await ChatAccessTests.AnswerWithoutIdAsync(refused, colleaguesFile))
            .Should().Be(await ChatAccessTests.AnswerWithoutIdAsync(missing, missingId));
        client.Dispose();
    }

    [Theory]
    [InlineData("user")]
    [InlineData("admin")]
    [InlineData("super_admin")]
    public async Task PostingIntoAnotherUsersSessionIs404EvenForASuperAdmin(string role)
    {
        using var owner = (await api.UserAsync("user")).Client;
        var session = await StartAsync(owner);
        await PostAsync(owner, session, new { role = "user", content = "Mine." });
        using var other = role == "super_admin" ? await api.SuperAdminAsync() : (await api.UserAsync(role)).Client;
        var before = await HistorySummaryAsync(owner, session);

        using var response = await other.PostAsJsonAsync($"{SessionsPath}/{session}/messages",
            new { role = "assistant", content = "Not yours to write." });

        var problem = await response.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        problem.GetProperty("detail").GetString().Should().Be($"Chat session '{session}' was not found.");
        (await HistorySummaryAsync(owner, session)).Should().Be(before);
    }

    [Fact]
    public async Task ReadingAnotherUsersHistoryIs404ForAPlainUser()
    {
        var (owner, organizationId, _) = await api.UserAsync("user");
        var session = await StartAsync(owner);
        await PostAsync(owner, session, new { role = "user", content = "Private." });
        using var colleague = await ChatAccessTests.ColleagueAsync(api, organizationId, "user");
        var missing = Guid.NewGuid();

        using var refused = await colleague.GetAsync($"{SessionsPath}/{session}/history");
        using var absent = await colleague.GetAsync($"{SessionsPath}/{missing}/history");

        await refused.ShouldBeProblemAsync(404, ProblemTypes.NotFound);
        (await ChatAccessTests.AnswerWithoutIdAsync(refused, session))
            .Should().Be(await ChatAccessTests.AnswerWithoutIdAsync(absent, missing));
        owner.Dispose();
    }

    [Fact]
    public async Task ASuperAdminReadsAnotherUsersHistory()
    {
        using var owner = (await api.UserAsync("user")).Client;
        var file = (await ChatAccessTests.UploadAsync(owner, (ChatAccessTests.Hello, "notes.txt", "text/plain")))[0]
            .GetProperty("file_id").GetGuid();
        var session = await StartAsync(owner);
        await PostAsync(owner, session, new { role = "user", content = "For the record.", file_ids = new[] { file } });
        using var superAdmin = await api.SuperAdminAsync();

        var seen = await superAdmin.GetAsync($"{SessionsPath}/{session}/history").ReadJsonAsync();

        Summary(seen).Should().Be(await HistorySummaryAsync(owner, session));
        seen.GetProperty("messages")[0].GetProperty("uploads")[0].GetProperty("file_id").GetGuid().Should().Be(file);
    }

    [Theory]
    [InlineData("an unknown role", "role")]
    [InlineData("no content and no files", "content")]
    [InlineData("only white space and no files", "content")]
    [InlineData("eleven files", "file_ids")]
    [InlineData("the same file twice", "file_ids")]
    [InlineData("content longer than 32000 characters", "content")]
    public async Task AnInvalidMessageIs400NamingTheFieldAndAddsNothing(string invalid, string field)
    {
        using var client = (await api.UserAsync("user")).Client;
        var ten = await ChatAccessTests.UploadAsync(client, [.. Enumerable.Range(0, 10)
            .Select(i => (ChatAccessTests.Hello, $"n{i}.txt", "text/plain"))]);
        var eleventh = await ChatAccessTests.UploadAsync(client, (ChatAccessTests.Hello, "n10.txt", "text/plain"));
        var ids = ten.Concat(eleventh).Select(u => u.GetProperty("file_id").GetGuid()).ToArray();
        var session = await StartAsync(client);
        await PostAsync(client, session, new { role = "user", content = "Before." });
        var before = await HistorySummaryAsync(client, session);
        object body = invalid switch
        {
            "an unknown role" => new { role = "robot", content = "Beep." },
            "no content and no files" => new { role = "user" },
            "only white space and no files" => new { role = "user", content = " \n\t ", file_ids = Array.Empty<Guid>() },
            "eleven files" => new { role = "user", content = "All of them.", file_ids = ids },
            "the same file twice" => new { role = "user", content = "Twice.", file_ids = new[] { ids[0], ids[1], ids[0] } },
            "content longer than 32000 characters" => new { role = "user", content = new string('a', 32_001) },
            _ => throw new ArgumentOutOfRangeException(nameof(invalid), invalid, "Unknown case."),
        };

        using var response = await client.PostAsJsonAsync($"{SessionsPath}/{session}/messages", body);

        var problem = await response.ShouldBeProblemAsync(400, ProblemTypes.Validation);
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Should().Equal(field);
        (await HistorySummaryAsync(client, session)).Should().Be(before);
    }

    [Fact]
    public async Task TenFilesAndContentOf32000CharactersAreAccepted()
    {
        using var client = (await api.UserAsync("user")).Client;
        var ten = await ChatAccessTests.UploadAsync(client, [.. Enumerable.Range(0, 10)
            .Select(i => (ChatAccessTests.Hello, $"n{i}.txt", "text/plain"))]);
        var ids = ten.Select(u => u.GetProperty("file_id").GetGuid()).ToArray();
        var session = await StartAsync(client);

        var message = await client.PostAsJsonAsync($"{SessionsPath}/{session}/messages",
            new { role = "user", content = new string('a', 32_000), file_ids = ids }).ReadJsonAsync();

        message.GetProperty("content").GetString().Should().HaveLength(32_000);
        message.GetProperty("uploads").EnumerateArray().Select(u => u.GetProperty("file_id").GetGuid()).Should().Equal(ids);
    }

    [Fact]
    public async Task ADeletedFileLeavesTheMessagesThatCarriedItButNoLongerAppearsInThem()
    {
        using var client = (await api.UserAsync("user")).Client;
        var uploaded = await ChatAccessTests.UploadAsync(client, (ChatAccessTests.TinyPng, "tiny.png", "image/png"),
            (ChatAccessTests.Hello, "notes.txt", "text/plain"));
        var (image, text) = (uploaded[0].GetProperty("file_id").GetGuid(), uploaded[1].GetProperty("file_id").GetGuid());
        var session = await StartAsync(client);
        var first = await PostAsync(client, session, new { role = "user", content = "Both.", file_ids = new[] { text, image } });
        var second = await PostAsync(client, session, new { role = "user", content = "", file_ids = new[] { text } });

        using var deleted = await client.DeleteAsync($"{ChatAccessTests.FilesPath}/{text}");
        var history = await client.GetAsync($"{SessionsPath}/{session}/history").ReadJsonAsync();

        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var messages = history.GetProperty("messages").EnumerateArray().ToList();
        messages.Select(m => m.GetProperty("id").GetGuid()).Should().Equal(first, second);
        messages.Select(m => m.GetProperty("content").GetString()).Should().Equal("Both.", "");
        messages.Select(UploadIds).Should().BeEquivalentTo(new Guid[][] { [image], [] }, o => o.WithStrictOrdering());
    }

    private static async Task<Guid> StartAsync(HttpClient client) =>
        (await client.PostAsJsonAsync(SessionsPath, new { title = "Parts" }).ReadJsonAsync()).GetProperty("id").GetGuid();

    private static async Task<Guid> PostAsync(HttpClient client, Guid session, object message) =>
        (await client.PostAsJsonAsync($"{SessionsPath}/{session}/messages", message).ReadJsonAsync()).GetProperty("id").GetGuid();

    private static Guid[] UploadIds(JsonElement message) =>
        [.. message.GetProperty("uploads").EnumerateArray().Select(u => u.GetProperty("file_id").GetGuid())];

    /// <summary>The history read by its owner, without the signed URLs (whose expiry moves with the clock).</summary>
    private static async Task<string> HistorySummaryAsync(HttpClient owner, Guid session) =>
        Summary(await owner.GetAsync($"{SessionsPath}/{session}/history").ReadJsonAsync());

    private static string Summary(JsonElement history) => string.Join(Environment.NewLine,
        [
            history.GetProperty("session").GetRawText(),
            .. history.GetProperty("messages").EnumerateArray().Select(m =>
                $"{m.GetProperty("id")} {m.GetProperty("role")} {m.GetProperty("created_at")} [{string.Join(",", UploadIds(m))}] {m.GetProperty("content")}"),
        ]);
}
