using System.Runtime.InteropServices;
using AbParts.Application.Common.Exceptions;
using NetVips;

namespace AbParts.Infrastructure.Imaging;

/// <summary>
/// HEIC photographs (HEVC-coded HEIF, what phones take) decoded by Debian's libheif with libde265. The libvips
/// of NetVips.Native reads their headers but carries no HEVC decoder (a patent-encumbered codec), and no NuGet
/// package does; AVIF and everything else stay with libvips (ADR 0017). libheif applies the image's rotation
/// and mirroring itself; the pixels come back as 8-bit RGB(A) with the embedded ICC profile, if any, attached.
/// </summary>
internal static partial class HevcHeifDecoder
{
    private const string Library = "libheif.so.1";

    private const int ColorspaceRgb = 1;           // heif_colorspace_RGB
    private const int ChromaInterleavedRgb = 10;   // heif_chroma_interleaved_RGB
    private const int ChromaInterleavedRgba = 11;  // heif_chroma_interleaved_RGBA
    private const int ChannelInterleaved = 10;     // heif_channel_interleaved
    private const uint ProfileTypeProf = 0x70726f66; // 'prof'
    private const uint ProfileTypeRicc = 0x72494343; // 'rICC'

    /// <summary>The primary image, decoded, as a libvips image in memory (the caller disposes it).</summary>
    public static Image Decode(byte[] heic)
    {
        var context = heif_context_alloc();
        var handle = IntPtr.Zero;
        var image = IntPtr.Zero;
        var pinned = GCHandle.Alloc(heic, GCHandleType.Pinned);
        try
        {
            Check(heif_context_read_from_memory_without_copy(context, pinned.AddrOfPinnedObject(), (nuint)heic.Length, IntPtr.Zero));
            Check(heif_context_get_primary_image_handle(context, out handle));
            var alpha = heif_image_handle_has_alpha_channel(handle) != 0;
            Check(heif_decode_image(handle, out image, ColorspaceRgb, alpha ? ChromaInterleavedRgba : ChromaInterleavedRgb, IntPtr.Zero));
            var width = heif_image_get_width(image, ChannelInterleaved);
            var height = heif_image_get_height(image, ChannelInterleaved);
            var bands = alpha ? 4 : 3;
            var plane = heif_image_get_plane_readonly(image, ChannelInterleaved, out var stride);
            if (plane == IntPtr.Zero || width <= 0 || height <= 0)
            {
                throw new UnprocessableMediaException("The HEIF image could not be decoded: libheif returned no pixels.");
            }

            var pixels = new byte[(long)width * height * bands];
            for (var row = 0; row < height; row++)
            {
                Marshal.Copy(plane + (row * stride), pixels, row * width * bands, width * bands);
            }

            using var decoded = Image.NewFromMemory(pixels, width, height, bands, Enums.BandFormat.Uchar);
            var profile = Profile(handle);
            return decoded.Mutate(m =>
            {
                m.Set(GValue.GStrType, "interpretation", "srgb");
                if (profile is not null)
                {
                    m.Set(GValue.BlobType, "icc-profile-data", profile);
                }
            });
        }
        finally
        {
            if (image != IntPtr.Zero)
            {
                heif_image_release(image);
            }

            if (handle != IntPtr.Zero)
            {
                heif_image_handle_release(handle);
            }

            heif_context_free(context);
            pinned.Free();
        }
    }

    private static byte[]? Profile(IntPtr handle)
    {
        var type = heif_image_handle_get_color_profile_type(handle);
        if (type is not (ProfileTypeProf or ProfileTypeRicc))
        {
            return null;
        }

        var profile = new byte[(int)heif_image_handle_get_raw_color_profile_size(handle)];
        var pinned = GCHandle.Alloc(profile, GCHandleType.Pinned);
        try
        {
            Check(heif_image_handle_get_raw_color_profile(handle, pinned.AddrOfPinnedObject()));
            return profile;
        }
        finally
        {
            pinned.Free();
        }
    }

    private static void Check(HeifError error)
    {
        if (error.Code != 0)
        {
            throw new UnprocessableMediaException(
                $"The HEIF image could not be decoded: {Marshal.PtrToStringUTF8(error.Message) ?? "libheif error " + error.Code}.");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct HeifError
    {
        public int Code;
        public int Subcode;
        public IntPtr Message;
    }

    [LibraryImport(Library)]
    private static partial IntPtr heif_context_alloc();

    [LibraryImport(Library)]
    private static partial void heif_context_free(IntPtr context);

    [LibraryImport(Library)]
    private static partial HeifError heif_context_read_from_memory_without_copy(IntPtr context, IntPtr data, nuint size, IntPtr options);

    [LibraryImport(Library)]
    private static partial HeifError heif_context_get_primary_image_handle(IntPtr context, out IntPtr handle);

    [LibraryImport(Library)]
    private static partial int heif_image_handle_has_alpha_channel(IntPtr handle);

    [LibraryImport(Library)]
    private static partial uint heif_image_handle_get_color_profile_type(IntPtr handle);

    [LibraryImport(Library)]
    private static partial nuint heif_image_handle_get_raw_color_profile_size(IntPtr handle);

    [LibraryImport(Library)]
    private static partial HeifError heif_image_handle_get_raw_color_profile(IntPtr handle, IntPtr profile);

    [LibraryImport(Library)]
    private static partial void heif_image_handle_release(IntPtr handle);

    [LibraryImport(Library)]
    private static partial HeifError heif_decode_image(IntPtr handle, out IntPtr image, int colorspace, int chroma, IntPtr options);

    [LibraryImport(Library)]
    private static partial int heif_image_get_width(IntPtr image, int channel);

    [LibraryImport(Library)]
    private static partial int heif_image_get_height(IntPtr image, int channel);

    [LibraryImport(Library)]
    private static partial IntPtr heif_image_get_plane_readonly(IntPtr image, int channel, out int stride);

    [LibraryImport(Library)]
    private static partial void heif_image_release(IntPtr image);
}
