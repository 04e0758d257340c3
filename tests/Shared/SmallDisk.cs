using System.Diagnostics;
using System.Globalization;

namespace AbParts.Tests.Support;

/// <summary>
/// A real filesystem of a fixed size, to fill up: a tmpfs mounted in a mount namespace of its own by an <c>unshare</c>
/// process that holds it while this object lives. Everything else reaches it through that process's root
/// (<see cref="Path"/> is <c>/proc/{pid}/root/…</c>), so nothing is mounted on the machine's own tree, and nothing stays
/// mounted if the tests die: the holder waits for the end of its standard input, which is this process.
/// Root mounts it as it is; any other user gets a user namespace too, in which mounting a tmpfs is allowed.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    /// <summary>ENOSPC, the errno .NET gives as the <see cref="Exception.HResult"/> of the <see cref="IOException"/>.</summary>
    private const int NoSpaceLeft = 28;

    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(1);

    private readonly Process _holder;
    private readonly string _mountPoint;

    private SmallDisk(Process holder, string mountPoint)
    {
        _holder = holder;
        _mountPoint = mountPoint;
        Path = $"/proc/{holder.Id}/root{mountPoint}";
    }

    /// <summary>The disk's top folder, as every process on the machine reaches it.</summary>
    public string Path { get; }

    private string Filler => System.IO.Path.Combine(Path, "filler");

    /// <summary>Mounts an empty disk of <paramref name="bytes"/> bytes.</summary>
    public static async Task<SmallDisk> MountAsync(long bytes)
    {
        var mountPoint = Directory.CreateTempSubdirectory("abparts-disk-").FullName;
        var start = new ProcessStartInfo("unshare")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] namespaces = Environment.IsPrivilegedProcess ? ["--mount"] : ["--user", "--map-root-user", "--mount"];
        string[] arguments =
        [
            .. namespaces, "sh", "-c",
            "mount -t tmpfs -o size=\"$1\" abparts-small-disk \"$2\" && echo mounted && exec cat >/dev/null",
            "sh", bytes.ToString(CultureInfo.InvariantCulture), mountPoint,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var holder = Process.Start(start) ?? throw new InvalidOperationException("unshare did not start.");
        var mounted = await holder.StandardOutput.ReadLineAsync().WaitAsync(Bound);
        if (mounted != "mounted")
        {
            var error = await holder.StandardError.ReadToEndAsync().WaitAsync(Bound);
            holder.Dispose();
            Directory.Delete(mountPoint);
            throw new InvalidOperationException($"Could not mount a tmpfs in a namespace of its own (util-linux unshare): {error}");
        }

        return new SmallDisk(holder, mountPoint);
    }

    /// <summary>
    /// Fills the disk with a file of its own, outside the service's folders, until only <paramref name="bytes"/> bytes
    /// are free (to the page): it writes until the disk refuses more, then gives back that much of the end.
    /// </summary>
    public void FillLeaving(long bytes)
    {
        using var filler = new FileStream(Filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var chunk = new byte[1024 * 1024];
        try
        {
            while (true)
            {
                filler.Write(chunk);
            }
        }
        catch (IOException full) when (full.HResult == NoSpaceLeft)
        {
            filler.SetLength(Math.Max(0, filler.Length - bytes));
        }
    }

    /// <summary>Removes the filler: the disk has all its free space again.</summary>
    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        _holder.StandardInput.Close();
        if (!_holder.WaitForExit(Bound))
        {
            _holder.Kill();
        }

        _holder.Dispose();
        Directory.Delete(_mountPoint);
    }
}
