using System.Runtime.InteropServices;

namespace AbParts.Infrastructure.Imaging.Native;

/// <summary>
/// The libvips calls of the pipeline, each checked: a failure throws <see cref="VipsException"/> with
/// libvips' error text, and every image returned is a <see cref="VipsImageHandle"/> the caller disposes.
/// Buffers passed as <see cref="IntPtr"/> must stay pinned until every image made from them is disposed.
/// </summary>
internal static class VipsImage
{
    private const string IccProfileField = "icc-profile-data";
    private const string OrientationField = "orientation";

    /// <summary>
    /// <c>VIPS_META_SEQUENTIAL</c>: set by loaders opened with <c>access=sequential</c>. The vertical block shrink
    /// (<c>vips_shrinkv</c>, used when an image shrinks 4× or more) then caches the lines it shares; without it,
    /// reducing a 5120x2880 image in memory to 1024 px recomputes them over and over (measured: 900 ms instead
    /// of 100 ms). But the mark also makes the pipeline read from the top: a pipeline asked only for the lower
    /// half of the output then computes the upper half too. So it is set only where a block shrink happens.
    /// </summary>
    private const string SequentialField = "vips-sequential";

    /// <summary>The class name of the loader libvips would pick for the buffer, e.g. <c>VipsForeignLoadJpegBuffer</c>; null when none would. Blocked loaders are named too.</summary>
    public static string? FindLoader(IntPtr buffer, nuint length)
    {
        var name = VipsNative.ForeignFindLoadBuffer(buffer, length);
        if (name == IntPtr.Zero)
        {
            VipsRuntime.DiscardError(); // "buffer is not in a known format": we say it better
            return null;
        }

        return Marshal.PtrToStringUTF8(name);
    }

    /// <summary>Opens the image for sequential access: parses the header only, decodes no pixels.</summary>
    public static VipsImageHandle OpenHeader(IntPtr buffer, nuint length) =>
        Checked(VipsNative.ImageNewFromBuffer(buffer, length, string.Empty, "access", VipsNative.AccessSequential, IntPtr.Zero));

    /// <summary>
    /// The first page, shrunk on load so the longest side is at most <paramref name="maxDimension"/> (never
    /// enlarged), upright by its EXIF orientation, truncation refused. With <paramref name="viaEmbeddedProfile"/>,
    /// colour goes through the image's ICC profile to sRGB (<c>export_profile=srgb</c>); without, through
    /// libvips' own colourspace conversion (exact for untagged sRGB, the built-in CMYK profile for CMYK).
    /// Lazy: pixels are decoded by <see cref="ToMemory"/>.
    /// </summary>
    public static VipsImageHandle Thumbnail(IntPtr buffer, nuint length, int maxDimension, bool viaEmbeddedProfile)
    {
        var status = VipsNative.ThumbnailBuffer(buffer, length, out var output, maxDimension,
            "size", VipsNative.SizeDown, "option_string", VipsNative.LoadOptions,
            viaEmbeddedProfile ? "export_profile" : null, viaEmbeddedProfile ? "srgb" : null, IntPtr.Zero);
        return Checked(status, output);
    }

    /// <summary>
    /// An image over pixels decoded outside libvips, carrying what libvips' own loader would have attached and
    /// <c>vips_thumbnail</c> reads: the interpretation (sRGB, B_W), the ICC profile and the EXIF orientation,
    /// copied from <paramref name="header"/>, the same file opened by libvips (<see cref="OpenHeader"/>), and, with
    /// <paramref name="readSequentially"/>, the mark of an image read top to bottom.
    /// </summary>
    /// <remarks>
    /// The pixels are not copied: <paramref name="pixels"/> must outlive the returned image and every image
    /// computed from it. <see cref="ToMemory"/> on a pipeline built on it makes an independent copy (its
    /// result never refers back to its inputs), after which the pixels may go. Page fields (<c>n-pages</c>,
    /// <c>page-height</c>) are not copied: the pixels are one page, which is what their absence says.
    /// </remarks>
    public static unsafe VipsImageHandle FromPixels(DecodedPixels pixels, VipsImageHandle header, bool readSequentially)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(header);
        var image = Checked(VipsNative.ImageNewFromMemory((IntPtr)pixels.Pointer, pixels.Length,
            pixels.Width, pixels.Height, pixels.Bands, VipsNative.FormatUChar));
        var interpretation = Interpretation(header);
        if (Interpretation(image) != interpretation)
        {
            using var unlabelled = image; // the copy holds its own reference to it
            image = Checked(VipsNative.CopyWithInterpretation(unlabelled, out var relabelled, "interpretation", interpretation, IntPtr.Zero), relabelled);
        }

        if (VipsNative.ImageGetTypeof(header, IccProfileField) != 0
            && VipsNative.ImageGetBlob(header, IccProfileField, out var profile, out var profileLength) == 0)
        {
            VipsNative.ImageSetBlobCopy(image, IccProfileField, profile, profileLength);
        }

        if (VipsNative.ImageGetTypeof(header, OrientationField) != 0
            && VipsNative.ImageGetInt(header, OrientationField, out var orientation) == 0)
        {
            VipsNative.ImageSetInt(image, OrientationField, orientation);
        }

        if (readSequentially)
        {
            VipsNative.ImageSetInt(image, SequentialField, 1);
        }

        return image;
    }

    /// <summary>
    /// What <see cref="Thumbnail"/> does to a file, done to an image already in memory (<see cref="FromPixels"/>):
    /// longest side at most <paramref name="maxDimension"/>, never enlarged, upright by its orientation, and with
    /// <paramref name="viaEmbeddedProfile"/> converted through its ICC profile to sRGB. Same operation, same
    /// options, so the same pixels come out. Lazy.
    /// </summary>
    public static VipsImageHandle ThumbnailOf(VipsImageHandle image, int maxDimension, bool viaEmbeddedProfile)
    {
        var status = VipsNative.ThumbnailImage(image, out var output, maxDimension, "size", VipsNative.SizeDown,
            viaEmbeddedProfile ? "export_profile" : null, viaEmbeddedProfile ? "srgb" : null, IntPtr.Zero);
        return Checked(status, output);
    }

    /// <summary>Rows <paramref name="top"/> to <paramref name="top"/> + <paramref name="height"/> of the image, lazily.</summary>
    public static VipsImageHandle Rows(VipsImageHandle image, int top, int height) =>
        Checked(VipsNative.ExtractArea(image, out var output, 0, top, Width(image), height, IntPtr.Zero), output);

    /// <summary><paramref name="upper"/> above <paramref name="lower"/> (the same width and bands), lazily.</summary>
    public static VipsImageHandle Stack(VipsImageHandle upper, VipsImageHandle lower) =>
        Checked(VipsNative.Join(upper, lower, out var output, VipsNative.DirectionVertical, IntPtr.Zero), output);

    /// <summary>Whether <paramref name="image"/>, a memory image, holds its pixels in <paramref name="pixels"/>' buffer.</summary>
    public static unsafe bool IsBackedBy(VipsImageHandle image, DecodedPixels pixels) =>
        VipsNative.ImageGetData(image) == (IntPtr)pixels.Pointer;

    /// <summary>The image's ICC profile, or null when it carries none.</summary>
    public static byte[]? IccProfile(VipsImageHandle image)
    {
        if (VipsNative.ImageGetTypeof(image, IccProfileField) == 0
            || VipsNative.ImageGetBlob(image, IccProfileField, out var data, out var length) != 0)
        {
            return null;
        }

        var profile = new byte[checked((int)length)];
        Marshal.Copy(data, profile, 0, profile.Length);
        return profile;
    }

    /// <summary>A further reduction of an upright, decoded image: longest side at most <paramref name="maxDimension"/>, never enlarged.</summary>
    public static VipsImageHandle Shrink(VipsImageHandle image, int maxDimension)
    {
        var status = VipsNative.ThumbnailImage(image, out var output, maxDimension,
            "size", VipsNative.SizeDown, "no_rotate", 1, IntPtr.Zero);
        return Checked(status, output);
    }

    /// <summary>Converts to 8-bit sRGB (alpha kept), for what the thumbnail leaves in another space (grey, 16-bit).</summary>
    public static VipsImageHandle ToSrgb8(VipsImageHandle image)
    {
        var srgb = Checked(VipsNative.Colourspace(image, out var converted, VipsNative.InterpretationSrgb, IntPtr.Zero), converted);
        if (Format(srgb) == VipsNative.FormatUChar)
        {
            return srgb;
        }

        using (srgb)
        {
            // the cast holds its own reference to its input
            return Checked(VipsNative.Cast(srgb, out var cast, VipsNative.FormatUChar, IntPtr.Zero), cast);
        }
    }

    /// <summary>Runs the pipeline behind <paramref name="image"/> into memory; decoding errors surface here.</summary>
    public static VipsImageHandle ToMemory(VipsImageHandle image) => Checked(VipsNative.ImageCopyMemory(image));

    /// <summary>Encodes as lossy WebP at <paramref name="quality"/> with libwebp's <paramref name="effort"/> (0–6). Metadata is removed afterwards by <see cref="WebpContainer.StripMetadata"/>.</summary>
    public static byte[] EncodeWebp(VipsImageHandle image, int quality, int effort)
    {
        var suffix = string.Create(System.Globalization.CultureInfo.InvariantCulture, $".webp[Q={quality},effort={effort},strip]");
        var status = VipsNative.ImageWriteToBuffer(image, suffix, out var buffer, out var length, IntPtr.Zero);
        try
        {
            if (status != 0 || buffer == IntPtr.Zero)
            {
                throw new VipsException(VipsRuntime.TakeError());
            }

            var bytes = new byte[checked((int)length)];
            Marshal.Copy(buffer, bytes, 0, bytes.Length);
            return bytes;
        }
        finally
        {
            if (buffer != IntPtr.Zero)
            {
                VipsNative.GFree(buffer);
            }
        }
    }

    public static int Width(VipsImageHandle image) => VipsNative.ImageGetWidth(image);

    public static int Height(VipsImageHandle image) => VipsNative.ImageGetHeight(image);

    public static int Bands(VipsImageHandle image) => VipsNative.ImageGetBands(image);

    public static int Format(VipsImageHandle image) => VipsNative.ImageGetFormat(image);

    public static int Interpretation(VipsImageHandle image) => VipsNative.ImageGetInterpretation(image);

    /// <summary>A string metadata field, or null when the image has none.</summary>
    public static string? GetString(VipsImageHandle image, string name)
    {
        if (VipsNative.ImageGetTypeof(image, name) == 0)
        {
            return null;
        }

        if (VipsNative.ImageGetString(image, name, out var value) != 0)
        {
            VipsRuntime.DiscardError();
            return null;
        }

        return Marshal.PtrToStringUTF8(value);
    }

    private static VipsImageHandle Checked(int status, VipsImageHandle output)
    {
        if (status == 0 && !output.IsInvalid)
        {
            return output;
        }

        output.Dispose();
        throw new VipsException(VipsRuntime.TakeError());
    }

    private static VipsImageHandle Checked(VipsImageHandle output) => Checked(0, output);
}
