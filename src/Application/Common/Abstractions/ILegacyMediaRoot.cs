namespace AbParts.Application.Common.Abstractions;

/// <summary>
/// Opens the old system's media folder, the one its image URLs point into. The file-system policy (how a URL
/// becomes a path, what counts as leaving the folder) lives in the adapter; the import use case only asks.
/// </summary>
public interface ILegacyMediaRoots
{
    /// <summary>The folder at <paramref name="directory"/>; <see cref="Exceptions.ValidationException"/> when it is not one.</summary>
    ILegacyMediaRoot Open(string directory);
}

/// <summary>
/// The old system's media folder. A URL's path is joined to it as the old system did (its files lived under
/// <c>/app</c>, so <c>/static/images/x.jpg</c> is <c>ROOT/static/images/x.jpg</c>; a full <c>http(s)</c> URL
/// counts by its path), and only a regular file whose real path lies inside the folder is ever read.
/// </summary>
public interface ILegacyMediaRoot
{
    /// <summary>The folder's real path, for messages.</summary>
    string Path { get; }

    /// <summary>Where <paramref name="url"/> leads and how large the file is, without reading it.</summary>
    LegacyFile Locate(string url);

    /// <summary>
    /// Like <see cref="Locate"/>, and when the file is found also opens it for reading
    /// (<see cref="LegacyFile.Content"/>, which the caller disposes). What was opened is checked again.
    /// </summary>
    LegacyFile Open(string url);
}

public enum LegacyFileStatus
{
    /// <summary>A regular file inside the folder.</summary>
    Found,

    /// <summary>Nothing there (or a dangling link inside the folder).</summary>
    Missing,

    /// <summary>The URL leads out of the folder (<c>..</c>, a link out) or is not a URL of a file at all.</summary>
    Refused,

    /// <summary>There is something, but not a file with bytes in it: a folder, an empty or special file.</summary>
    NotAFile,
}

/// <summary>What a legacy URL leads to.</summary>
/// <param name="Reason">Why it is not <see cref="LegacyFileStatus.Found"/>, in a sentence; empty when found.</param>
/// <param name="Name">The file's name, for messages and as the upload's name.</param>
/// <param name="Content">The open file, from <see cref="ILegacyMediaRoot.Open"/> only.</param>
public sealed record LegacyFile(LegacyFileStatus Status, string Reason, string Name = "", long Length = 0,
    Stream? Content = null) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content?.DisposeAsync() ?? ValueTask.CompletedTask;
}
