using System.Net.Http.Headers;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// An upload the server has begun and whose body (all of it, or all but its first bytes) waits for
/// <see cref="Release"/>: it sends <c>Expect: 100-continue</c>,
/// and Kestrel answers "100 Continue" only when the endpoint starts reading the body, past authorization and the
/// limits. So once <see cref="StartAsync"/> returns, the upload holds its place in the service; nothing is timed.
/// </summary>
public sealed class HeldUpload : IDisposable
{
    private readonly HttpClient _client;
    private readonly HttpRequestMessage _request;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HeldUpload(Uri baseAddress, string token, string path, HttpContent form, int sentBeforeHold)
    {
        _client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseAddress,
        };
        _request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new HeldContent(form, sentBeforeHold, _release.Task) };
        _request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _request.Headers.ExpectContinue = true;
        Response = _client.SendAsync(_request);
    }

    /// <summary>The answer, once the body has been released and the server has handled it.</summary>
    public Task<HttpResponseMessage> Response { get; }

    /// <param name="sentBeforeHold">How many bytes of the body go before it waits (none by default).</param>
    public static async Task<HeldUpload> StartAsync(Uri baseAddress, string token, string path, HttpContent form,
        int sentBeforeHold = 0)
    {
        var upload = new HeldUpload(baseAddress, token, path, form, sentBeforeHold);
        var content = (HeldContent)upload._request.Content!;
        await Task.WhenAny(content.Sending, upload.Response); // a response before the body: the server refused it
        if (!content.Sending.IsCompleted)
        {
            using var refused = await upload.Response;
            upload.Dispose();
            throw new InvalidOperationException($"The server answered {(int)refused.StatusCode} before asking for the body.");
        }

        return upload;
    }

    /// <summary>Lets the client send the body.</summary>
    public void Release() => _release.TrySetResult();

    public void Dispose()
    {
        Release();
        _request.Dispose();
        _client.Dispose();
    }

    /// <summary>The form, sent (but for its first bytes) once released; <see cref="Sending"/> completes when the client is asked for it.</summary>
    private sealed class HeldContent : HttpContent
    {
        private readonly TaskCompletionSource _sending = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly HttpContent _inner;
        private readonly int _sentBeforeHold;
        private readonly Task _release;

        public HeldContent(HttpContent inner, int sentBeforeHold, Task release)
        {
            (_inner, _sentBeforeHold, _release) = (inner, sentBeforeHold, release);
            Headers.ContentType = inner.Headers.ContentType;
        }

        public Task Sending => _sending.Task;

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            _sending.TrySetResult();
            var body = await _inner.ReadAsByteArrayAsync();
            await stream.WriteAsync(body.AsMemory(0, _sentBeforeHold));
            await stream.FlushAsync();
            await _release;
            await stream.WriteAsync(body.AsMemory(_sentBeforeHold));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
