using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
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

/// <summary>
/// Calls into the same libvips the processor loaded, bypassing the processor: to count live libvips
/// objects and to try loaders directly.
/// </summary>
public static class LibVipsProbe
{
    private const string Vips = "libvips.so.42";

    private delegate IntPtr ObjectMapFn(IntPtr vipsObject, IntPtr a, IntPtr b);

    /// <summary>How many VipsObjects (images, operations, regions' owners) are alive right now.</summary>
    public static int LiveObjects()
    {
        var count = 0;
        ObjectMapFn counter = (_, _, _) =>
        {
            count++;
            return IntPtr.Zero;
        };
        NativeMethods.vips_object_map(counter, IntPtr.Zero, IntPtr.Zero);
        GC.KeepAlive(counter);
        return count;
    }

    /// <summary>Opens the bytes with <c>vips_image_new_from_buffer</c> (header only): null when it worked, else libvips' error text.</summary>
    public static string? TryOpen(byte[] bytes)
    {
        var image = NativeMethods.vips_image_new_from_buffer(bytes, (nuint)bytes.Length, string.Empty, IntPtr.Zero);
        if (image != IntPtr.Zero)
        {
            NativeMethods.g_object_unref(image);
            return null;
        }

        var error = NativeMethods.vips_error_buffer_copy();
        try
        {
            return Marshal.PtrToStringUTF8(error) ?? string.Empty;
        }
        finally
        {
            NativeMethods.g_free(error);
        }
    }

    /// <summary>The pixels of an image, evaluated now: rows top to bottom, samples interleaved, as libvips computes them.</summary>
    public static byte[] Pixels(IntPtr image)
    {
        var data = NativeMethods.vips_image_write_to_memory(image, out var size);
        if (data == IntPtr.Zero)
        {
            throw new InvalidOperationException("libvips could not compute the image.");
        }

        try
        {
            var bytes = new byte[checked((int)size)];
            Marshal.Copy(data, bytes, 0, bytes.Length);
            return bytes;
        }
        finally
        {
            NativeMethods.g_free(data);
        }
    }

#pragma warning disable SYSLIB1054 // [LibraryImport] needs AllowUnsafeBlocks, which this test project does not enable
    private static class NativeMethods
    {
        [DllImport(Vips)]
        public static extern IntPtr vips_object_map(ObjectMapFn fn, IntPtr a, IntPtr b);

        // The header is read within the call, so the marshaller's pin of the array is long enough.
        [DllImport(Vips)]
        public static extern IntPtr vips_image_new_from_buffer(byte[] buffer, nuint length,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string optionString, IntPtr terminator);

        [DllImport(Vips)]
        public static extern IntPtr vips_error_buffer_copy();

        [DllImport(Vips)]
        public static extern IntPtr vips_image_write_to_memory(IntPtr image, out nuint size);

        [DllImport("libglib-2.0.so.0")]
        public static extern void g_free(IntPtr memory);

        [DllImport("libgobject-2.0.so.0")]
        public static extern void g_object_unref(IntPtr instance);
    }
#pragma warning restore SYSLIB1054
}
