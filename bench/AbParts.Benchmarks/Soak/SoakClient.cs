using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace AbParts.Benchmarks.Soak;

/// <summary>
/// One simulated user, closed loop: a request of a kind drawn from <see cref="RequestMix"/>, then a pause (at least the
/// <c>Retry-After</c> of a refusal, as a polite client waits), until the end of the run. Every answer that carries
/// bytes is checked against what they must be, and every upload the service acknowledges is recorded for the read-back.
/// </summary>
internal sealed class SoakClient(
    SoakUser user,
    HttpClient http,
    SoakMaterial material,
    SharedImages images,
    IEnumerable<Acknowledged> ownFiles,
    LoadRecorder recorder,
    Random random)
{
    private readonly Dictionary<string, string> _etags = [];
    private readonly List<Acknowledged> _files = [.. ownFiles];
    private int _photoSequence;

    public async Task RunAsync(DateTimeOffset end, CancellationToken stop)
    {
        try
        {
            await Task.Delay(RequestMix.Arrival(random), stop);
            while (DateTimeOffset.UtcNow < end && recorder.TryStart())
            {
                var retryAfter = await SendAsync(RequestMix.Pick(random), stop);
                var pause = RequestMix.ThinkTime(random);
                var left = end - DateTimeOffset.UtcNow;
                await Task.Delay(TimeSpan.FromTicks(Math.Clamp(Math.Max(retryAfter.Ticks, pause.Ticks), 0, Math.Max(left.Ticks, 0))), stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run's hard stop: a request still running then is recorded as a timeout.
        }
    }

    /// <returns>How long the service asked the client to wait (Retry-After), or zero.</returns>
    private Task<TimeSpan> SendAsync(RequestKind kind, CancellationToken stop) => kind switch
    {
        RequestKind.ImageGet => GetImageAsync(stop),
        RequestKind.ImageGetIfNoneMatch => _etags.Count == 0 ? GetImageAsync(stop) : GetImageIfNoneMatchAsync(stop),
        RequestKind.VideoRange => GetVideoRangeAsync(stop),
        RequestKind.ChatDownload => DownloadChatFileAsync(stop),
        RequestKind.ChatNoteUpload => UploadChatFileAsync(RequestKind.ChatNoteUpload,
            ($"shift-log-{random.Next(10_000)}.txt", SoakContent.Note(random)), stop),
        RequestKind.ChatPhotoUpload => UploadChatFileAsync(RequestKind.ChatPhotoUpload,
            material.Photos[random.Next(material.Photos.Count)], stop),
        RequestKind.ImageUpload => UploadPhotoAsync(stop),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private async Task<TimeSpan> GetImageAsync(CancellationToken stop)
    {
        var path = images.Pick(random);
        var answer = await TimeAsync(RequestKind.ImageGet, new HttpRequestMessage(HttpMethod.Get, path), stop);
        Remember(RequestKind.ImageGet, path, answer);
        return answer?.RetryAfter ?? TimeSpan.Zero;
    }

    private async Task<TimeSpan> GetImageIfNoneMatchAsync(CancellationToken stop)
    {
        var (path, etag) = _etags.ElementAt(random.Next(_etags.Count));
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{etag}\""));
        var answer = await TimeAsync(RequestKind.ImageGetIfNoneMatch, request, stop);
        Remember(RequestKind.ImageGetIfNoneMatch, path, answer);
        return answer?.RetryAfter ?? TimeSpan.Zero;
    }

    /// <summary>A served image's bytes must hash to its strong ETag (the SHA-256 of the bytes served); keeps the tag.</summary>
    private void Remember(RequestKind kind, string path, Answer? answer)
    {
        if (answer is not { Status: 200 })
        {
            return;
        }

        recorder.Checked(kind, answer.ETag is { } served && SoakContent.Sha256(answer.Body) == served);
        if (answer.ETag is { } etag)
        {
            _etags[path] = etag;
        }
    }

    private async Task<TimeSpan> GetVideoRangeAsync(CancellationToken stop)
    {
        var video = material.Video;
        var length = random.Next(64 * 1024, (1024 * 1024) + 1);
        var start = random.NextInt64(0, video.Length);
        var last = Math.Min(start + length, video.Length) - 1;
        var request = new HttpRequestMessage(HttpMethod.Get, material.VideoPath);
        request.Headers.Range = new RangeHeaderValue(start, last);
        var answer = await TimeAsync(RequestKind.VideoRange, request, stop);
        if (answer is { Status: 206 })
        {
            recorder.Checked(RequestKind.VideoRange, answer.RangeStart == start
                && answer.Body.AsSpan().SequenceEqual(video.AsSpan((int)start, (int)(last - start + 1))));
        }

        return answer?.RetryAfter ?? TimeSpan.Zero;
    }

    private async Task<TimeSpan> DownloadChatFileAsync(CancellationToken stop)
    {
        var file = _files[random.Next(_files.Count)];
        var answer = await TimeAsync(RequestKind.ChatDownload,
            new HttpRequestMessage(HttpMethod.Get, $"{file.Path}?download=true"), stop);
        if (answer is { Status: 200 })
        {
            recorder.Checked(RequestKind.ChatDownload, SoakContent.Matches(answer.Body, file.Sha256, file.Size));
        }

        return answer?.RetryAfter ?? TimeSpan.Zero;
    }

    private async Task<TimeSpan> UploadChatFileAsync(RequestKind kind, (string Name, byte[] Bytes) file, CancellationToken stop)
    {
        var (name, bytes) = file;
        var answer = await TimeAsync(kind, SoakApi.Upload(SoakApi.ChatFiles, name, bytes), stop);
        if (answer is { Status: 201 })
        {
            var stored = answer.Json<ChatUploadsAnswer>().Uploads.Single();
            var acknowledged = new Acknowledged(UploadKind.ChatFile, user.Index, $"{SoakApi.ChatFiles}/{stored.FileId}",
                SoakContent.Sha256(bytes), bytes.Length);
            _files.Add(acknowledged);
            recorder.Acknowledge(acknowledged);
        }

        return answer?.RetryAfter ?? TimeSpan.Zero;
    }

    private async Task<TimeSpan> UploadPhotoAsync(CancellationToken stop)
    {
        var (name, bytes) = material.Photos[random.Next(material.Photos.Count)];
        var sequence = ++_photoSequence;
        var answer = await TimeAsync(RequestKind.ImageUpload, SoakApi.Upload(SoakApi.ProfilePhotoUpload, name, bytes), stop);
        if (answer is { Status: 200 })
        {
            var stored = answer.Json<ImageAnswer>();
            recorder.Acknowledge(new Acknowledged(UploadKind.ProfilePhoto, user.Index, stored.Url, stored.Version,
                stored.Size, sequence));
            images.AddPhoto(user.Id);
        }
        else if (answer is null or { Status: >= 500 })
        {
            // No answer, or a failure the service may have met after storing: the photo may have changed.
            recorder.Unanswered(new UnconfirmedPhoto(user.Index, sequence));
        }

        return answer?.RetryAfter ?? TimeSpan.Zero;
    }

    /// <summary>Sends <paramref name="request"/>, reads the whole answer and records its outcome and time; null when none came.</summary>
    private async Task<Answer?> TimeAsync(RequestKind kind, HttpRequestMessage request, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        var path = request.RequestUri?.OriginalString ?? string.Empty;
        try
        {
            using (request)
            using (var response = await http.SendAsync(request, stop))
            {
                var answer = await Answer.ReadAsync(response, stop);
                recorder.Answered(kind, answer.Status, Stopwatch.GetElapsedTime(started), path);
                return answer;
            }
        }
        catch (HttpRequestException e)
        {
            recorder.Failed(kind, $"transport: {e.HttpRequestError}", Stopwatch.GetElapsedTime(started), path);
        }
        catch (TaskCanceledException)
        {
            // HttpClient.Timeout, or the run's hard stop.
            recorder.Failed(kind, "timeout", Stopwatch.GetElapsedTime(started), path);
            stop.ThrowIfCancellationRequested();
        }

        return null;
    }
}

/// <summary>An answer read whole: status, body and the headers the soak checks.</summary>
internal sealed record Answer(int Status, byte[] Body, string? ETag, long? RangeStart, TimeSpan? RetryAfter)
{
    public static async Task<Answer> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new Answer((int)response.StatusCode, body, response.Headers.ETag?.Tag.Trim('"'),
            response.Content.Headers.ContentRange?.From, response.Headers.RetryAfter?.Delta);
    }

    public T Json<T>() => System.Text.Json.JsonSerializer.Deserialize<T>(Body, SoakJson.Options)
                          ?? throw new InvalidOperationException($"An answer of {Status} held no JSON.");
}

/// <summary>What the clients send and compare with, loaded once and shared: the photographs and the video's bytes.</summary>
internal sealed record SoakMaterial(IReadOnlyList<(string Name, byte[] Bytes)> Photos, byte[] Video, string VideoPath);
