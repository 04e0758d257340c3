using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Web;

namespace AbParts.Benchmarks.Soak;

/// <summary>The service's routes as the soak calls them, and the parts of their answers it keeps (README, Endpoints).</summary>
internal static class SoakApi
{
    public const string ProfilePhotoUpload = "/uploads/users/profile-photo";
    public const string ChatFiles = "/api/v1/chat/files";

    public static string ProfilePhoto(Guid user) => $"/images/users/{user}/profile";

    public static HttpRequestMessage Upload(string path, string fileName, byte[] content) =>
        new(HttpMethod.Post, path) { Content = Form((fileName, content)) };

    /// <summary>A multipart body with one <c>file</c> field per file, as browsers send it.</summary>
    public static MultipartFormDataContent Form(params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(ContentType(name));
            form.Add(part, "file", name);
        }

        return form;
    }

    /// <summary>The type a browser declares for the file names the soak sends.</summary>
    private static string ContentType(string fileName) => Path.GetExtension(fileName).ToUpperInvariant() switch
    {
        ".JPG" => "image/jpeg",
        ".PNG" => "image/png",
        ".TXT" => "text/plain",
        ".MP4" => "video/mp4",
        _ => "application/octet-stream",
    };

    /// <summary>POSTs <paramref name="body"/> as JSON and reads the answer, failing on anything but success.</summary>
    public static async Task<T> PostAsync<T>(HttpClient client, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync(path, body, SoakJson.Options, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}: {problem}");
        }

        return await response.Content.ReadFromJsonAsync<T>(SoakJson.Options, cancellationToken)
               ?? throw new InvalidOperationException($"{response.RequestMessage?.RequestUri?.PathAndQuery} answered no JSON.");
    }
}

internal sealed record IdAnswer(Guid Id);

internal sealed record TokenAnswer(string AccessToken);

/// <summary>An image upload's answer: a signed URL pinned to the stored version (<c>v</c>), and the stored size.</summary>
internal sealed record ImageAnswer(string Url, long Size)
{
    public string Version => HttpUtility.ParseQueryString(new Uri(new Uri("http://x"), Url).Query)["v"]
                             ?? throw new InvalidOperationException($"The image URL {Url} pins no version.");
}

internal sealed record PartImagesAnswer(IReadOnlyList<PartImageAnswer> Images);

internal sealed record PartImageAnswer(int Index, ImageAnswer Image);

internal sealed record ChatUploadsAnswer(IReadOnlyList<ChatUploadAnswer> Uploads);

internal sealed record ChatUploadAnswer(Guid FileId, long Size);
