using System.Diagnostics;

namespace AbParts.Tests.Support;

/// <summary>The service's executable, built beside the test projects: its image-worker verb runs a worker, its other verbs are the product's command line.</summary>
public static class ServiceExecutable
{
    public static string Path { get; } = Locate();

    /// <summary>
    /// Runs a command-line verb (<c>db migrate</c>, <c>images import-legacy …</c>) as an operator would, in its
    /// own process, with <paramref name="environment"/> on top of this one's (<c>ConnectionStrings__Default</c>,
    /// <c>ABPARTS_DATA_DIR</c>, <c>Storage__…</c>). Output is redirected, so the verb prints plain lines.
    /// </summary>
    public static async Task<VerbResult> RunVerbAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The service's executable did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{string.Join(' ', arguments)}' did not finish within 5 minutes.");
        }

        return new VerbResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Locate()
    {
        var path = System.IO.Path.Combine(Checkout.Root, "src", "WebApi", "bin", Checkout.Configuration, Checkout.Framework,
            "AbParts.WebApi.dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The service is not built at {path}: build the solution (./build/test.sh does).", path);
    }
}

/// <summary>How a verb ended: its exit code and what it printed.</summary>
public sealed record VerbResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}{Environment.NewLine}{Output}{Error}";
}
