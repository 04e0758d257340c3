using System.Diagnostics;
using System.Globalization;
using AbParts.Tests.Support;

namespace AbParts.WebApi.FunctionalTests.Faults;

/// <summary>
/// Runs the functions of build/lib.sh, with which ./build/test.sh starts the shared PostgreSQL and s3rver, so that a
/// test starts and stops servers of its own exactly as the scripts do (as root, PostgreSQL runs as the postgres user).
/// </summary>
internal static class BuildLib
{
    /// <summary>Bounds one call; starting or stopping a server takes seconds.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Runs <paramref name="script"/> in bash with lib.sh sourced and <paramref name="arguments"/> as <c>$1</c>, <c>$2</c>, …;
    /// returns what it printed on standard output, trimmed, and fails with what it printed on standard error.
    /// </summary>
    public static async Task<string> RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"source \"$ABPARTS_LIB\" && {script}");
        start.ArgumentList.Add("lib.sh"); // $0
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ABPARTS_LIB"] = Path.Combine(Checkout.Root, "build", "lib.sh");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"lib.sh: '{script}' did not finish within {Bound}.");
        }

        var error = await stderr;
        return process.ExitCode == 0
            ? (await stdout).Trim()
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"lib.sh: '{script}' failed with exit code {process.ExitCode}: {error}"));
    }
}
