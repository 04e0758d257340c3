using System.Net;
using System.Net.Http.Json;
using AbParts.Tests.Support;
using Npgsql;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// <c>images import-legacy</c> as an operator runs it: the old system's URL columns set in the database, its files
/// (real photographs, and the hostile and the broken) in a media folder, the verb run against the running instance,
/// and the API then serving what was migrated.
/// </summary>
[Collection(ApiTestGroup.Name)]
public sealed class ImportLegacyImagesTests(ApiFixture api) : IAsyncLifetime
{
    private readonly string _base = Directory.CreateTempSubdirectory("abparts-legacy-import-").FullName;

    private string Media => Path.Combine(_base, "app");

    private string Images => Path.Combine(Media, "static", "images");

    private string Outside => Path.Combine(_base, "outside");

    // Only this class sets legacy columns; clearing them around each test keeps one test's rows out of another's import.
    public async Task InitializeAsync()
    {
        await ClearLegacyColumnsAsync();
        Directory.CreateDirectory(Images);
        Directory.CreateDirectory(Outside);
        File.Copy(Wallpapers.AutumnJpeg, Path.Combine(Images, "photo.jpg"));
        File.Copy(Wallpapers.PathJpeg, Path.Combine(Images, "logo.jpg"));
        File.Copy(Wallpapers.PathJpeg, Path.Combine(Images, "p1.jpg"));
        File.Copy(Wallpapers.AltaiPortraitPng, Path.Combine(Images, "p3.png"));
        await File.WriteAllTextAsync(Path.Combine(Images, "notes.jpg"), "Not a photograph, only a note named like one.\n");
        File.Copy(Wallpapers.AutumnJpeg, Path.Combine(Outside, "private.jpg"));
        File.CreateSymbolicLink(Path.Combine(Images, "escape.jpg"), Path.Combine(Outside, "private.jpg"));
    }

    public async Task DisposeAsync()
    {
        await ClearLegacyColumnsAsync();
        Directory.Delete(_base, recursive: true);
    }

    private Task<VerbResult> ImportAsync(params string[] extra) => ImportWithAsync(api.VerbEnvironment(), extra);

    private Task<VerbResult> ImportWithAsync(IReadOnlyDictionary<string, string> environment, params string[] extra) =>
        ServiceExecutable.RunVerbAsync(environment, ["images", "import-legacy", "--media-root", Media, .. extra]);

    [Fact]
    public async Task TheImportStoresEveryGoodFileNamesEachFailureAndTheApiServesTheImagesInTheLegacyOrder()
    {
        var good = await UserWithLegacyPhotoAsync("/static/images/photo.jpg");
        var traversal = await UserWithLegacyPhotoAsync("/../../etc/passwd");
        var notAnImage = await UserWithLegacyPhotoAsync("/static/images/notes.jpg");
        await SetAsync($"UPDATE organizations SET logo_url = 'http://old.example.com/static/images/logo.jpg' WHERE id = '{good.OrganizationId}'");
        await SetAsync($"UPDATE organizations SET logo_url = '/static/images/escape.jpg' WHERE id = '{traversal.OrganizationId}'");
        var part = await PartWithLegacyImagesAsync("/static/images/p1.jpg", "/static/images/missing.jpg", "/static/images/p3.png");

        var result = await ImportAsync();

        result.ExitCode.Should().Be(1, result.ToString());
        result.Output.Should().Contain("migrated\t4").And.Contain("already done\t0").And.Contain("file missing\t1")
            .And.Contain("not an image\t1").And.Contain("too large\t0").And.Contain("refused path\t2");
        result.Output.Should()
            .Contain($"user\t{traversal.UserId}\t/../../etc/passwd\trefused path\t")
            .And.Contain($"user\t{notAnImage.UserId}\t/static/images/notes.jpg\tnot an image\t")
            .And.Contain($"organization\t{traversal.OrganizationId}\t/static/images/escape.jpg\trefused path\t")
            .And.Contain($"part\t{part}\t/static/images/missing.jpg\tfile missing\t");
        result.Output.Should().Contain($"user {good.UserId}: migrated /static/images/photo.jpg")
            .And.Contain($"organization {good.OrganizationId}: migrated http://old.example.com/static/images/logo.jpg");
        using var admin = await api.SuperAdminAsync();
        (await WebpSizeAsync(admin, $"/images/users/{good.UserId}/profile")).Should().Be((1024, 640));
        (await WebpSizeAsync(admin, $"/images/organizations/{good.OrganizationId}/logo")).Should().Be((1024, 640));
        (await WebpSizeAsync(admin, $"/images/parts/{part}/0")).Should().Be((1024, 640), "p1.jpg, a landscape photograph, comes first");
        (await WebpSizeAsync(admin, $"/images/parts/{part}/1")).Should().Be((576, 1024), "p3.png, a portrait, comes after the missing file");
        (await admin.GetFromJsonAsync<Dictionary<string, int>>($"/images/parts/{part}/count"))!["count"].Should().Be(2);
        (await api.Database.ScalarAsync<Guid?>($"SELECT profile_photo_image_id FROM users WHERE id = '{traversal.UserId}'"))
            .Should().BeNull("a refused file stores nothing");
        (await api.Database.ScalarAsync<Guid?>($"SELECT logo_image_id FROM organizations WHERE id = '{traversal.OrganizationId}'"))
            .Should().BeNull("the link out of the folder was not followed");
        await api.ImagesShouldHaveNoOrphansAsync("after an import");
    }

    [Fact]
    public async Task TheLegacyColumnsAreKeptAndASecondImportChangesNothingAndReportsEveryMigratedImageAlreadyDone()
    {
        var user = await UserWithLegacyPhotoAsync("/static/images/photo.jpg");
        await SetAsync($"UPDATE organizations SET logo_url = 'https://old.example.com/static/images/logo.jpg?v=3' WHERE id = '{user.OrganizationId}'");
        var part = await PartWithLegacyImagesAsync("/static/images/p1.jpg", "/static/images/missing.jpg", "/static/images/p3.png");
        var columns = await LegacyColumnsAsync(user.UserId, user.OrganizationId, part);
        var first = await ImportAsync();
        var stored = await StoredAsync();

        var second = await ImportAsync();

        first.Output.Should().Contain("migrated\t4", first.ToString());
        second.ExitCode.Should().Be(1, "the missing file is still missing: {0}", second);
        (await StoredAsync()).Should().Be(stored, "nothing was left to do");
        second.Output.Should().Contain("migrated\t0").And.Contain("already done\t4").And.Contain("file missing\t1");
        second.Output.Should()
            .Contain($"user {user.UserId}: already done /static/images/photo.jpg")
            .And.Contain($"organization {user.OrganizationId}: already done https://old.example.com/static/images/logo.jpg?v=3")
            .And.Contain($"part {part}: already done /static/images/p1.jpg; file missing /static/images/missing.jpg; already done /static/images/p3.png");
        (await LegacyColumnsAsync(user.UserId, user.OrganizationId, part)).Should().Equal(columns, "the legacy URLs stay, for rollback");
    }

    [Fact]
    public async Task AFileThatWasMissingIsImportedByTheNextRunIntoItsLegacyPlace()
    {
        var part = await PartWithLegacyImagesAsync("/static/images/p1.jpg", "/static/images/missing.jpg", "/static/images/p3.png");
        var first = await ImportAsync();
        File.Copy(Wallpapers.SafeLandingJpeg, Path.Combine(Images, "missing.jpg"));

        var second = await ImportAsync();

        first.Output.Should().Contain("migrated\t2").And.Contain("file missing\t1");
        second.ExitCode.Should().Be(0, second.ToString());
        second.Output.Should().Contain("migrated\t1").And.Contain("already done\t2").And.Contain(
            $"part {part}: already done /static/images/p1.jpg; migrated /static/images/missing.jpg; already done /static/images/p3.png");
        using var admin = await api.SuperAdminAsync();
        (await WebpSizeAsync(admin, $"/images/parts/{part}/0")).Should().Be((1024, 640));
        (await WebpSizeAsync(admin, $"/images/parts/{part}/1")).Should().Be((1024, 576), "the 5120x2880 photograph found late goes between the other two");
        (await WebpSizeAsync(admin, $"/images/parts/{part}/2")).Should().Be((576, 1024));
        await api.ImagesShouldHaveNoOrphansAsync("after a resumed import");
    }

    [Fact]
    public async Task AnImportedPhotoTheUserRemovedIsNotBroughtBackByARerun()
    {
        var (client, _, userId) = await api.UserAsync("user");
        using var user = client;
        await SetAsync($"UPDATE users SET profile_photo_url = '/static/images/photo.jpg' WHERE id = '{userId}'");
        (await ImportAsync()).ExitCode.Should().Be(0);
        (await user.DeleteAsync("/uploads/users/profile-photo")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var rerun = await ImportAsync();

        rerun.ExitCode.Should().Be(0, rerun.ToString());
        rerun.Output.Should().Contain($"user {userId}: already done /static/images/photo.jpg").And.Contain("migrated\t0");
        using var admin = await api.SuperAdminAsync();
        (await admin.GetAsync($"/images/users/{userId}/profile")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ADryRunChecksEveryPathAndChangesNothing()
    {
        var user = await UserWithLegacyPhotoAsync("/static/images/photo.jpg");
        var part = await PartWithLegacyImagesAsync("/static/images/p1.jpg", "/static/images/missing.jpg", "/static/images/../../../../etc/passwd");
        var stored = await StoredAsync();

        var result = await ImportAsync("--dry-run");

        result.ExitCode.Should().Be(1, result.ToString());
        result.Output.Should().Contain("dry run").And.Contain("would migrate\t2").And.Contain("file missing\t1").And.Contain("refused path\t1");
        result.Output.Should().Contain($"user {user.UserId}: would migrate /static/images/photo.jpg")
            .And.Contain($"part\t{part}\t/static/images/../../../../etc/passwd\trefused path\t");
        (await StoredAsync()).Should().Be(stored);
        (await api.Database.ScalarAsync<Guid?>($"SELECT profile_photo_image_id FROM users WHERE id = '{user.UserId}'")).Should().BeNull();
    }

    [Fact]
    public async Task URLsBeyondTheGalleryLimitAreReportedAsGalleryFull()
    {
        var part = await PartWithLegacyImagesAsync("/static/images/p3.png", "/static/images/p1.jpg", "/static/images/photo.jpg");
        var environment = new Dictionary<string, string>(api.VerbEnvironment()) { ["Images__MaxImagesPerPart"] = "2" };

        var result = await ImportWithAsync(environment);

        result.ExitCode.Should().Be(1, result.ToString());
        result.Output.Should().Contain("migrated\t2").And.Contain("gallery full\t1")
            .And.Contain($"part\t{part}\t/static/images/photo.jpg\tgallery full\t");
        using var admin = await api.SuperAdminAsync();
        (await WebpSizeAsync(admin, $"/images/parts/{part}/0")).Should().Be((576, 1024));
        (await WebpSizeAsync(admin, $"/images/parts/{part}/1")).Should().Be((1024, 640));
        (await admin.GetFromJsonAsync<Dictionary<string, int>>($"/images/parts/{part}/count"))!["count"].Should().Be(2);
    }

    [Fact]
    public async Task AnImportWithNothingFailedExitsWithZeroAndSoDoesItsRerun()
    {
        var user = await UserWithLegacyPhotoAsync("/static/images/photo.jpg");

        var first = await ImportAsync();
        var second = await ImportAsync();

        first.ExitCode.Should().Be(0, first.ToString());
        first.Output.Should().Contain($"user {user.UserId}: migrated /static/images/photo.jpg").And.NotContain("Failed");
        second.ExitCode.Should().Be(0, second.ToString());
        second.Output.Should().Contain("migrated\t0").And.Contain("already done\t1");
    }

    [Fact]
    public async Task TheRollbackScriptRemovesWhatTheImportStoredKeepsUploadsAndTheColumnsAndAllowsAReimport()
    {
        var photo = await UserWithLegacyPhotoAsync("/static/images/photo.jpg");
        var (client, _, replacedId) = await api.UserAsync("user");
        using var replaced = client;
        await SetAsync($"UPDATE users SET profile_photo_url = '/static/images/photo.jpg' WHERE id = '{replacedId}'");
        var part = await PartWithLegacyImagesAsync("/static/images/p1.jpg", "/static/images/p3.png");
        (await ImportAsync()).ExitCode.Should().Be(0);
        using var admin = await api.SuperAdminAsync();
        await ImagesTests.UploadAsync(replaced, "/uploads/users/profile-photo", SampleImages.PortraitPng, "mine.png");
        await ImagesTests.UploadAsync(admin, $"/uploads/parts/{part}/images", SampleImages.PortraitPng, "upload.png");
        var columns = await LegacyColumnsAsync(photo.UserId, photo.OrganizationId, part);

        await SetAsync(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot, "docs", "runbook", "rollback-legacy-images.sql")));

        (await admin.GetAsync($"/images/users/{photo.UserId}/profile")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await WebpSizeAsync(admin, $"/images/users/{replacedId}/profile")).Should().Be((576, 1024), "the photo uploaded after the import stays");
        (await admin.GetFromJsonAsync<Dictionary<string, int>>($"/images/parts/{part}/count"))!["count"].Should().Be(1);
        (await WebpSizeAsync(admin, $"/images/parts/{part}/0")).Should().Be((576, 1024), "the uploaded image stays, renumbered to 0");
        (await LegacyColumnsAsync(photo.UserId, photo.OrganizationId, part)).Should().Equal(columns);
        (await api.Database.ScalarAsync<long>("SELECT count(*) FROM legacy_image_imports")).Should().Be(0);
        await api.ImagesShouldHaveNoOrphansAsync("after the rollback script");
        var again = await ImportAsync();
        again.ExitCode.Should().Be(0, again.ToString());
        again.Output.Should().Contain($"user {photo.UserId}: migrated /static/images/photo.jpg")
            .And.Contain($"user {replacedId}: already done").And.Contain($"part {part}: already done");
    }

    [Fact]
    public async Task AMediaRootThatIsNoFolderIsAUsageError()
    {
        var result = await ServiceExecutable.RunVerbAsync(api.VerbEnvironment(),
            "images", "import-legacy", "--media-root", Path.Combine(_base, "no-such-folder"));

        result.ExitCode.Should().Be(2, result.ToString());
        result.Error.Should().Contain("media_root");
    }

    private async Task<(Guid UserId, Guid OrganizationId)> UserWithLegacyPhotoAsync(string url)
    {
        var (client, organizationId, userId) = await api.UserAsync("admin");
        client.Dispose();
        await SetAsync($"UPDATE users SET profile_photo_url = {Literal(url)} WHERE id = '{userId}'");
        return (userId, organizationId);
    }

    private async Task<Guid> PartWithLegacyImagesAsync(params string[] urls)
    {
        using var admin = await api.SuperAdminAsync();
        var part = (await admin.PostAsJsonAsync("/parts", new { part_number = $"LEG-{Guid.NewGuid():N}"[..20], name = "Legacy part" })
            .ReadJsonAsync()).GetProperty("id").GetGuid();
        await SetAsync($"UPDATE parts SET image_urls = ARRAY[{string.Join(", ", urls.Select(Literal))}]::text[] WHERE id = '{part}'");
        return part;
    }

    private static async Task<(int Width, int Height)> WebpSizeAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, path);
        response.Content.Headers.ContentType?.MediaType.Should().Be("image/webp");
        var (width, height, _) = SampleImages.WebpSize(await response.Content.ReadAsByteArrayAsync());
        return (width, height);
    }

    /// <summary>The image store and who points at what: equal before and after an import that did nothing.</summary>
    private async Task<string> StoredAsync() =>
        await api.StoredImagesAsync() + Environment.NewLine + string.Join(Environment.NewLine, await api.Database.RowsAsync("""
            SELECT 'o', id::text, logo_image_id::text FROM organizations WHERE logo_image_id IS NOT NULL
            UNION ALL SELECT 'p', part_id::text, image_id || ' @' || position FROM part_images
            ORDER BY 1, 2, 3
            """));

    private async Task<IReadOnlyList<string>> LegacyColumnsAsync(Guid user, Guid organization, Guid part) =>
        await api.Database.RowsAsync($"""
            SELECT profile_photo_url FROM users WHERE id = '{user}'
            UNION ALL SELECT logo_url FROM organizations WHERE id = '{organization}'
            UNION ALL SELECT array_to_string(image_urls, ' ') FROM parts WHERE id = '{part}'
            """);

    private Task ClearLegacyColumnsAsync() => SetAsync("""
        UPDATE users SET profile_photo_url = NULL WHERE profile_photo_url IS NOT NULL;
        UPDATE organizations SET logo_url = NULL WHERE logo_url IS NOT NULL;
        UPDATE parts SET image_urls = '{}' WHERE cardinality(image_urls) > 0;
        """);

    /// <summary>tests/WebApi.FunctionalTests/bin/&lt;configuration&gt;/&lt;framework&gt;/ → the repository.</summary>
    private static string RepositoryRoot => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private async Task SetAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(api.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
