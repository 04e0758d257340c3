using System.Diagnostics;
using System.Globalization;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using Microsoft.Extensions.Logging;

namespace AbParts.Infrastructure.Imaging;

/// <summary>One running image worker, seen from the service: start it, give it an image, kill it.</summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly ILogger _logger;

    private WorkerProcess(Process process, ILogger logger)
    {
        _process = process;
        _logger = logger;
        Id = process.Id;
    }

    /// <summary>The process id, kept from the start: it is still asked for (diagnostics) while the worker is being disposed.</summary>
    public int Id { get; }

    /// <summary>Images this worker has been given.</summary>
    public int Jobs { get; private set; }

    /// <summary>False once the worker failed, was killed or ran out of memory: it must not get another image.</summary>
    public bool Usable { get; private set; } = true;

    /// <summary>How the worker's last job ended it, for metrics: <c>timeout</c>, <c>crashed</c>, <c>out_of_memory</c> or <c>abandoned</c>.</summary>
    public string? Failure { get; private set; }

    /// <summary>Whether the process has ended (it may have been killed while idle).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts a worker and waits for its ready frame.</summary>
    public static async Task<WorkerProcess> StartAsync(ProcessStartInfo start, ILogger logger, CancellationToken cancellationToken)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        var worker = new WorkerProcess(process, logger);
        process.ErrorDataReceived += (_, line) => Log(logger, process.Id, line.Data);
        process.BeginErrorReadLine();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            var ready = await WorkerProtocol.ReadJsonAsync<WorkerReady>(process.StandardOutput.BaseStream, timeout.Token)
                        ?? throw new InvalidOperationException(
                            $"The image worker exited before it was ready ({await worker.ExitStatusAsync()}); see the log for its error.");
            logger.LogInformation("Image worker {Pid} ready: libvips {Version}, address space limited to {Limit} MB",
                ready.ProcessId, ready.Libvips, ready.AddressSpaceLimitBytes >> 20);
            return worker;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await worker.DisposeAsync();
            throw new InvalidOperationException($"The image worker did not start: {e.Message}", e);
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    /// <summary>libvips' warnings about the files it reads are routine; anything else on a worker's standard error is a fault.</summary>
    private static void Log(ILogger logger, int pid, string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        if (line.StartsWith(ImageWorker.LibvipsWarningPrefix, StringComparison.Ordinal))
        {
            logger.LogDebug("Image worker {Pid}: {Line}", pid, line);
        }
        else
        {
            logger.LogWarning("Image worker {Pid}: {Line}", pid, line);
        }
    }

    /// <summary>
    /// Processes one image. A worker that crashes or passes <paramref name="timeout"/> is killed, one that runs
    /// out of memory is retired, and the upload gets a 422 saying which; the worker is unusable afterwards.
    /// </summary>
    public async Task<ProcessedImage> ProcessAsync(ReadOnlyMemory<byte> input, ImageOptions options, TimeSpan timeout,
        int memoryMegabytes, CancellationToken cancellationToken)
    {
        Jobs++;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var toWorker = _process.StandardInput.BaseStream;
            await WorkerProtocol.WriteJsonAsync(toWorker, options, deadline.Token);
            await WorkerProtocol.WriteFrameAsync(toWorker, input, deadline.Token);
            await toWorker.FlushAsync(deadline.Token);
            return await ReadResultAsync(memoryMegabytes, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Failure = "timeout";
            await KillAsync();
            throw new UnprocessableMediaException(string.Create(CultureInfo.InvariantCulture,
                $"The image took longer than {timeout.TotalSeconds:0.#} s to process, the limit; it was stopped. Upload a smaller or simpler image."));
        }
        catch (OperationCanceledException)
        {
            Failure = "abandoned";
            await KillAsync(); // the client left; the worker may be deep in a hostile file
            throw;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException)
        {
            var status = await ExitStatusAsync(); // before the kill below, which would hide how it ended
            Failure = "crashed";
            await KillAsync();
            _logger.LogError(e, "Image worker {Pid} failed on an image ({Status})", Id, status);
            throw new UnprocessableMediaException(
                $"The image could not be processed: its worker stopped unexpectedly ({status}). The file may be damaged or hostile.", e);
        }
    }

    private async Task<ProcessedImage> ReadResultAsync(int memoryMegabytes, CancellationToken cancellationToken)
    {
        var fromWorker = _process.StandardOutput.BaseStream;
        var reply = await WorkerProtocol.ReadJsonAsync<WorkerReply>(fromWorker, cancellationToken)
                    ?? throw new IOException("The worker closed its output.");
        switch (reply.Outcome)
        {
            case WorkerOutcome.Processed when reply.Image is { } image:
                var bytes = await ReadRenditionAsync(fromWorker, cancellationToken);
                var thumbnails = new Dictionary<int, EncodedImage>();
                foreach (var thumbnail in reply.Thumbnails)
                {
                    thumbnails[thumbnail.Size] = new EncodedImage(await ReadRenditionAsync(fromWorker, cancellationToken), thumbnail.Width, thumbnail.Height);
                }

                return new ProcessedImage(new EncodedImage(bytes, image.Width, image.Height), thumbnails, reply.SourceFormat ?? "unknown", reply.Quality);
            case WorkerOutcome.Unsupported:
                throw new UnsupportedMediaException(reply.Message ?? "This file type is not supported.");
            case WorkerOutcome.TooLarge:
                throw new PayloadTooLargeException(reply.Message ?? "The upload is too large.");
            case WorkerOutcome.OutOfMemory:
                Usable = false;
                Failure = "out_of_memory";
                throw new UnprocessableMediaException(string.Create(CultureInfo.InvariantCulture,
                    $"The image needs more memory than the {memoryMegabytes} MB an image worker may use; it was not processed. Upload a smaller image. ({reply.Message})"));
            case WorkerOutcome.Unprocessable:
                throw new UnprocessableMediaException(reply.Message ?? "The file cannot be processed.");
            default:
                throw new InvalidDataException($"The worker answered {reply.Outcome} without an image.");
        }
    }

    private static async Task<byte[]> ReadRenditionAsync(Stream stream, CancellationToken cancellationToken) =>
        await WorkerProtocol.ReadFrameAsync(stream, cancellationToken) ?? throw new IOException("The worker closed its output mid-answer.");

    /// <summary>Kills the worker now and reaps it.</summary>
    public async Task KillAsync()
    {
        Usable = false;
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // it has exited already
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>How the worker ended, for messages: its exit code, or the signal that killed it.</summary>
    private async Task<string> ExitStatusAsync()
    {
        using var grace = new CancellationTokenSource(ExitGrace);
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            return "still running";
        }

        return _process.ExitCode > 128 ? $"killed by signal {_process.ExitCode - 128}" : $"exit code {_process.ExitCode}";
    }

    /// <summary>Closes the worker's input, so it exits after its current image; kills it if it has not after a moment.</summary>
    public async ValueTask DisposeAsync()
    {
        Usable = false;
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // it has gone already
        }

        using var grace = new CancellationTokenSource(ExitGrace);
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }

        _process.Dispose();
    }
}
