using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace AbParts.Benchmarks.Soak;

/// <summary>
/// HTTP clients of the soak. The service must listen on a loopback address: the soak sends traffic nowhere else. Each
/// simulated user connects from a loopback address of its own (127.1.x.y; Linux routes all of 127.0.0.0/8 to the
/// loopback interface), as users on their own machines would, so the sign-in limit per client address counts each user
/// once without being switched off or a proxy's forwarded addresses being trusted.
/// </summary>
internal static class LoopbackClients
{
    /// <summary>Long enough for a 5120x2880 upload queued behind the image workers on a busy machine.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>A client for <paramref name="user"/> (from its own address), or for the operator (null: from 127.0.0.1).</summary>
    public static HttpClient Create(Uri api, int? user, string? token)
    {
        ArgumentNullException.ThrowIfNull(api);
        if (!IPAddress.TryParse(api.Host, out var host) || !IPAddress.IsLoopback(host) || host.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"The soak only targets an IPv4 loopback address, not {api.Host}.", nameof(api));
        }

        var target = new IPEndPoint(host, api.Port);
        var source = user is { } index ? SourceAddress(index) : IPAddress.Loopback;
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = (_, cancellationToken) => ConnectAsync(source, target, cancellationToken),
        };
        var client = new HttpClient(handler) { BaseAddress = api, Timeout = Timeout };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static IPAddress SourceAddress(int user)
    {
        var n = user + 1;
        return new IPAddress([127, 1, (byte)(n >> 8), (byte)(n & 0xFF)]);
    }

    private static async ValueTask<Stream> ConnectAsync(IPAddress source, IPEndPoint target, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(target, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
