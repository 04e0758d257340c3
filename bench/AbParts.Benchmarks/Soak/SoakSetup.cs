namespace AbParts.Benchmarks.Soak;

/// <summary>
/// The setup step, through the public API as an operator would do it: one organization, one user a client (created by
/// the super admin, then signed in from the client's own address), a small part catalogue with photographs, the
/// support video, and one chat note a user so that every user has a file to download from the first request on.
/// </summary>
internal static class SoakSetup
{
    private const string Password = "soak-password-1";
    private const int Parts = 4;

    /// <summary>
    /// User creation and sign-in each hash a password, which the service runs as many at a time as it has cores and queues
    /// 32 more (<c>Auth:PasswordHashing</c>); four at a time stays well inside that, so setup meets no 429.
    /// </summary>
    private const int AtOnce = 4;

    public static async Task<SoakState> RunAsync(Uri api, string adminToken, int clients, string videoFile,
        IReadOnlyList<string> photos, CancellationToken cancellationToken)
    {
        using var admin = LoopbackClients.Create(api, null, adminToken);
        var organization = await SoakApi.PostAsync<IdAnswer>(admin, "/organizations", new { name = "Soak" }, cancellationToken);
        var users = new SoakUser[clients];
        var notes = new Acknowledged[clients];
        await Parallel.ForEachAsync(Enumerable.Range(0, clients),
            new ParallelOptions { MaxDegreeOfParallelism = AtOnce, CancellationToken = cancellationToken },
            async (index, ct) =>
            {
                var username = $"soak-{index:D3}";
                var created = await SoakApi.PostAsync<IdAnswer>(admin, "/users",
                    new { username, password = Password, organization_id = organization.Id, role = "user" }, ct);
                using var anonymous = LoopbackClients.Create(api, index, null);
                var token = await SoakApi.PostAsync<TokenAnswer>(anonymous, "/auth/token", new { username, password = Password }, ct);
                users[index] = new SoakUser(index, created.Id, username, token.AccessToken);
                using var client = LoopbackClients.Create(api, index, token.AccessToken);
                notes[index] = await UploadNoteAsync(client, index, new Random(index), ct);
            });

        var (partPaths, partImages) = await MakeCatalogueAsync(admin, photos, cancellationToken);
        var video = await UploadVideoAsync(admin, videoFile, cancellationToken);
        return new SoakState(api, users, partPaths, video, photos,
            [.. partImages, new Acknowledged(UploadKind.Video, 0, video.StreamPath, video.Sha256, video.Size), .. notes], []);
    }

    private static async Task<Acknowledged> UploadNoteAsync(HttpClient client, int user, Random random, CancellationToken ct)
    {
        var note = SoakContent.Note(random);
        using var request = SoakApi.Upload(SoakApi.ChatFiles, "first-note.txt", note);
        using var response = await client.SendAsync(request, ct);
        var stored = (await SoakApi.ReadAsync<ChatUploadsAnswer>(response, ct)).Uploads.Single();
        return new Acknowledged(UploadKind.ChatFile, user, $"{SoakApi.ChatFiles}/{stored.FileId}", SoakContent.Sha256(note), note.Length);
    }

    /// <summary><see cref="Parts"/> parts with two photographs each; returns the paths to read them by and their acknowledgements.</summary>
    private static async Task<(List<string> Paths, List<Acknowledged> Images)> MakeCatalogueAsync(HttpClient admin,
        IReadOnlyList<string> photos, CancellationToken ct)
    {
        var paths = new List<string>();
        var images = new List<Acknowledged>();
        for (var i = 0; i < Parts; i++)
        {
            var part = await SoakApi.PostAsync<IdAnswer>(admin, "/parts",
                new { part_number = $"SOAK-{i + 1}", name = $"Soak part {i + 1}" }, ct);
            var files = new[] { photos[(2 * i) % photos.Count], photos[((2 * i) + 1) % photos.Count] };
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/uploads/parts/{part.Id}/images")
            {
                Content = SoakApi.Form([.. await Task.WhenAll(files.Select(async f => (SoakLoad.PhotoName(f), await File.ReadAllBytesAsync(f, ct))))]),
            };
            using var response = await admin.SendAsync(request, ct);
            foreach (var added in (await SoakApi.ReadAsync<PartImagesAnswer>(response, ct)).Images)
            {
                paths.Add($"/images/parts/{part.Id}/{added.Index}");
                images.Add(new Acknowledged(UploadKind.PartImage, 0, added.Image.Url, added.Image.Version, added.Image.Size));
            }
        }

        return (paths, images);
    }

    private static async Task<SoakVideo> UploadVideoAsync(HttpClient admin, string file, CancellationToken ct)
    {
        var bytes = await File.ReadAllBytesAsync(file, ct);
        using var form = SoakApi.Form((Path.GetFileName(file), bytes));
        form.Add(new StringContent("Soak"), "title");
        form.Add(new StringContent("maintenance"), "category");
        using var response = await admin.PostAsync("/videos/support", form, ct);
        var video = await SoakApi.ReadAsync<IdAnswer>(response, ct);
        return new SoakVideo(video.Id, Path.GetFullPath(file), SoakContent.Sha256(bytes), bytes.Length);
    }
}
