using AbParts.Application.Common.Exceptions;

namespace AbParts.Infrastructure.Storage;

/// <summary>
/// Turns a full disk into <see cref="InsufficientStorageException"/> (507, ADR 0037) wherever the service writes an
/// upload to a file: the upload spool, the local video store, and ASP.NET Core buffering a form in the spool folder.
/// .NET reports it as an <see cref="IOException"/> whose <see cref="Exception.HResult"/> is the errno; it stays the
/// inner exception, as its message names the file and so the disk an operator has to free.
/// </summary>
public static class DiskErrors
{
    /// <summary>ENOSPC: no space left on the device.</summary>
    private const int NoSpaceLeft = 28;

    /// <summary>EDQUOT (Linux): the user's quota on the device is used up.</summary>
    private const int QuotaExceeded = 122;

    /// <summary>The application exception <paramref name="exception"/> stands for, or <c>null</c> when it stays as it is.</summary>
    public static InsufficientStorageException? Translate(Exception exception) =>
        exception is IOException { HResult: NoSpaceLeft or QuotaExceeded }
            ? new InsufficientStorageException(InsufficientStorageException.NoSpaceLeft, exception)
            : null;
}
