using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AbParts.Infrastructure.Processes;

/// <summary>One run of a command-line program: what to start and what it may use.</summary>
/// <param name="Executable">A file name looked up on <c>PATH</c>, or a full path.</param>
/// <param name="Arguments">Passed one by one (<see cref="ProcessStartInfo.ArgumentList"/>), never through a shell.</param>
internal sealed record ChildProcessStart(string Executable, IReadOnlyList<string> Arguments)
{
    /// <summary>How long the run may take once started; infinite unless set.</summary>
    public TimeSpan Timeout { get; init; } = System.Threading.Timeout.InfiniteTimeSpan;

    /// <summary>The most stdout may hold; past it the process tree is killed and the run fails.</summary>
    public int MaxOutputBytes { get; init; } = 64 * 1024;

    /// <summary>How much of stderr is kept (its end, where the cause usually is); the rest is drained and dropped.</summary>
    public int MaxErrorBytes { get; init; } = 16 * 1024;

    /// <summary>Edits the environment the child inherits (removes or sets variables); null keeps it as it is.</summary>
    public Action<IDictionary<string, string?>>? Environment { get; init; }

    /// <summary>The program's file name, for messages.</summary>
    public string Name => Path.GetFileName(Executable);
}

/// <summary>What one finished run left behind.</summary>
/// <param name="Errors">The end of stderr, at most <see cref="ChildProcessStart.MaxErrorBytes"/>, as UTF-8.</param>
internal sealed record ChildProcessResult(int ExitCode, byte[] Output, string Errors);

/// <summary>A run took longer than its <see cref="ChildProcessStart.Timeout"/> or printed more than its <see cref="ChildProcessStart.MaxOutputBytes"/>.</summary>
internal sealed class ChildProcessLimitException(string message) : Exception(message);

/// <summary>
/// Runs a command-line program to its end: stdin closed at once, stdout and stderr drained concurrently (a chatty
/// program cannot deadlock on a full pipe), and the whole process tree killed and reaped on time-out, on
/// cancellation, or when stdout grows past its bound. Used for ffprobe/ffmpeg and pg_dump/pg_restore (ADR 0029).
/// </summary>
internal static class ChildProcess
{
    /// <exception cref="Win32Exception">The program could not be started (usually: not installed).</exception>
    /// <exception cref="ChildProcessLimitException">It ran out of time or printed too much; it was killed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; it was killed.</exception>
    public static async Task<ChildProcessResult> RunAsync(ChildProcessStart run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        cancellationToken.ThrowIfCancellationRequested();
        var start = new ProcessStartInfo(run.Executable)
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in run.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        run.Environment?.Invoke(start.Environment);
        using var process = new Process { StartInfo = start };
        process.Start();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(run.Timeout);
        var overflowed = false;
        var output = ReadAsync(process.StandardOutput.BaseStream, run.MaxOutputBytes, () =>
        {
            overflowed = true;
            deadline.Cancel();
        });
        var errors = ReadTailAsync(process.StandardError.BaseStream, run.MaxErrorBytes);
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
            throw overflowed
                ? TooMuchOutput(run)
                : new ChildProcessLimitException(string.Create(CultureInfo.InvariantCulture,
                    $"{run.Name} did not finish within {run.Timeout.TotalSeconds:0.#} s"));
        }

        // The program has exited; its pipes reach end of file unless a grandchild still holds them.
        var kept = await output;
        var errorText = Encoding.UTF8.GetString(await errors);
        return overflowed ? throw TooMuchOutput(run) : new ChildProcessResult(process.ExitCode, kept, errorText);
    }

    private static ChildProcessLimitException TooMuchOutput(ChildProcessStart run) => new(string.Create(
        CultureInfo.InvariantCulture, $"{run.Name} printed more than {run.MaxOutputBytes / 1024:N0} KiB"));

    /// <summary>Reads a pipe to its end, keeping at most <paramref name="limit"/> bytes; past it, calls <paramref name="onOverflow"/> and stops.</summary>
    private static async Task<byte[]> ReadAsync(Stream pipe, int limit, Action onOverflow)
    {
        using var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await pipe.ReadAsync(buffer)) > 0)
        {
            if (read > limit - kept.Length)
            {
                onOverflow();
                break;
            }

            kept.Write(buffer, 0, read);
        }

        return kept.ToArray();
    }

    /// <summary>Reads a pipe to its end, keeping its last <paramref name="limit"/> bytes.</summary>
    private static async Task<byte[]> ReadTailAsync(Stream pipe, int limit)
    {
        var kept = new byte[2 * limit];
        var length = 0;
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await pipe.ReadAsync(buffer)) > 0)
        {
            var chunk = buffer.AsSpan(0, read);
            if (chunk.Length >= limit)
            {
                chunk[^limit..].CopyTo(kept);
                length = limit;
                continue;
            }

            if (length + chunk.Length > kept.Length)
            {
                // Keep the last (limit - chunk) bytes at the front, then append the chunk.
                var keep = limit - chunk.Length;
                kept.AsSpan(length - keep, keep).CopyTo(kept);
                length = keep;
            }

            chunk.CopyTo(kept.AsSpan(length));
            length += chunk.Length;
        }

        return length > limit ? kept[(length - limit)..length] : kept[..length];
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
