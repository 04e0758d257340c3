using System.Globalization;
using System.Runtime.InteropServices;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using NetVips;

namespace AbParts.Infrastructure.Imaging;

/// <summary>
/// The image worker process: <c>AbParts.WebApi image-worker --memory-mb N</c>, started by
/// <see cref="WorkerPoolImageProcessor"/>. It runs <see cref="ImagePipeline"/> on one image at a time and
/// speaks <see cref="WorkerProtocol"/> on its standard input and output; its standard error carries libvips'
/// warnings and its own faults, which the service logs. It exits when its input closes or its parent dies.
/// </summary>
public static partial class ImageWorker
{
    public const string Verb = "image-worker";

    public const string MemoryOption = "--memory-mb";

    /// <summary>How the worker marks libvips' warnings on its standard error.</summary>
    internal const string LibvipsWarningPrefix = "libvips: ";

    /// <summary>Runs the worker until its standard input closes; returns the process exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments is not [MemoryOption, var value] || !int.TryParse(value, CultureInfo.InvariantCulture, out var megabytes) || megabytes <= 0)
        {
            await Console.Error.WriteLineAsync($"usage: {Verb} {MemoryOption} <megabytes>");
            return 2;
        }

        WatchParent();
        WidenPipes();
        await using var input = Console.OpenStandardInput();
        await using var output = Console.OpenStandardOutput();
        Console.SetOut(Console.Error); // standard output carries frames only
        LibVips.EnsureStarted();
        LibVips.Warning += warning => Console.Error.WriteLine(LibvipsWarningPrefix + warning);
        WarmUp();
        var limit = LimitAddressSpace(megabytes);

        var version = $"{NetVips.NetVips.Version(0)}.{NetVips.NetVips.Version(1)}.{NetVips.NetVips.Version(2)}";
        await WorkerProtocol.WriteJsonAsync(output, new WorkerReady(Environment.ProcessId, version, limit), CancellationToken.None);
        while (await WorkerProtocol.ReadJsonAsync<ImageOptions>(input, CancellationToken.None) is { } options)
        {
            var file = await WorkerProtocol.ReadFrameAsync(input, CancellationToken.None)
                       ?? throw new InvalidDataException("The input closed between an image's options and its bytes.");
            await ReplyAsync(output, Process(file, options));
        }

        return 0;
    }

    /// <summary>How libvips and the codecs it bundles say an allocation failed (libjpeg: "Insufficient memory (case 4)").</summary>
    private static readonly string[] OutOfMemoryMessages = ["out of memory", "insufficient memory", "memory allocation failed"];

    private static (WorkerReply Reply, ProcessedImage? Result) Process(byte[] file, ImageOptions options)
    {
        try
        {
            var result = ImagePipeline.Process(file, options);
            var thumbnails = result.Thumbnails.Select(t => new WorkerRendition(t.Key, t.Value.Width, t.Value.Height)).ToList();
            return (new WorkerReply(WorkerOutcome.Processed, null, result.SourceFormat, result.Quality,
                new WorkerRendition(0, result.Image.Width, result.Image.Height), thumbnails), result);
        }
        catch (Exception e) when (e is UnsupportedMediaException or PayloadTooLargeException or UnprocessableMediaException or OutOfMemoryException)
        {
            var outcome = e switch
            {
                UnsupportedMediaException => WorkerOutcome.Unsupported,
                PayloadTooLargeException => WorkerOutcome.TooLarge,
                _ when e is OutOfMemoryException || OutOfMemoryMessages.Any(m => e.Message.Contains(m, StringComparison.OrdinalIgnoreCase))
                    => WorkerOutcome.OutOfMemory,
                _ => WorkerOutcome.Unprocessable,
            };
            return (new WorkerReply(outcome, e.Message, null, 0, null, []), null);
        }
    }

    private static async Task ReplyAsync(Stream output, (WorkerReply Reply, ProcessedImage? Result) answer)
    {
        await WorkerProtocol.WriteJsonAsync(output, answer.Reply, CancellationToken.None);
        if (answer.Result is { } result)
        {
            await WorkerProtocol.WriteFrameAsync(output, result.Image.Bytes, CancellationToken.None);
            foreach (var thumbnail in answer.Reply.Thumbnails)
            {
                await WorkerProtocol.WriteFrameAsync(output, result.Thumbnails[thumbnail.Size].Bytes, CancellationToken.None);
            }
        }

        await output.FlushAsync();
    }

    /// <summary>One small image through the whole pipeline, so that code is compiled and libvips' lazy state exists before the limit.</summary>
    private static void WarmUp()
    {
        using var black = Image.Black(64, 48, bands: 3);
        ImagePipeline.Process(black.JpegsaveBuffer(), new ImageOptions());
        ImagePipeline.Process(black.PngsaveBuffer(), new ImageOptions());
    }

    /// <summary>
    /// RLIMIT_AS at what the process has mapped now plus <paramref name="megabytes"/>: the runtime has reserved
    /// gigabytes of address space it never touches, so only growth can be bounded. An image that needs more
    /// fails its allocation (libvips reports "out of memory"); a crash on the way is answered just the same.
    /// </summary>
    private static long LimitAddressSpace(int megabytes)
    {
        var mapped = File.ReadLines("/proc/self/status")
            .Where(line => line.StartsWith("VmSize:", StringComparison.Ordinal))
            .Select(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024)
            .Single();
        var limit = mapped + ((long)megabytes << 20);
        var rlimit = new RLimit { Current = (ulong)limit, Maximum = (ulong)limit };
        if (setrlimit(RlimitAs, in rlimit) != 0)
        {
            throw new InvalidOperationException($"setrlimit(RLIMIT_AS) failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        return limit;
    }

    /// <summary>
    /// Exits at once, even mid-image, when the service that started this worker is gone (this process is
    /// re-parented). Not PR_SET_PDEATHSIG: Linux sends that when the <em>thread</em> that forked the worker
    /// exits, and the service starts workers from thread-pool threads, which retire when idle.
    /// </summary>
    private static void WatchParent()
    {
        var parent = ParentProcessId();
        var watcher = new Thread(() =>
        {
            while (ParentProcessId() == parent)
            {
                Thread.Sleep(ParentCheckInterval); // Linux offers no wait on a parent's end short of pidfd polling
            }

            using var self = System.Diagnostics.Process.GetCurrentProcess();
            self.Kill(); // at once: nothing of this worker's is worth finishing
        }) { IsBackground = true, Name = "parent watch" };
        watcher.Start();
    }

    /// <summary>The fourth field of <c>/proc/self/stat</c>, after the parenthesised command name.</summary>
    private static int ParentProcessId()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Grows the pipes of standard input and output from 64 KB to 1 MB (Linux's limit for a process without
    /// privileges, <c>/proc/sys/fs/pipe-max-size</c>), so that an upload reaches the worker in a few writes
    /// instead of one per 64 KB, each waiting for the other process to be scheduled: with two busy cores a
    /// 4.6 MB photograph took a median 29 ms to cross, 14 ms now. Best effort: a pipe that cannot grow works
    /// as before.
    /// </summary>
    private static void WidenPipes()
    {
        foreach (var descriptor in (int[])[StandardInput, StandardOutput])
        {
            _ = fcntl(descriptor, FSetPipeSize, PipeBytes);
        }
    }

    private static readonly TimeSpan ParentCheckInterval = TimeSpan.FromMilliseconds(200);
    private const int RlimitAs = 9;
    private const int StandardInput = 0;
    private const int StandardOutput = 1;
    private const int FSetPipeSize = 1031;
    private const int PipeBytes = 1 << 20;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in RLimit limit);

    [LibraryImport("libc")]
    private static partial int fcntl(int descriptor, int command, int argument);
}
