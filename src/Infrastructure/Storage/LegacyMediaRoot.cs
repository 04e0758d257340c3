using System.Globalization;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;

namespace AbParts.Infrastructure.Storage;

/// <summary>Opens the old system's media folder on this machine's file system.</summary>
internal sealed class LegacyMediaRoots : ILegacyMediaRoots
{
    public ILegacyMediaRoot Open(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.GetFullPath(directory);
        var real = LegacyMediaRoot.RealPath(full);
        return real is not null && Directory.Exists(real)
            ? new LegacyMediaRoot(real)
            : throw new ValidationException("media_root", $"'{directory}' is not a folder.");
    }
}

/// <summary>
/// The old system's media folder. A URL's path is appended to the folder as the old system appended it to
/// <c>/app</c>; the result is then resolved as the kernel would (every symbolic link of every component, and
/// <c>..</c> after it) and must lie strictly inside the folder's own real path. Only then is the file opened, by
/// that resolved path, and the path the kernel reports for the open descriptor is compared once more, so a link
/// swapped in between the check and the open is caught too.
/// </summary>
internal sealed class LegacyMediaRoot(string realPath) : ILegacyMediaRoot
{
    private const int MaxLinks = 40; // as Linux's path walk

    public string Path { get; } = realPath;

    public LegacyFile Locate(string url) => Find(url, open: false);

    public LegacyFile Open(string url) => Find(url, open: true);

    private LegacyFile Find(string url, bool open)
    {
        if (PathOf(url) is not { } path)
        {
            return Refused("it is neither a path nor an http(s) URL");
        }

        // What the old system did: the media folder, then the URL's path.
        var joined = Path.TrimEnd('/') + "/" + path.TrimStart('/');
        if (!IsInside(System.IO.Path.GetFullPath(joined)))
        {
            return Refused("its path leads out of the media folder");
        }

        var real = RealPath(joined);
        if (real is null)
        {
            return Refused($"it passes through more than {MaxLinks} symbolic links");
        }

        if (real == Path)
        {
            return new LegacyFile(LegacyFileStatus.NotAFile, "it names the media folder itself", string.Empty);
        }

        if (!IsInside(real))
        {
            return Refused($"a symbolic link on its path leads out of the media folder, to {real}");
        }

        var name = System.IO.Path.GetFileName(real);
        if (Directory.Exists(real))
        {
            return new LegacyFile(LegacyFileStatus.NotAFile, "it names a folder, not a file", name);
        }

        var file = new FileInfo(real);
        if (!file.Exists)
        {
            return new LegacyFile(LegacyFileStatus.Missing, "no file at " + real, name);
        }

        // Pipes, devices and sockets report no length; refusing every empty file means none of them is ever
        // opened (a pipe's open would wait for a writer).
        if (file.Length == 0)
        {
            return new LegacyFile(LegacyFileStatus.NotAFile, "the file is empty (or not a regular file)", name);
        }

        return open ? OpenChecked(real, name) : new LegacyFile(LegacyFileStatus.Found, string.Empty, name, file.Length);
    }

    private static LegacyFile OpenChecked(string real, string name)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(real, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new LegacyFile(LegacyFileStatus.Missing, "no file at " + real, name);
        }
        catch (UnauthorizedAccessException)
        {
            return new LegacyFile(LegacyFileStatus.Missing, "the file at " + real + " may not be read by this user", name);
        }

        var opened = new FileInfo(string.Create(CultureInfo.InvariantCulture,
            $"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}")).LinkTarget;
        if (opened != real)
        {
            stream.Dispose();
            return Refused($"what was opened ({opened ?? "unknown"}) is not the file that was checked; the folder changed meanwhile");
        }

        return new LegacyFile(LegacyFileStatus.Found, string.Empty, name, stream.Length, stream);
    }

    private bool IsInside(string path) => path.StartsWith(Path.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static LegacyFile Refused(string reason) => new(LegacyFileStatus.Refused, reason);

    /// <summary>
    /// The path part of a legacy URL: a path as it is (the old system joined it as text), or the decoded path of
    /// an http(s) URL; a query or fragment is dropped. Null for anything else (another scheme, a NUL).
    /// </summary>
    internal static string? PathOf(string url)
    {
        var text = url.Trim();
        if (text.Length == 0 || text.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        if (!text.StartsWith('/')
            && Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps
                ? "/" + uri.GetComponents(UriComponents.Path, UriFormat.Unescaped)
                : null;
        }

        var end = text.IndexOfAny(['?', '#']);
        return end < 0 ? text : text[..end];
    }

    /// <summary>
    /// What <c>realpath</c> answers for an absolute path, except that a missing tail is kept as written: every
    /// symbolic link is replaced by its target (relative to its folder) and <c>..</c> applies to what the path
    /// has become. Null when more than <see cref="MaxLinks"/> links are followed (a loop).
    /// </summary>
    internal static string? RealPath(string absolute)
    {
        var pending = new Stack<string>(absolute.Split('/').Reverse());
        var resolved = new List<string>();
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var candidate = "/" + string.Join('/', resolved.Append(part));
            if (LinkTarget(candidate) is not { } target)
            {
                resolved.Add(part);
                continue;
            }

            if (++links > MaxLinks)
            {
                return null;
            }

            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            foreach (var segment in target.Split('/').Reverse())
            {
                pending.Push(segment);
            }
        }

        return "/" + string.Join('/', resolved);
    }

    /// <summary>The target of the symbolic link at <paramref name="path"/>; null for anything else, or what cannot be looked at.</summary>
    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // what cannot be looked at cannot be opened either
        }
    }
}
