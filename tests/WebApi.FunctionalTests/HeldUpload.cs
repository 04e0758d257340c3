using System.Net.Http.Headers;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// An upload the server has begun and whose body waits for <see cref="Release"/>: it sends <c>Expect: 100-continue</c>,
/// and Kestrel answers "100 Continue" only when the endpoint starts reading the body, past authorization and the
/// limits. So once <see cref="StartAsync"/> returns, the upload holds its place in the service; nothing is timed.
/// </summary>
public sealed class HeldUpload : IDisposable
{
    private readonly HttpClient _client;
    private readonly HttpRequestMessage _request;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HeldUpload(Uri baseAddress, string token, string path, HttpContent form)
    {
        _client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseAddress,
        };
        _request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new HeldContent(form, _release.Task) };
        _request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _request.Headers.ExpectContinue = true;
        Response = _client.SendAsync(_request);
    }

    /// <summary>The answer, once the body has been released and the server has handled it.</summary>
    public Task<HttpResponseMessage> Response { get; }

    public static async Task<HeldUpload> StartAsync(Uri baseAddress, string token, string path, HttpContent form)
    {
        var upload = new HeldUpload(baseAddress, token, path, form);
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

    /// <summary>The form, sent only once released; <see cref="Sending"/> completes when the client is asked for it.</summary>
    private sealed class HeldContent : HttpContent
    {
        private readonly TaskCompletionSource _sending = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly HttpContent _inner;
        private readonly Task _release;

        public HeldContent(HttpContent inner, Task release)
        {
            (_inner, _release) = (inner, release);
            Headers.ContentType = inner.Headers.ContentType;
        }

        public Task Sending => _sending.Task;

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            _sending.TrySetResult();
            await _release;
            await _inner.CopyToAsync(stream);
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
