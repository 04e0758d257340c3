using System.ComponentModel;
using System.Diagnostics;

namespace AbParts.Tests.Support;

/// <summary>Runs Debian's command-line tools (ffmpeg, heif-enc) to make test inputs our own code cannot make.</summary>
public static class Cli
{
    /// <summary>Runs libheif's encoder (HEVC through libx265), e.g. <c>HeifEnc("-q", "90", "-o", "out.heic", "in.jpg")</c>.</summary>
    public static string HeifEnc(params string[] arguments) => Run("heif-enc", "libheif-examples", arguments);

    public static string Ffmpeg(params string[] arguments) =>
        Run("ffmpeg", "ffmpeg", ["-v", "error", "-nostdin", "-y", .. arguments]);

    /// <summary>Runs <paramref name="tool"/> (from Debian package <paramref name="package"/>) and returns its output; fails with its error text.</summary>
    public static string Run(string tool, string package, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"The '{tool}' command is missing: install the Debian package {package} (./build/test.sh installs it).", e);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{tool} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {stderr.Result}");
            }

            return stdout;
        }
    }
}
