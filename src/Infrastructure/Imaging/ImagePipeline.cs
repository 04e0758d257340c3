using System.Globalization;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using NetVips;

namespace AbParts.Infrastructure.Imaging;

/// <summary>
/// The one image pipeline, on libvips through NetVips (ADR 0017): allow-listed loader → header checks →
/// <c>thumbnail_buffer</c> (shrink-on-load, EXIF rotation, never enlarged, sRGB only for a foreign
/// profile) into memory → WebP down the quality ladder, metadata dropped, alpha kept → thumbnails made
/// from that rendition. Runs in an image worker process (<see cref="ImageWorker"/>), or in process.
/// </summary>
/// <remarks>
/// Synchronous and CPU-bound: callers bound the concurrency. Throws the Application's media exceptions
/// (413, 415, 422) for anything wrong with the input; anything else is a fault of ours.
/// </remarks>
internal static class ImagePipeline
{
    /// <summary>What the 415 messages say we accept.</summary>
    public const string AcceptedFormats = "JPEG, PNG, WebP, GIF, TIFF, HEIC/HEIF or AVIF";

    /// <summary>
    /// How fast we assume WebP size falls per quality point when skipping rungs of the ladder:
    /// size(q) ≈ size(q₀)·e^(−k·(q₀−q)). Photographs fall by about 0.01–0.03 per point, so 0.04 is
    /// optimistic: a rung is skipped only when even this forecast says it cannot fit.
    /// </summary>
    internal const double OptimisticShrinkPerQualityPoint = 0.04;

    /// <summary>Buffer loaders we accept (what libvips' sniffer names), with the format we report.</summary>
    private static readonly Dictionary<string, string> Loaders = new(StringComparer.Ordinal)
    {
        ["VipsForeignLoadJpegBuffer"] = "jpeg",
        ["VipsForeignLoadPngBuffer"] = "png",
        ["VipsForeignLoadWebpBuffer"] = "webp",
        ["VipsForeignLoadNsgifBuffer"] = "gif",
        ["VipsForeignLoadTiffBuffer"] = "tiff",
        ["VipsForeignLoadHeifBuffer"] = "heif",
    };

    /// <summary>Truncated or damaged files fail instead of being padded with grey.</summary>
    private const Enums.FailOn FailOn = Enums.FailOn.Truncated;

    public static ProcessedImage Process(byte[] input, ImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        var plan = ImagePlan.From(options);
        CheckSize(input.Length, options.MaxInputBytes);
        LibVips.EnsureStarted();
        _ = LibVips.TakeWarnings(); // an earlier image's

        var format = Sniff(input);
        if (format == "jpeg" && JpegScans.Count(input, stopAfter: JpegScans.Limit + 1) > JpegScans.Limit)
        {
            throw new UnprocessableMediaException(
                $"The JPEG has more than {JpegScans.Limit} scans; no camera or encoder writes that many, and each costs a pass over the whole image. Re-save it with a common encoder.");
        }

        var stage = "read";
        try
        {
            var header = ReadHeader(input, plan, format);
            format = header.Format;

            stage = "decoded";
            using var rendition = Decode(input, plan, header);

            stage = "encoded";
            var (image, quality) = Encode(rendition, plan, "image");
            var thumbnails = new Dictionary<int, EncodedImage>();
            foreach (var size in plan.ThumbnailSizes)
            {
                using var small = rendition.ThumbnailImage(size, height: size, size: Enums.Size.Down);
                thumbnails[size] = Encode(small, plan, $"{size} px thumbnail").Image;
            }

            return new ProcessedImage(image, thumbnails, format, quality);
        }
        catch (VipsException e)
        {
            throw new UnprocessableMediaException($"The {Describe(format)} image could not be {stage}: {Reason(e)}", e);
        }
    }

    /// <summary>The empty and the too large are refused before libvips sees a byte.</summary>
    internal static void CheckSize(long length, long maxInputBytes)
    {
        if (length > maxInputBytes)
        {
            throw new PayloadTooLargeException(string.Create(CultureInfo.InvariantCulture,
                $"The image is {length:N0} bytes; uploads may be at most {maxInputBytes:N0} bytes."));
        }

        if (length == 0)
        {
            throw new UnsupportedMediaException($"The file is empty. Upload an image: {AcceptedFormats}.");
        }
    }

    /// <summary>The allow-list, by content: libvips' sniffer names the loader, and only ours pass.</summary>
    private static string Sniff(byte[] input)
    {
        var loader = Image.FindLoadBuffer(input);
        return loader is not null && Loaders.TryGetValue(loader, out var format)
            ? format
            : throw new UnsupportedMediaException($"The file is not an image in a format we accept. Upload {AcceptedFormats}.");
    }

    /// <summary>
    /// Opens the header only (no pixel is decoded), refuses images over the pixel limit, tells AVIF from
    /// HEIC, and answers whether colour must go through the embedded profile: only for a profile that is
    /// not sRGB, since the transform costs as much as the rest of the pipeline.
    /// </summary>
    private static Header ReadHeader(byte[] input, ImagePlan plan, string format)
    {
        using var header = Image.NewFromBuffer(input, access: Enums.Access.Sequential, failOn: FailOn);
        var pixels = (long)header.Width * header.Height;
        if (pixels > plan.MaxInputPixels)
        {
            throw new UnprocessableMediaException(string.Create(CultureInfo.InvariantCulture,
                $"The image is {header.Width}x{header.Height} pixels ({pixels / 1e6:0.#} megapixels); at most {plan.MaxInputPixels:N0} pixels ({plan.MaxInputPixels / 1e6:0.#} megapixels) are accepted."));
        }

        var compression = format == "heif" && header.Contains("heif-compression") ? header.Get("heif-compression") as string : null;
        var viaProfile = header.Contains("icc-profile-data") && !IccProfiles.IsSrgb((byte[])header.Get("icc-profile-data"));
        return new Header(compression == "av1" ? "avif" : format, viaProfile, Hevc: compression == "hevc");
    }

    /// <summary>The stored rendition: shrunk on load, upright, 8-bit sRGB (alpha kept), in memory.</summary>
    private static Image Decode(byte[] input, ImagePlan plan, Header header)
    {
        var outputProfile = header.ViaProfile ? "srgb" : null;
        using var thumbnail = header.Hevc
            ? ThumbnailOfHevc(input, plan.MaxDimension, outputProfile)
            : Image.ThumbnailBuffer(input, plan.MaxDimension, height: plan.MaxDimension, size: Enums.Size.Down,
                optionString: $"fail_on={FailOn.ToString().ToLowerInvariant()}", outputProfile: outputProfile);
        using var srgb = thumbnail.Interpretation == Enums.Interpretation.Srgb
            ? thumbnail.Copy()
            : thumbnail.Colourspace(Enums.Interpretation.Srgb);
        using var uchar = srgb.Format == Enums.BandFormat.Uchar ? srgb.Copy() : srgb.Cast(Enums.BandFormat.Uchar);
        return uchar.CopyMemory();
    }

    /// <summary>A HEIC decoded whole by libheif (already upright), then shrunk like any other image.</summary>
    private static Image ThumbnailOfHevc(byte[] input, int maxDimension, string? outputProfile)
    {
        using var decoded = HevcHeifDecoder.Decode(input);
        return decoded.ThumbnailImage(maxDimension, height: maxDimension, size: Enums.Size.Down, noRotate: true, outputProfile: outputProfile);
    }

    /// <summary>WebP at the first quality of the ladder that fits the byte budget, skipping rungs an optimistic forecast rules out.</summary>
    private static (EncodedImage Image, int Quality) Encode(Image image, ImagePlan plan, string what)
    {
        var rung = 0;
        while (true)
        {
            var quality = plan.Ladder[rung];
            var bytes = image.WebpsaveBuffer(q: quality, effort: plan.Effort, keep: Enums.ForeignKeep.None);
            if (bytes.Length <= plan.MaxBytes)
            {
                return (new EncodedImage(bytes, image.Width, image.Height), quality);
            }

            if (rung == plan.Ladder.Count - 1)
            {
                throw new UnprocessableMediaException(string.Create(CultureInfo.InvariantCulture,
                    $"The {what} ({image.Width}x{image.Height}) cannot be compressed to {plan.MaxBytes:N0} bytes: at WebP quality {quality}, the lowest allowed, it is still {bytes.Length:N0} bytes. Upload a smaller or simpler image."));
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

    /// <summary>libvips' error, with the warnings the loader gave before it (some loaders explain themselves only there).</summary>
    private static string Reason(VipsException e)
    {
        var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(LibVips.TakeWarnings())
            .Distinct(StringComparer.Ordinal)
            .Where(line => !line.StartsWith("unable to call", StringComparison.Ordinal));
        var reason = string.Join("; ", lines);
        return reason.Length == 0 ? "no details." : reason.TrimEnd('.') + ".";
    }

    private static string Describe(string format) => format switch
    {
        "jpeg" => "JPEG",
        "png" => "PNG",
        "webp" => "WebP",
        "gif" => "GIF",
        "tiff" => "TIFF",
        "avif" => "AVIF",
        _ => "HEIF",
    };
}

/// <summary>What the header says: the format we report (AVIF is a HEIF), whether colour goes through the embedded profile, whether libheif must decode it.</summary>
internal sealed record Header(string Format, bool ViaProfile, bool Hevc);

/// <summary>The options, checked once per call: a ladder from best to worst quality, distinct sizes from largest to smallest.</summary>
internal sealed record ImagePlan(int MaxBytes, int MaxDimension, IReadOnlyList<int> Ladder, IReadOnlyList<int> ThumbnailSizes,
    long MaxInputPixels, int Effort)
{
    public static ImagePlan From(ImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsWithinBuiltInLimits())
        {
            throw new ArgumentException(ImageOptions.LimitsRule, nameof(options));
        }

        return new ImagePlan(options.MaxBytes, options.MaxDimension,
            [.. options.QualityLadder.Distinct().OrderDescending()],
            [.. options.ThumbnailSizes.Distinct().OrderDescending()],
            options.MaxInputPixels, options.WebpEffort);
    }
}
