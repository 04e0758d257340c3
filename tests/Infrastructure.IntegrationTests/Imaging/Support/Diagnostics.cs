using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AbParts.Infrastructure.IntegrationTests.Imaging.Support;

/// <summary>The process's resident memory, from /proc (Linux).</summary>
public static class MemoryProbe
{
    /// <summary>Collects garbage, then resets the kernel's peak-RSS mark (VmHWM) to the current RSS.</summary>
    public static long ResetPeak()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        File.WriteAllText("/proc/self/clear_refs", "5");
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    /// <summary>The peak RSS since the last <see cref="ResetPeak"/>.</summary>
    public static long Peak()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }
}

/// <summary>Records every log entry, so a test can see what reached Microsoft.Extensions.Logging.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(string Category, LogLevel Level, string Message)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((category, logLevel, formatter(state, exception)));
    }
}

/// <summary>libvips in the test process, called directly, bypassing the processor.</summary>
public static class LibVipsProbe
{
    /// <summary>Pixel buffers libvips has allocated and not yet freed, and their bytes.</summary>
    public static (int Allocations, long Bytes) LiveBuffers() => (NetVips.Stats.Allocations, NetVips.Stats.Mem);

    /// <summary>Runs the loader <paramref name="loader"/> (e.g. <c>svgload_buffer</c>) on the bytes: null when it worked, else libvips' error.</summary>
    public static string? TryLoad(string loader, byte[] bytes)
    {
        try
        {
            using var image = (NetVips.Image)NetVips.Operation.Call(loader, bytes);
            return null;
        }
        catch (NetVips.VipsException e)
        {
            return e.Message;
        }
    }
}

/// <summary>Resident memory of other processes (image workers), from /proc.</summary>
public static class ProcessMemory
{
    /// <summary>The peak resident set (VmHWM) of process <paramref name="pid"/> in bytes.</summary>
    public static long PeakResident(int pid) => Field(pid, "VmHWM:");

    private static long Field(int pid, string name) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(name, StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024)
            .Single();
}
