using System.Text.Json;
using System.Text.Json.Serialization;

namespace AbParts.Benchmarks.Soak;

/// <summary>
/// What setup made and every upload the service acknowledged since, handed from one soak step to the next in a JSON
/// file: the steps run as separate processes so that <c>build/soak.sh</c> can measure the service's memory around the load alone.
/// </summary>
internal sealed record SoakState(
    Uri Api,
    IReadOnlyList<SoakUser> Users,
    IReadOnlyList<string> PartImages,
    SoakVideo Video,
    IReadOnlyList<string> Photos,
    IReadOnlyList<Acknowledged> Uploads,
    IReadOnlyList<UnconfirmedPhoto> UnconfirmedPhotos)
{
    public static async Task<SoakState> LoadAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<SoakState>(file, SoakJson.Options)
               ?? throw new InvalidDataException($"{path} holds no soak state.");
    }

    public async Task SaveAsync(string path)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, this, SoakJson.Options);
    }
}

/// <summary>A simulated user: <see cref="Index"/> also picks its loopback address (<see cref="LoopbackClients"/>).</summary>
internal sealed record SoakUser(int Index, Guid Id, string Username, string Token);

/// <summary>The support video the clients read ranges of, and the file it was made from.</summary>
internal sealed record SoakVideo(Guid Id, string File, string Sha256, long Size)
{
    public string StreamPath => $"/videos/stream/{Id}";
}

internal enum UploadKind
{
    ProfilePhoto,
    PartImage,
    ChatFile,
    Video,
}

/// <summary>
/// An upload the service answered with success, and what that answer promised. <see cref="Sha256"/> is the whole SHA-256
/// of a file kept as sent (chat files, the video), or for an image, which is stored re-encoded, the 16 hex digits its URL
/// pins (<c>v</c>); a read matches when the SHA-256 of the bytes served starts with it and <see cref="Size"/> is their length.
/// <see cref="User"/> is the reading user's index; <see cref="Sequence"/> orders one user's profile photos.
/// </summary>
internal sealed record Acknowledged(UploadKind Kind, int User, string Path, string Sha256, long Size, int Sequence = 0);

/// <summary>A profile photo upload that got no answer (timeout, connection lost): it may or may not have been stored.</summary>
internal sealed record UnconfirmedPhoto(int User, int Sequence);

/// <summary>The service's wire format (snake_case JSON), used for the state file too.</summary>
internal static class SoakJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
