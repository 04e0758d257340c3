using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Behaviors;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Images;
using AbParts.Application.Parts;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Parts;
using AbParts.Domain.Videos;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.Options;
using ValidationException = AbParts.Application.Common.Exceptions.ValidationException;

namespace AbParts.Application.Videos;

/// <summary>What a video upload or read answers; the HTTP layer adds the stream and poster URLs.</summary>
public sealed record VideoDto(Guid Id, string Title, string? Description, string? Category, Guid? PartId,
    string? VideoType, long Size, string ContentType, double DurationSeconds, int Width, int Height,
    string Sha256, bool HasPoster, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static VideoDto From(VideoAsset video)
    {
        ArgumentNullException.ThrowIfNull(video);
        return new VideoDto(video.Id.Value, video.Title, video.Description, video.Category?.ToName(), video.PartId?.Value,
            video.VideoType?.ToName(), video.ByteSize, video.ContentType, video.DurationSeconds, video.Width, video.Height,
            video.Sha256.Value, video.PosterImageId is not null, video.CreatedAt, video.UpdatedAt);
    }
}

/// <summary>A support video (super admins): <paramref name="Category"/> is machine_setup, maintenance or troubleshooting.</summary>
public sealed record UploadSupportVideoCommand(string Title, string? Description, string Category, UploadedFile File)
    : IRequest<VideoDto>;

/// <summary>A part video (super admins): <paramref name="VideoType"/> is demo, installation or maintenance.</summary>
public sealed record UploadPartVideoCommand(Guid PartId, string Title, string? Description, string VideoType, UploadedFile File)
    : IRequest<VideoDto>;

public sealed class UploadSupportVideoValidator : AbstractValidator<UploadSupportVideoCommand>
{
    public UploadSupportVideoValidator()
    {
        RuleFor(c => c.Title).NotEmpty().Must(t => t?.Trim().Length > 0).WithMessage("'title' must not be blank.")
            .MaximumLength(VideoAsset.TitleMaxLength);
        RuleFor(c => c.Description).MaximumLength(VideoAsset.DescriptionMaxLength);
        RuleFor(c => c.Category).Must(c => VideoNames.TryParseCategory(c, out _))
            .WithMessage($"'category' must be one of: {string.Join(", ", VideoNames.Categories)}.");
    }
}

public sealed class UploadPartVideoValidator : AbstractValidator<UploadPartVideoCommand>
{
    public UploadPartVideoValidator()
    {
        RuleFor(c => c.Title).NotEmpty().Must(t => t?.Trim().Length > 0).WithMessage("'title' must not be blank.")
            .MaximumLength(VideoAsset.TitleMaxLength);
        RuleFor(c => c.Description).MaximumLength(VideoAsset.DescriptionMaxLength);
        RuleFor(c => c.VideoType).Must(t => VideoNames.TryParseVideoType(t, out _))
            .WithMessage($"'video_type' must be one of: {string.Join(", ", VideoNames.VideoTypes)}.");
    }
}

public sealed class UploadSupportVideoHandler(VideoStorage storage, IClock clock)
    : IRequestHandler<UploadSupportVideoCommand, VideoDto>
{
    public async Task<VideoDto> Handle(UploadSupportVideoCommand request, CancellationToken cancellationToken)
    {
        var category = VideoNames.ParseCategory(request.Category);
        var video = await storage.StoreAsync(request.File, (id, stored) =>
            VideoAsset.CreateSupportVideo(id, request.Title, request.Description, category, stored, clock.UtcNow),
            cancellationToken);
        return VideoDto.From(video);
    }
}

public sealed class UploadPartVideoHandler(VideoStorage storage, IRepository<Part> parts, IClock clock)
    : IRequestHandler<UploadPartVideoCommand, VideoDto>
{
    public async Task<VideoDto> Handle(UploadPartVideoCommand request, CancellationToken cancellationToken)
    {
        var type = VideoNames.ParseVideoType(request.VideoType);
        var part = new PartId(request.PartId);
        if (!await parts.AnyAsync(new PartByIdSpec(part), cancellationToken))
        {
            throw NotFoundException.For("Part", request.PartId);
        }

        var video = await storage.StoreAsync(request.File, (id, stored) =>
            VideoAsset.CreatePartVideo(id, part, request.Title, request.Description, type, stored, clock.UtcNow),
            cancellationToken);
        return VideoDto.From(video);
    }
}

/// <summary>
/// The steps of every video upload. First the media work, with no transaction or connection held: spool
/// within <see cref="VideoOptions.MaxBytes"/>, check the format by its first bytes and by extension, read its
/// facts with ffprobe, make the poster, and copy the bytes into the video store. Then one short transaction
/// writes the poster (an image in PostgreSQL) and the row; if it fails, the copied bytes are removed again
/// (ADR 0016).
/// </summary>
public sealed class VideoStorage(IUploadSpool spool, IVideoProbe probe, ImageStorage images, IMediaStores stores,
    StoragePolicy policy, IRepository<VideoAsset> videos, IUnitOfWork unitOfWork, IOptions<VideoOptions> options)
{
    public async Task<VideoAsset> StoreAsync(UploadedFile file, Func<VideoAssetId, StoredVideo, VideoAsset> describe,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(describe);
        var named = VideoFormat.FromFileName(file.FileName)
                    ?? throw new UnsupportedMediaException(
                        $"Upload a video file ending in {string.Join(", ", VideoFormat.All.Select(f => f.Extension))}.");
        if (file.Length > options.Value.MaxBytes)
        {
            throw TooLarge(options.Value.MaxBytes);
        }

        await using var spooled = await spool.SpoolAsync(file.Content, options.Value.MaxBytes, cancellationToken);
        if (spooled.Length == 0)
        {
            throw new UnprocessableMediaException("The file is empty.");
        }

        var format = VideoFormat.Detect(spooled.Header.Span);
        if (format is null || !format.SameFamilyAs(named))
        {
            throw new UnsupportedMediaException(
                $"The file's content is not a {named.Name.ToUpperInvariant()} video; accepted are MP4, MOV and WebM.");
        }

        var facts = await probe.ProbeAsync(spooled.Path, cancellationToken);
        var poster = await PosterAsync(spooled.Path, facts, cancellationToken);

        var (id, key) = VideoAsset.NewKey(format);
        var backend = policy.Choose(MediaKind.Video, spooled.Length);
        var store = stores.Resolve(backend);
        StoredMedia saved;
        await using (var content = spooled.OpenRead())
        {
            saved = await store.SaveAsync(key, content, format.ContentType, cancellationToken);
        }

        try
        {
            return await unitOfWork.InTransactionAsync(async () =>
            {
                var posterImage = await images.StoreAsync(poster, cancellationToken);
                var video = describe(id, new StoredVideo(format, saved.Size, ContentHash.Parse(saved.Sha256),
                    facts.DurationSeconds, facts.Width, facts.Height, StorageLocation.Create(backend, key), posterImage.Id));
                videos.Add(video);
                await unitOfWork.SaveChangesAsync(cancellationToken);
                return video;
            }, cancellationToken);
        }
        catch
        {
            await store.DeleteAsync(key, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// The poster, processed as an image upload is. Decoding a frame is also the check that the file holds pictures, not
    /// only an intact header (a file cut after its header probes fine): failing it refuses the upload (422).
    /// </summary>
    private async Task<ProcessedImage> PosterAsync(string path, VideoFacts facts, CancellationToken cancellationToken)
    {
        var jpeg = await probe.PosterAsync(path, facts, cancellationToken);
        return await images.ProcessAsync(new UploadedFile("poster.jpg", jpeg.Length, new MemoryStream(jpeg)), cancellationToken);
    }

    private static PayloadTooLargeException TooLarge(long limit) =>
        new($"The video is larger than {limit:N0} bytes, the limit.");
}
