using System.Runtime.InteropServices;

namespace AbParts.Infrastructure.Imaging.Native;

/// <summary>
/// The P/Invoke surface of Debian's libvips 8.14 (<c>libvips.so.42</c>) and the two GLib calls it needs.
/// Only <see cref="VipsRuntime"/> and <see cref="VipsImage"/> call these.
/// </summary>
/// <remarks>
/// <para>
/// <b>Variadic calls.</b> Most libvips operations are C varargs functions
/// (<c>int vips_thumbnail_buffer(void *buf, size_t len, VipsImage **out, int width, ...)</c>) whose optional
/// arguments are <c>name, value</c> pairs ended by <c>NULL</c>. .NET cannot declare a varargs P/Invoke on
/// Unix, so each use gets its own fixed-signature overload (same <c>EntryPoint</c>) that lists exactly the
/// pairs we pass, then an <see cref="IntPtr.Zero"/> terminator.
/// </para>
/// <para>
/// This is sound on x86-64 System V (Linux) because a variadic callee reads its variadic <c>int</c> and
/// pointer arguments from the same registers and stack slots a fixed-signature caller fills; the only
/// difference, <c>%al</c> (an upper bound on the vector registers used), is read by GCC's prologue only to
/// decide whether to spill <c>xmm0-7</c>, so a garbage value costs a few stores and nothing else. It is
/// also sound on Linux arm64 (AAPCS64 passes variadic arguments like fixed ones) but NOT on Apple arm64,
/// where variadic arguments always go on the stack. Hence the rules: only <c>int</c>/<c>gboolean</c>/enum
/// and pointer (string) values, never <c>double</c> (floating-point varargs travel in <c>xmm</c> registers
/// the callee would read only if <c>%al</c> said so) — a double option such as WebP's <c>Q</c> goes into the
/// option string instead (<c>".webp[Q=80,strip]"</c>).
/// </para>
/// </remarks>
internal static partial class VipsNative
{
    private const string Vips = "libvips.so.42";
    private const string GLib = "libglib-2.0.so.0";
    private const string GObject = "libgobject-2.0.so.0";

    // --- enums of libvips 8.14 (vips/enumtypes.h) ---------------------------------------------------------

    /// <summary>VipsAccess: VIPS_ACCESS_SEQUENTIAL. Header-only reads and streaming decode.</summary>
    internal const int AccessSequential = 1;

    /// <summary>VipsSize: VIPS_SIZE_DOWN (= 2; 1 is VIPS_SIZE_UP). Only ever shrink.</summary>
    internal const int SizeDown = 2;

    /// <summary>Loader options of every decode: VIPS_FAIL_ON_TRUNCATED refuses truncated files instead of padding them with grey.</summary>
    internal const string LoadOptions = "fail_on=truncated";

    /// <summary>VipsBandFormat: VIPS_FORMAT_UCHAR.</summary>
    internal const int FormatUChar = 0;

    /// <summary>VipsInterpretation: VIPS_INTERPRETATION_sRGB.</summary>
    internal const int InterpretationSrgb = 22;

    // GLogLevelFlags
    internal const int LogFlagRecursion = 1 << 0;
    internal const int LogFlagFatal = 1 << 1;
    internal const int LogLevelCritical = 1 << 3;
    internal const int LogLevelWarning = 1 << 4;
    internal const int LogLevelMessage = 1 << 5;

    // --- start-up and policy ------------------------------------------------------------------------------

    [LibraryImport(Vips, EntryPoint = "vips_init", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Init(string argv0);

    [LibraryImport(Vips, EntryPoint = "vips_version")]
    internal static partial int Version(int flag);

    [LibraryImport(Vips, EntryPoint = "vips_block_untrusted_set")]
    internal static partial void BlockUntrustedSet([MarshalAs(UnmanagedType.Bool)] bool state);

    /// <summary>Blocks or unblocks a class of operations and all its subclasses, by GType name (e.g. <c>VipsForeignLoadJpeg</c>).</summary>
    [LibraryImport(Vips, EntryPoint = "vips_operation_block_set", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void OperationBlockSet(string name, [MarshalAs(UnmanagedType.Bool)] bool state);

    [LibraryImport(Vips, EntryPoint = "vips_cache_set_max")]
    internal static partial void CacheSetMax(int max);

    [LibraryImport(Vips, EntryPoint = "vips_concurrency_set")]
    internal static partial void ConcurrencySet(int concurrency);

    // --- errors (a process-wide buffer behind a lock, not per thread) -------------------------------------

    /// <summary>Copies the error buffer into a <c>g_malloc</c>ed string and clears it, under libvips' lock. Free with <see cref="GFree"/>.</summary>
    [LibraryImport(Vips, EntryPoint = "vips_error_buffer_copy")]
    internal static partial IntPtr ErrorBufferCopy();

    // --- loading ------------------------------------------------------------------------------------------

    /// <summary>The class name of the loader that would open the buffer (<c>VipsForeignLoadJpegBuffer</c>), or null. 8.14 does not skip blocked loaders here. The string is static: never free it.</summary>
    [LibraryImport(Vips, EntryPoint = "vips_foreign_find_load_buffer")]
    internal static partial IntPtr ForeignFindLoadBuffer(IntPtr data, nuint size);

    /// <summary><c>vips_image_new_from_buffer(buf, len, "", "access", SEQUENTIAL, NULL)</c>: reads the header only; pixels are decoded on demand. The image refers to <paramref name="buffer"/>, which must stay pinned while it lives.</summary>
    [LibraryImport(Vips, EntryPoint = "vips_image_new_from_buffer", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial VipsImageHandle ImageNewFromBuffer(IntPtr buffer, nuint length, string optionString,
        string accessName, int access, IntPtr terminator);

    /// <summary>
    /// <c>vips_thumbnail_buffer(buf, len, &amp;out, width, "size", DOWN, "option_string", "fail_on=truncated", "export_profile", "srgb", NULL)</c>:
    /// shrink-on-load, EXIF auto-rotation, and, with an export profile, ICC import (embedded profile) and
    /// export. Pass null for <paramref name="exportProfileName"/> to end the option list there instead.
    /// The result is lazy and refers to <paramref name="buffer"/>.
    /// </summary>
    /// <remarks>
    /// Load options go in <c>option_string</c>: 8.14's thumbnail_buffer does not forward its own
    /// <c>fail_on</c> property to the loader (checked here: a half JPEG then decodes, padded with grey),
    /// but it does pass the option string. libvips stops reading options at the first null name, so a
    /// null <paramref name="exportProfileName"/> is a terminator and what follows it is ignored.
    /// </remarks>
    [LibraryImport(Vips, EntryPoint = "vips_thumbnail_buffer", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ThumbnailBuffer(IntPtr buffer, nuint length, out VipsImageHandle output, int width,
        string sizeName, int size, string optionStringName, string optionString, string? exportProfileName, string? exportProfile,
        IntPtr terminator);

    /// <summary><c>vips_thumbnail_image(in, &amp;out, width, "size", DOWN, "no_rotate", TRUE, NULL)</c>: a further reduction of an already decoded, upright image.</summary>
    [LibraryImport(Vips, EntryPoint = "vips_thumbnail_image", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ThumbnailImage(VipsImageHandle input, out VipsImageHandle output, int width,
        string sizeName, int size, string noRotateName, int noRotate, IntPtr terminator);

    /// <summary>
    /// <c>vips_thumbnail_image(in, &amp;out, width, "size", DOWN, "export_profile", "srgb", NULL)</c>: the same
    /// reduction, orientation and colour handling as <see cref="ThumbnailBuffer"/>, for an image already in
    /// memory (pixels decoded outside libvips). Pass null for <paramref name="exportProfileName"/> to end the
    /// option list there instead.
    /// </summary>
    [LibraryImport(Vips, EntryPoint = "vips_thumbnail_image", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ThumbnailImage(VipsImageHandle input, out VipsImageHandle output, int width,
        string sizeName, int size, string? exportProfileName, string? exportProfile, IntPtr terminator);

    /// <summary>
    /// <c>vips_image_new_from_memory(data, size, width, height, bands, format)</c> (not variadic): an image over
    /// <paramref name="data"/>, which is neither copied nor freed by libvips, so it must outlive the image and
    /// everything computed from it. Null on failure.
    /// </summary>
    [LibraryImport(Vips, EntryPoint = "vips_image_new_from_memory")]
    internal static partial VipsImageHandle ImageNewFromMemory(IntPtr data, nuint size, int width, int height, int bands, int format);

    /// <summary><c>vips_copy(in, &amp;out, "interpretation", interpretation, NULL)</c>: the same pixels, relabelled (no copy is made).</summary>
    [LibraryImport(Vips, EntryPoint = "vips_copy", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int CopyWithInterpretation(VipsImageHandle input, out VipsImageHandle output,
        string interpretationName, int interpretation, IntPtr terminator);

    /// <summary><c>vips_extract_area(in, &amp;out, left, top, width, height, NULL)</c>: a window onto the image, computed lazily.</summary>
    [LibraryImport(Vips, EntryPoint = "vips_extract_area")]
    internal static partial int ExtractArea(VipsImageHandle input, out VipsImageHandle output, int left, int top, int width, int height, IntPtr terminator);

    /// <summary><c>vips_join(in1, in2, &amp;out, VIPS_DIRECTION_VERTICAL, NULL)</c>: <paramref name="upper"/> above <paramref name="lower"/>.</summary>
    [LibraryImport(Vips, EntryPoint = "vips_join")]
    internal static partial int Join(VipsImageHandle upper, VipsImageHandle lower, out VipsImageHandle output, int direction, IntPtr terminator);

    /// <summary>VipsDirection: VIPS_DIRECTION_VERTICAL.</summary>
    internal const int DirectionVertical = 1;

    /// <summary><c>vips_colourspace(in, &amp;out, space, NULL)</c>.</summary>
    [LibraryImport(Vips, EntryPoint = "vips_colourspace")]
    internal static partial int Colourspace(VipsImageHandle input, out VipsImageHandle output, int space, IntPtr terminator);

    /// <summary><c>vips_cast(in, &amp;out, format, NULL)</c>.</summary>
    [LibraryImport(Vips, EntryPoint = "vips_cast")]
    internal static partial int Cast(VipsImageHandle input, out VipsImageHandle output, int format, IntPtr terminator);

    /// <summary>Evaluates the image into a new memory image (a new reference; the input is untouched). Null on failure.</summary>
    [LibraryImport(Vips, EntryPoint = "vips_image_copy_memory")]
    internal static partial VipsImageHandle ImageCopyMemory(VipsImageHandle image);

    // --- saving -------------------------------------------------------------------------------------------

    /// <summary><c>vips_image_write_to_buffer(in, ".webp[Q=80,strip]", &amp;buf, &amp;len, NULL)</c>. The buffer is <c>g_malloc</c>ed: free with <see cref="GFree"/>.</summary>
    [LibraryImport(Vips, EntryPoint = "vips_image_write_to_buffer", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ImageWriteToBuffer(VipsImageHandle image, string suffix, out IntPtr buffer, out nuint length,
        IntPtr terminator);

    // --- header fields ------------------------------------------------------------------------------------

    [LibraryImport(Vips, EntryPoint = "vips_image_get_width")]
    internal static partial int ImageGetWidth(VipsImageHandle image);

    [LibraryImport(Vips, EntryPoint = "vips_image_get_height")]
    internal static partial int ImageGetHeight(VipsImageHandle image);

    [LibraryImport(Vips, EntryPoint = "vips_image_get_bands")]
    internal static partial int ImageGetBands(VipsImageHandle image);

    [LibraryImport(Vips, EntryPoint = "vips_image_get_format")]
    internal static partial int ImageGetFormat(VipsImageHandle image);

    [LibraryImport(Vips, EntryPoint = "vips_image_get_interpretation")]
    internal static partial int ImageGetInterpretation(VipsImageHandle image);

    /// <summary>The GType of a metadata field, or 0 when the image has none (and, unlike the getters, sets no error).</summary>
    [LibraryImport(Vips, EntryPoint = "vips_image_get_typeof", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nuint ImageGetTypeof(VipsImageHandle image, string name);

    /// <summary>A string field; the result belongs to the image. Returns 0 on success.</summary>
    [LibraryImport(Vips, EntryPoint = "vips_image_get_string", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ImageGetString(VipsImageHandle image, string name, out IntPtr value);

    /// <summary>An int field. Returns 0 on success.</summary>
    [LibraryImport(Vips, EntryPoint = "vips_image_get_int", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ImageGetInt(VipsImageHandle image, string name, out int value);

    [LibraryImport(Vips, EntryPoint = "vips_image_set_int", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void ImageSetInt(VipsImageHandle image, string name, int value);

    /// <summary>A blob field (an ICC profile, EXIF); the bytes belong to the image. Returns 0 on success.</summary>
    [LibraryImport(Vips, EntryPoint = "vips_image_get_blob", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int ImageGetBlob(VipsImageHandle image, string name, out IntPtr data, out nuint length);

    /// <summary>Attaches a copy of <paramref name="length"/> bytes at <paramref name="data"/> as a blob field.</summary>
    [LibraryImport(Vips, EntryPoint = "vips_image_set_blob_copy", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void ImageSetBlobCopy(VipsImageHandle image, string name, IntPtr data, nuint length);

    /// <summary>
    /// The pixels of an image, evaluating it into memory first if it is not already there. Only used on memory
    /// images here, where it returns their buffer without computing anything. Null on failure.
    /// </summary>
    [LibraryImport(Vips, EntryPoint = "vips_image_get_data")]
    internal static partial IntPtr ImageGetData(VipsImageHandle image);

    // --- GLib / GObject -----------------------------------------------------------------------------------

    [LibraryImport(GObject, EntryPoint = "g_object_unref")]
    internal static partial void GObjectUnref(IntPtr instance);

    [LibraryImport(GObject, EntryPoint = "g_type_from_name", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nuint GTypeFromName(string name);

    [LibraryImport(GLib, EntryPoint = "g_free")]
    internal static partial void GFree(IntPtr memory);

    /// <summary><c>g_log_set_handler(domain, levels, func, user_data)</c>; <paramref name="handler"/> is an unmanaged <c>GLogFunc</c>.</summary>
    [LibraryImport(GLib, EntryPoint = "g_log_set_handler", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint GLogSetHandler(string domain, int levels, IntPtr handler, IntPtr userData);
}
