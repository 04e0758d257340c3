using System.Globalization;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Infrastructure.Imaging.Jpeg;
using AbParts.Infrastructure.Imaging.Native;
using AbParts.Infrastructure.Imaging.Png;
using AbParts.Infrastructure.Imaging.Webp;
using Microsoft.Extensions.Logging;

namespace AbParts.Infrastructure.Imaging;

/// <summary>
/// <see cref="IImageProcessor"/> on Debian's libvips 8.14 (ADR 0006). One call: size check → loader
/// sniffing against the allow-list → header-only pixel check → one shrink-on-load decode
/// (<c>vips_thumbnail_buffer</c>: EXIF rotation, sRGB, first page only; for the PNGs <see cref="Png.PngDecoder"/>
/// supports, decoded in managed code, ADR 0014, and for YCbCr JPEGs, decoded by libjpeg, progressive ones
/// on two cores, ADR 0015, then reduced with <c>vips_thumbnail_image</c> on two cores) into memory →
/// WebP down the quality ladder and, at the same time on another core, the thumbnails, each down the same ladder.
/// </summary>
/// <remarks>
/// Thread-safe. Native work runs on the thread pool, at most <see cref="Environment.ProcessorCount"/>
/// images at once process-wide; cancellation is honoured until the work starts and between its steps.
/// </remarks>
public sealed class VipsImageProcessor : IImageProcessor
{
    /// <summary>What the 415 messages say we accept.</summary>
    public const string AcceptedFormats = "JPEG, PNG, WebP, GIF, TIFF, HEIC/HEIF or AVIF";

    /// <summary>
    /// How fast we assume WebP size falls per quality point when skipping rungs of the ladder: size(q) ≈
    /// size(q₀)·e^(−k·(q₀−q)). Measured here on the wallpaper photographs at 1024 px, the real fall is
    /// about 0.01–0.03 per point (85 → 40 roughly halves the size), so 0.04 is optimistic: a rung is
    /// skipped only when even this forecast says it cannot fit, and the best quality that fits is never missed.
    /// </summary>
    internal const double OptimisticShrinkPerQualityPoint = 0.04;

    private readonly ILogger _logger;

    /// <summary>Initialises libvips on first construction (once per process) and routes its warnings to the <c>AbParts.Infrastructure.Imaging.LibVips</c> log category.</summary>
    /// <exception cref="InvalidOperationException">libvips is not installed or fails to start.</exception>
    public VipsImageProcessor(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger<VipsImageProcessor>();
        VipsRuntime.EnsureInitialized(loggerFactory.CreateLogger("AbParts.Infrastructure.Imaging.LibVips"));
    }

    /// <summary>
    /// Whether JPEGs are decoded by libjpeg directly (ADR 0015: progressive ones on two cores, sequential ones
    /// in one pass, both reduced on two cores); off, libvips decodes them. The output is the same either way;
    /// tests compare the two.
    /// </summary>
    internal bool DecodeJpegsWithLibjpeg { get; init; } = true;

    /// <summary>
    /// Whether 8-bit RGB(A) images are encoded by libwebp directly, with its second thread (ADR 0015); off,
    /// by libvips' <c>webpsave</c>. The bytes are the same either way; tests compare the two.
    /// </summary>
    internal bool EncodeWebpWithLibwebp { get; init; } = true;

    public async Task<ProcessedImage> ProcessAsync(ReadOnlyMemory<byte> input, ImageOptions options, CancellationToken cancellationToken)
    {
        var plan = Plan.From(options) with { EncodeWithLibwebp = EncodeWebpWithLibwebp };
        if (input.Length > options.MaxInputBytes)
        {
            throw new PayloadTooLargeException(string.Create(CultureInfo.InvariantCulture,
                $"The image is {input.Length:N0} bytes; uploads may be at most {options.MaxInputBytes:N0} bytes."));
        }

        if (input.IsEmpty)
        {
            throw new UnsupportedMediaException($"The file is empty. Upload an image: {AcceptedFormats}.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        await VipsRuntime.Gate.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() => Process(input, plan, cancellationToken), cancellationToken);
        }
        finally
        {
            VipsRuntime.Gate.Release();
        }
    }

    private ProcessedImage Process(ReadOnlyMemory<byte> input, Plan plan, CancellationToken cancellationToken)
    {
        // Pinned for the whole call: libvips reads the upload in place, lazily, until ToMemory.
        using var pin = input.Pin();
        var buffer = Address(pin);
        VipsRuntime.ForgetThreadWarnings();
        var length = (nuint)input.Length;

        var loader = VipsImage.FindLoader(buffer, length);
        if (loader is null || !VipsRuntime.TrustedBufferLoaders.TryGetValue(loader, out var format))
        {
            throw new UnsupportedMediaException(
                $"The file is not an image in a format we accept. Upload {AcceptedFormats}.");
        }

        var stage = "read";
        try
        {
            VipsImageHandle decoded;
            Header header;
            using (var opened = VipsImage.OpenHeader(buffer, length))
            {
                header = ReadHeader(opened, format, plan);
                cancellationToken.ThrowIfCancellationRequested();

                stage = "decoded";
                decoded = Decode(input, buffer, opened, header, plan);
            }

            using (decoded)
            {
                cancellationToken.ThrowIfCancellationRequested();

                stage = "encoded";
                var (image, quality, thumbnails) = EncodeAll(decoded, plan, cancellationToken);

                _logger.LogDebug("Processed a {Format} image ({Colour}) into {Image} at quality {Quality}", header.SourceFormat, header.Colour, image, quality);
                return new ProcessedImage(image, thumbnails, header.SourceFormat, quality);
            }
        }
        catch (VipsException e)
        {
            throw new UnprocessableMediaException(
                $"The {Describe(format)} image could not be {stage}: {e.Message}.", e);
        }
    }

    /// <summary>
    /// Reads the header of <paramref name="opened"/> (libvips has parsed nothing else) and refuses images over
    /// the pixel limit before any pixel is decoded.
    /// </summary>
    private static Header ReadHeader(VipsImageHandle opened, string format, Plan plan)
    {
        var width = VipsImage.Width(opened);
        var height = VipsImage.Height(opened); // one page: loaders open page 0 unless asked for more, and so does the decode
        var pixels = (long)width * height;
        if (pixels > plan.MaxInputPixels)
        {
            throw new UnprocessableMediaException(string.Create(CultureInfo.InvariantCulture,
                $"The image is {width}x{height} pixels ({pixels / 1e6:0.#} megapixels); at most {plan.MaxInputPixels:N0} pixels ({plan.MaxInputPixels / 1e6:0.#} megapixels) are accepted."));
        }

        var sourceFormat = format == "heif" && VipsImage.GetString(opened, "heif-compression") == "av1" ? "avif" : format;
        var profile = VipsImage.IccProfile(opened);
        return new Header(format, sourceFormat, ConvertThroughProfile: profile is not null && !IccProfiles.IsSrgb(profile),
            Colour: profile is null ? "no ICC profile" : IccProfiles.IsSrgb(profile) ? "sRGB profile recognised, not converted" : "converted through its ICC profile");
    }

    /// <summary>
    /// The one decode: shrink to the stored size, upright, 8-bit sRGB, alpha kept, evaluated into memory.
    /// PNGs that <see cref="PngDecoder"/> supports are decoded in managed code and shrunk from memory
    /// (ADR 0014); everything else, including every PNG it declines, is decoded by libvips with shrink-on-load.
    /// </summary>
    /// <remarks>
    /// Both paths end in <c>vips_thumbnail</c> with the same options. At full size they give the same pixels;
    /// when the decoder has already halved a large image, as libvips' JPEG loader does, within a level or two.
    /// Colour goes through the ICC path (<c>export_profile=srgb</c>) only when the image embeds a profile
    /// other than sRGB's (Adobe RGB, Display P3, a CMYK press profile); for the sRGB profile cameras and
    /// editors embed, that transform moves no colour by more than one level (<see cref="IccProfiles"/>), and
    /// skipping it saves about 8 ms on a photograph. Without a profile, 8.14's thumbnail would go sRGB → XYZ
    /// (libvips' formulas) → sRGB (lcms) and shift saturated colours, e.g. pure blue (0,0,254) to
    /// (84,15,253); libvips' colourspace conversion is exact there and uses its built-in CMYK profile for CMYK.
    /// </remarks>
    private VipsImageHandle Decode(ReadOnlyMemory<byte> input, IntPtr buffer, VipsImageHandle opened, Header header, Plan plan)
    {
        using var pixels = DecodeOutsideLibvips(input, opened, header, plan);
        if (pixels is null)
        {
            using var thumbnail = VipsImage.Thumbnail(buffer, (nuint)input.Length, plan.MaxDimension, viaEmbeddedProfile: header.ConvertThroughProfile);
            return ToSrgb8InMemory(thumbnail);
        }

        // vips_resize block-shrinks first when the image is to shrink 4× or more (it leaves its Lanczos step at
        // most 2×); that step reads top to bottom with a line cache, so it stays one pipeline
        var blockShrinks = Math.Max(pixels.Width, pixels.Height) >= 4L * plan.MaxDimension;
        VipsImageHandle decoded;
        using (var image = VipsImage.FromPixels(pixels, opened, readSequentially: blockShrinks))
        {
            decoded = blockShrinks
                ? ReduceRows(image, plan.MaxDimension, header.ConvertThroughProfile, 0, null)
                : ReduceOnTwoCores(image, plan.MaxDimension, header.ConvertThroughProfile);
        }

        if (VipsImage.IsBackedBy(decoded, pixels))
        {
            decoded.Dispose();
            throw new InvalidOperationException("libvips returned the decoded pixels themselves instead of a copy; they are about to be freed.");
        }

        return decoded; // a copy: the pixels can go
    }

    /// <summary>
    /// <see cref="VipsImage.ThumbnailOf"/> for an image decoded outside libvips, evaluated into memory as two
    /// halves of the output, each by its own pipeline on its own core, then stacked. libvips 8.14 can only
    /// set its thread count process-wide, and more than one thread per image makes its loaders' answers to
    /// damaged files vary (ADR 0015); here the pixels are already decoded and checked, so nothing can fail
    /// halfway, and every output row is computed exactly as the single pipeline would compute it.
    /// </summary>
    private static VipsImageHandle ReduceOnTwoCores(VipsImageHandle image, int maxDimension, bool viaEmbeddedProfile)
    {
        int height;
        using (var whole = VipsImage.ThumbnailOf(image, maxDimension, viaEmbeddedProfile))
        {
            height = VipsImage.Height(whole); // only its size: nothing is computed
        }

        if (height < 2)
        {
            return ReduceRows(image, maxDimension, viaEmbeddedProfile, 0, null);
        }

        var middle = height / 2;
        VipsImageHandle? upper = null;
        VipsImageHandle? lower = null;
        try
        {
            OnTwoCores(
                () => upper = ReduceRows(image, maxDimension, viaEmbeddedProfile, 0, middle),
                () => lower = ReduceRows(image, maxDimension, viaEmbeddedProfile, middle, height - middle),
                CancellationToken.None);
            using var stacked = VipsImage.Stack(upper!, lower!);
            return VipsImage.ToMemory(stacked);
        }
        finally
        {
            upper?.Dispose();
            lower?.Dispose();
        }
    }

    /// <summary>Rows <paramref name="top"/> to <paramref name="top"/> + <paramref name="count"/> (all rows when null) of the reduced image, in memory.</summary>
    private static VipsImageHandle ReduceRows(VipsImageHandle image, int maxDimension, bool viaEmbeddedProfile, int top, int? count)
    {
        using var thumbnail = VipsImage.ThumbnailOf(image, maxDimension, viaEmbeddedProfile);
        if (count is not { } rowCount)
        {
            return ToSrgb8InMemory(thumbnail);
        }

        using var rows = VipsImage.Rows(thumbnail, top, rowCount);
        return ToSrgb8InMemory(rows);
    }

    /// <summary>
    /// The pixels of the formats decoded outside libvips, or null for libvips to decode: another format, a
    /// kind the decoder does not support, or a file it finds malformed (libvips then gives its own error).
    /// PNGs are decoded in managed code (ADR 0014), YCbCr JPEGs by libjpeg, progressive ones on two cores
    /// when a core is idle (ADR 0015). Only pixels that agree with libvips' reading of the header (size,
    /// bands) are used.
    /// </summary>
    private DecodedPixels? DecodeOutsideLibvips(ReadOnlyMemory<byte> input, VipsImageHandle opened, Header header, Plan plan)
    {
        var width = VipsImage.Width(opened);
        var height = VipsImage.Height(opened);
        var (pixels, expectedSize) = header.Format switch
        {
            "png" when ShrinkOnLoad(width, height, plan.MaxDimension) is var shrink =>
                (PngDecoder.TryDecode(input, plan.MaxInputPixels, shrink), BoxShrinker.OutputSize(width, height, shrink)),
            "jpeg" when DecodeJpegsWithLibjpeg && JpegShrinkOnLoad(width, height, plan.MaxDimension) is var scale =>
                ((ACoreIsIdle ? ParallelJpegDecoder.TryDecode(input.Span, scale, _logger) : null)
                    ?? SequentialJpegDecoder.TryDecode(input.Span, width, height, scale, _logger),
                    (Math.Max(1, width / scale), Math.Max(1, height / scale))),
            _ => (null, (0, 0)),
        };
        if (pixels is not null && ((pixels.Width, pixels.Height) != expectedSize
            || pixels.Bands != VipsImage.Bands(opened) || VipsImage.Format(opened) != VipsNative.FormatUChar))
        {
            pixels.Dispose();
            return null;
        }

        return pixels;
    }

    /// <summary>
    /// How much a decoder may shrink on the way (shrink-on-load): by 2 when the image is to shrink at least 4×.
    /// <c>vips_resize</c> would itself first block-shrink such an image by ⌊shrink ÷ 2⌋ (it leaves its Lanczos
    /// step at least 2×: <c>gap</c> = 2), so its Lanczos step then sees what it would have seen, give or take a
    /// rounding; the same rule libvips applies to JPEG's shrink-on-load.
    /// </summary>
    private static int ShrinkOnLoad(int width, int height, int maxDimension) =>
        Math.Max(width, height) >= 2L * BoxShrinker.Factor * maxDimension ? BoxShrinker.Factor : 1;

    /// <summary>
    /// Whether another image could start now (a slot of the gate is free): only then does a progressive JPEG
    /// take a second core and a second 88 MB of coefficients for its decoding. Under load every core already
    /// has an image, so the split would cost memory and gain nothing; libvips decodes the file instead.
    /// </summary>
    private static bool ACoreIsIdle => VipsRuntime.Gate.CurrentCount > 0;

    /// <summary>
    /// The shrink-on-load scale libvips' thumbnail picks for a JPEG (1, 2, 4 or 8): the largest that still
    /// leaves a factor of two for its Lanczos step. The two-core decoder uses the same, so the pixels match.
    /// </summary>
    internal static int JpegShrinkOnLoad(int width, int height, int maxDimension)
    {
        var shrink = Math.Max(width, height) / (double)maxDimension;
        return shrink >= 16 ? 8 : shrink >= 8 ? 4 : shrink >= 4 ? 2 : 1;
    }

    /// <summary>Evaluates the thumbnail into memory as 8-bit sRGB (3 or 4 bands), converting what it leaves in another space (grey, 16-bit).</summary>
    private static VipsImageHandle ToSrgb8InMemory(VipsImageHandle thumbnail)
    {
        if (VipsImage.Format(thumbnail) == VipsNative.FormatUChar && VipsImage.Bands(thumbnail) is 3 or 4
            && VipsImage.Interpretation(thumbnail) == VipsNative.InterpretationSrgb)
        {
            return VipsImage.ToMemory(thumbnail);
        }

        using var srgb = VipsImage.ToSrgb8(thumbnail);
        return VipsImage.ToMemory(srgb);
    }

    /// <summary>
    /// The stored WebP and the thumbnails, on two cores at once: they only read the decoded image. An upload
    /// on an idle machine finishes sooner; under load the work is the same, and the gate still bounds how
    /// many images are in flight.
    /// </summary>
    private static (EncodedImage Image, int Quality, Dictionary<int, EncodedImage> Thumbnails) EncodeAll(
        VipsImageHandle decoded, Plan plan, CancellationToken cancellationToken)
    {
        EncodedImage? image = null;
        var quality = 0;
        Dictionary<int, EncodedImage> thumbnails = [];
        OnTwoCores(
            () => (image, quality) = Encode(decoded, plan, "image"),
            () => thumbnails = Thumbnails(decoded, plan, cancellationToken),
            cancellationToken);
        return (image!, quality, thumbnails); // both ran to the end
    }

    /// <summary>Runs both at once (the caller's thread takes one); a failure is rethrown as the first of them, as if they had run one after the other.</summary>
    private static void OnTwoCores(Action first, Action second, CancellationToken cancellationToken)
    {
        try
        {
            Parallel.Invoke(new ParallelOptions { CancellationToken = cancellationToken }, first, second);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>
    /// Each thumbnail shrunk from the next larger one (1024 → 300 → 200 → 100: every step at most about
    /// 3.4×, which Lanczos handles without visible loss) and encoded down the ladder.
    /// </summary>
    private static Dictionary<int, EncodedImage> Thumbnails(VipsImageHandle decoded, Plan plan, CancellationToken cancellationToken)
    {
        var thumbnails = new Dictionary<int, EncodedImage>();
        VipsImageHandle? previous = null;
        try
        {
            foreach (var size in plan.ThumbnailSizes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var lazy = VipsImage.Shrink(previous ?? decoded, size);
                var small = VipsImage.ToMemory(lazy);
                previous?.Dispose();
                previous = small;
                thumbnails[size] = Encode(small, plan, $"{size} px thumbnail").Image;
            }
        }
        finally
        {
            previous?.Dispose();
        }

        return thumbnails;
    }

    /// <summary>WebP at the first quality of the ladder that fits the byte budget, skipping rungs an optimistic forecast rules out.</summary>
    private static (EncodedImage Image, int Quality) Encode(VipsImageHandle image, Plan plan, string what)
    {
        var width = VipsImage.Width(image);
        var height = VipsImage.Height(image);
        var rung = 0;
        while (true)
        {
            var quality = plan.Ladder[rung];
            var bytes = plan.EncodeWithLibwebp && WebpEncoder.CanEncode(image)
                ? WebpEncoder.Encode(image, quality, plan.Effort)
                : WebpContainer.StripMetadata(VipsImage.EncodeWebp(image, quality, plan.Effort));
            if (bytes.Length <= plan.MaxBytes)
            {
                return (new EncodedImage(bytes, width, height), quality);
            }

            if (rung == plan.Ladder.Count - 1)
            {
                throw new UnprocessableMediaException(string.Create(CultureInfo.InvariantCulture,
                    $"The {what} ({width}x{height}) cannot be compressed to {plan.MaxBytes:N0} bytes: at WebP quality {quality}, the lowest allowed, it is still {bytes.Length:N0} bytes. Upload a smaller or simpler image."));
            }

            rung = NextRung(plan.Ladder, rung, bytes.Length, plan.MaxBytes);
        }
    }

    /// <summary>The next rung worth encoding after <paramref name="current"/> produced <paramref name="size"/> bytes: the first whose optimistic forecast fits, else the last.</summary>
    internal static int NextRung(IReadOnlyList<int> ladder, int current, long size, long budget)
    {
        for (var next = current + 1; next < ladder.Count; next++)
        {
            if (size * Math.Exp(-OptimisticShrinkPerQualityPoint * (ladder[current] - ladder[next])) <= budget)
            {
                return next;
            }
        }

        return ladder.Count - 1;
    }

    private static unsafe IntPtr Address(System.Buffers.MemoryHandle pin) => (IntPtr)pin.Pointer;

    private static string Describe(string format) => format switch
    {
        "jpeg" => "JPEG",
        "png" => "PNG",
        "webp" => "WebP",
        "gif" => "GIF",
        "tiff" => "TIFF",
        _ => "HEIF/AVIF",
    };

    /// <summary>What the header says: the format libvips sniffed, the one we report (AVIF is a HEIF), and whether an ICC profile is embedded.</summary>
    /// <param name="ConvertThroughProfile">The image embeds an ICC profile other than sRGB's (<see cref="IccProfiles.IsSrgb"/>).</param>
    /// <param name="Colour">How colour is handled, for the log.</param>
    private sealed record Header(string Format, string SourceFormat, bool ConvertThroughProfile, string Colour);

    /// <summary>The options, checked once per call: a ladder from best to worst quality, distinct positive sizes from largest to smallest.</summary>
    private sealed record Plan(int MaxBytes, int MaxDimension, IReadOnlyList<int> Ladder, IReadOnlyList<int> ThumbnailSizes, long MaxInputPixels, int Effort)
    {
        /// <summary>See <see cref="EncodeWebpWithLibwebp"/>.</summary>
        public bool EncodeWithLibwebp { get; init; } = true;

        public static Plan From(ImageOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxBytes, nameof(options) + "." + nameof(options.MaxBytes));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxDimension, nameof(options) + "." + nameof(options.MaxDimension));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxInputPixels, nameof(options) + "." + nameof(options.MaxInputPixels));
            ArgumentNullException.ThrowIfNull(options.QualityLadder);
            ArgumentNullException.ThrowIfNull(options.ThumbnailSizes);
            if (options.QualityLadder.Count == 0 || options.QualityLadder.Any(q => q is < 1 or > 100))
            {
                throw new ArgumentException("The quality ladder needs at least one quality between 1 and 100.", nameof(options));
            }

            ArgumentOutOfRangeException.ThrowIfNegative(options.WebpEffort, nameof(options) + "." + nameof(options.WebpEffort));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(options.WebpEffort, 6, nameof(options) + "." + nameof(options.WebpEffort));
            if (options.ThumbnailSizes.Any(s => s <= 0))
            {
                throw new ArgumentException("Thumbnail sizes must be positive.", nameof(options));
            }

            return new Plan(options.MaxBytes, options.MaxDimension,
                [.. options.QualityLadder.Distinct().OrderDescending()],
                [.. options.ThumbnailSizes.Distinct().OrderDescending()],
                options.MaxInputPixels,
                options.WebpEffort);
        }
    }
}
