using AbParts.Application.Backups;
using NetVips;

namespace AbParts.Infrastructure.Imaging;

/// <summary>
/// Decodes a stored image in this process with libvips' WebP loader alone, every pixel (an average over the image
/// makes libvips run the whole decode), failing on any decoder warning. In process, not in an image worker: these
/// are the service's own renditions read back from a backup, not uploads (ADR 0020).
/// </summary>
internal sealed class VipsStoredImageCheck : IStoredImageCheck
{
    public string? Check(byte[] image)
    {
        ArgumentNullException.ThrowIfNull(image);
        LibVips.EnsureStarted();
        try
        {
            using var decoded = Image.WebploadBuffer(image, access: Enums.Access.Sequential, failOn: Enums.FailOn.Warning);
            _ = decoded.Avg();
            return decoded.Width > 0 && decoded.Height > 0 ? null : "it has no pixels";
        }
        catch (VipsException e)
        {
            var message = string.Join("; ", e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            return message.Length > 0 ? message : "libvips could not decode it";
        }
    }
}
