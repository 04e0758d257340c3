using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using AbParts.Application.Common.Exceptions;

namespace AbParts.Infrastructure.Video;

/// <summary>What one finished run of ffprobe or ffmpeg left behind.</summary>
internal sealed record ToolResult(int ExitCode, byte[] Output, string Errors);

/// <summary>
/// Runs ffprobe or ffmpeg without a shell: arguments go one by one through <see cref="ProcessStartInfo.ArgumentList"/>,
/// stdin is closed at once, stdout and stderr are drained concurrently (a chatty tool cannot deadlock on a full
/// pipe), and the whole process tree is killed on time-out, on cancellation, or when stdout grows past its bound.
/// At most <see cref="Environment.ProcessorCount"/> runs are under way in this process at any moment.
/// </summary>
internal static class ToolProcess
{
    /// <summary>How much of stderr is kept for the message; the rest is drained and dropped.</summary>
    private const int MaxErrorBytes = 16 * 1024;

    private static readonly SemaphoreSlim Gate = new(Environment.ProcessorCount, Environment.ProcessorCount);

    /// <exception cref="InvalidOperationException">The tool is not installed.</exception>
    /// <exception cref="UnprocessableMediaException">The tool ran out of time or printed more than <paramref name="maxOutputBytes"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; the tool was killed.</exception>
    public static async Task<ToolResult> RunAsync(string executable, IEnumerable<string> arguments, TimeSpan timeout,
        int maxOutputBytes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Gate.WaitAsync(cancellationToken);
        try
        {
            return await RunStartedAsync(executable, arguments, timeout, maxOutputBytes, cancellationToken);
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<ToolResult> RunStartedAsync(string executable, IEnumerable<string> arguments,
        TimeSpan timeout, int maxOutputBytes, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"'{executable}' could not be started ({e.Message}). Install Debian's {FfmpegTools.DebianPackage} package " +
                $"(apt-get install {FfmpegTools.DebianPackage}), which provides ffprobe and ffmpeg.", e);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var overflowed = false;
        var output = ReadAsync(process.StandardOutput.BaseStream, maxOutputBytes, () =>
        {
            overflowed = true;
            deadline.Cancel();
        });
        var errors = ReadAsync(process.StandardError.BaseStream, MaxErrorBytes, onOverflow: null);
        process.StandardInput.Close();

        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync(process);
            await Task.WhenAll(Observe(output), Observe(errors));
            cancellationToken.ThrowIfCancellationRequested();
            throw new UnprocessableMediaException(overflowed
                ? TooMuchOutput(executable, maxOutputBytes)
                : string.Create(CultureInfo.InvariantCulture,
                    $"The video cannot be read: {Path.GetFileName(executable)} did not finish within {timeout.TotalSeconds:0.#} s."));
        }

        // The tool has exited; its pipes reach end of file unless a grandchild still holds them.
        var kept = await output;
        var errorText = Encoding.UTF8.GetString(await errors);
        if (overflowed)
        {
            throw new UnprocessableMediaException(TooMuchOutput(executable, maxOutputBytes));
        }

        return new ToolResult(process.ExitCode, kept, errorText);
    }

    private static string TooMuchOutput(string executable, int maxOutputBytes) => string.Create(CultureInfo.InvariantCulture,
        $"The video cannot be read: {Path.GetFileName(executable)} printed more than {maxOutputBytes / 1024:N0} KiB.");

    /// <summary>Reads a pipe to its end, keeping at most <paramref name="limit"/> bytes.</summary>
    /// <param name="onOverflow">Called once when the limit is passed, after which reading stops; null to keep draining.</param>
    private static async Task<byte[]> ReadAsync(Stream pipe, int limit, Action? onOverflow)
    {
        using var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await pipe.ReadAsync(buffer)) > 0)
        {
            var room = limit - (int)kept.Length;
            if (read > room && onOverflow is not null)
            {
                onOverflow();
                break;
            }

            kept.Write(buffer, 0, Math.Min(read, Math.Max(room, 0)));
        }

        return kept.ToArray();
    }

    private static async Task KillAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own in the meantime.
        }

        // Reaps the child, so no zombie outlives the call.
        await process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>Waits for a pipe reader after a kill, ignoring what it failed with (the pipe was torn down).</summary>
    private static async Task Observe(Task<byte[]> reader)
    {
        try
        {
            await reader;
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
