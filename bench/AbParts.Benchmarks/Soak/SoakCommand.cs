using System.Globalization;

namespace AbParts.Benchmarks.Soak;

/// <summary>
/// <c>soak setup|load|verify</c>, the three steps of <c>build/soak.sh</c>, each a process of its own so that the
/// script can sample the service's memory before, during and after the load alone. They hand over a state file.
/// </summary>
internal static class SoakCommand
{
    public const string Usage =
        "       AbParts.Benchmarks soak setup <state.json> <api url> <clients> <video> <photo>...   (token in ABPARTS_SOAK_TOKEN)\n" +
        "       AbParts.Benchmarks soak load <state.json> <seconds> <seed>\n" +
        "       AbParts.Benchmarks soak verify <state.json>";

    /// <summary>More clients than this would need more loopback addresses per client than the soak hands out, and more than a soak of one machine means.</summary>
    private const int MaxClients = 1000;

    private const int MaxSeconds = 600;

    /// <returns>The exit code: 0, or 2 for a usage error.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        switch (args)
        {
            case ["setup", var state, var api, var clientsText, var video, .. var photos]
                when Uri.TryCreate(api, UriKind.Absolute, out var uri) && Count(clientsText, MaxClients) is { } clients
                     && photos.Length > 0 && Environment.GetEnvironmentVariable("ABPARTS_SOAK_TOKEN") is { Length: > 0 } token:
                await (await SoakSetup.RunAsync(uri, token, clients, video, photos, CancellationToken.None)).SaveAsync(state);
                return 0;
            case ["load", var state, var secondsText, var seedText]
                when Count(secondsText, MaxSeconds) is { } seconds && int.TryParse(seedText, CultureInfo.InvariantCulture, out var seed):
                var loaded = await SoakState.LoadAsync(state);
                await (await SoakLoad.RunAsync(loaded, TimeSpan.FromSeconds(seconds), seed, Console.Out)).SaveAsync(state);
                return 0;
            case ["verify", var state]:
                await ReadBack.WriteAsync(await SoakState.LoadAsync(state), Console.Out, CancellationToken.None);
                return 0;
            default:
                await Console.Error.WriteLineAsync("usage:\n" + Usage);
                return 2;
        }
    }

    private static int? Count(string text, int max) =>
        int.TryParse(text, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max ? n : null;
}
