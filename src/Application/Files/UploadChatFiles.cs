using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Application.Common.Security;
using AbParts.Application.Images;
using AbParts.Domain.Files;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.Options;

namespace AbParts.Application.Files;

/// <summary>Stores the caller's chat files, all or none: one refused file refuses the request and nothing is kept.</summary>
public sealed record UploadChatFilesCommand(IReadOnlyList<UploadedFile> Files) : IRequest<IReadOnlyList<ChatFileDto>>;

public sealed class UploadChatFilesValidator : AbstractValidator<UploadChatFilesCommand>
{
    public UploadChatFilesValidator(IOptions<ChatFileOptions> options)
    {
        RuleFor(c => c.Files).NotEmpty().WithMessage("Send at least one 'file' field.")
            .Must(f => f.Count <= options.Value.MaxFilesPerRequest)
            .WithMessage($"Send at most {options.Value.MaxFilesPerRequest} files at once.")
            .OverridePropertyName("file");
    }
}

/// <summary>
/// First the media work, with no transaction held (ADR 0016): each file is spooled within
/// <see cref="ChatFileOptions.MaxFileBytes"/> and typed by its bytes (a name or declared type may only confirm
/// them); then each image is decoded in the image workers, which make its thumbnails. Originals larger than
/// <c>Images:MaxBytes</c> are copied into the video store. Then one transaction writes the small originals
/// and thumbnails into PostgreSQL and the rows; if anything fails, the copies are removed again.
/// </summary>
public sealed class UploadChatFilesHandler(IUploadSpool spool, ImageStorage images, IMediaStores stores,
    StoragePolicy policy, IRepository<ChatFile> files, IUnitOfWork unitOfWork, ICurrentUser currentUser,
    IOptions<ChatFileOptions> options, IClock clock) : IRequestHandler<UploadChatFilesCommand, IReadOnlyList<ChatFileDto>>
{
    public async Task<IReadOnlyList<ChatFileDto>> Handle(UploadChatFilesCommand request, CancellationToken cancellationToken)
    {
        var caller = currentUser.Caller ?? throw new ForbiddenAccessException();
        var prepared = new List<Prepared>(request.Files.Count);
        var copied = new List<(IMediaStore Store, string Key)>();
        try
        {
            // Every file is received and typed before any image job: one refused file costs no decoding.
            foreach (var file in request.Files)
            {
                prepared.Add(await ReceiveAsync(file, cancellationToken));
            }

            foreach (var file in prepared)
            {
                if (file.Type.IsImage)
                {
                    await using var image = file.Spooled.OpenRead();
                    file.Image = await images.ProcessAsync(new UploadedFile(file.Name, file.Spooled.Length, image), cancellationToken);
                }

                await using var original = file.Spooled.OpenRead();
                if (file.Backend == StorageBackend.Postgres)
                {
                    file.Bytes = new byte[file.Spooled.Length];
                    await original.ReadExactlyAsync(file.Bytes, cancellationToken);
                    continue;
                }

                var store = stores.Resolve(file.Backend);
                file.Saved = await store.SaveAsync(file.Key, original, file.Type.ContentType, cancellationToken);
                copied.Add((store, file.Key));
            }

            return await unitOfWork.InTransactionAsync(async () =>
            {
                var stored = new List<ChatFileDto>(prepared.Count);
                foreach (var file in prepared)
                {
                    var saved = file.Saved ?? await stores.Resolve(StorageBackend.Postgres)
                        .SaveAsync(file.Key, new MemoryStream(file.Bytes!, writable: false), file.Type.ContentType, cancellationToken);
                    var thumbnail = file.Image is null ? null : (ImageAssetId?)(await images.StoreAsync(file.Image, cancellationToken)).Id;
                    var chatFile = ChatFile.Create(file.Id, caller.UserId, file.Name, file.Type, saved.Size,
                        ContentHash.Parse(saved.Sha256), StorageLocation.Create(file.Backend, file.Key), thumbnail, clock.UtcNow);
                    files.Add(chatFile);
                    stored.Add(ChatFileDto.From(chatFile));
                }

                await unitOfWork.SaveChangesAsync(cancellationToken);
                return stored;
            }, cancellationToken);
        }
        catch
        {
            await RemoveCopiesAsync(copied);
            throw;
        }
        finally
        {
            foreach (var file in prepared)
            {
                await file.Spooled.DisposeAsync();
            }
        }
    }

    /// <summary>Spools the file within the per-file limit and recognises its type.</summary>
    private async Task<Prepared> ReceiveAsync(UploadedFile file, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxFileBytes;
        if (file.Length > limit)
        {
            throw TooLarge(file.FileName, limit);
        }

        SpooledFile spooled;
        try
        {
            spooled = await spool.SpoolAsync(file.Content, limit, cancellationToken);
        }
        catch (PayloadTooLargeException)
        {
            throw TooLarge(file.FileName, limit);
        }

        try
        {
            var type = Recognise(file, spooled);
            var (id, key) = ChatFile.NewKey(type);
            return new Prepared(spooled, id, key, file.FileName, type, policy.Choose(MediaKind.File, spooled.Length));
        }
        catch
        {
            await spooled.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Deletes the copies already made in the video store. One that cannot be deleted now is left to the orphan
    /// sweep: the client hears the upload's own failure, not the clean-up's.
    /// </summary>
    private static async Task RemoveCopiesAsync(List<(IMediaStore Store, string Key)> copied)
    {
        foreach (var (store, key) in copied)
        {
            try
            {
                await store.DeleteAsync(key, CancellationToken.None);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Left for the sweep (Storage:Sweep), which removes objects no row references.
            }
        }
    }

    /// <summary>The type the bytes announce; the client's name and declared type may only agree with it.</summary>
    private static ChatFileType Recognise(UploadedFile file, SpooledFile spooled)
    {
        if (spooled.Length == 0)
        {
            throw new UnprocessableMediaException($"The file '{ChatFile.CleanName(file.FileName)}' is empty.");
        }

        var type = ChatFileType.Detect(spooled.Header.Span, complete: spooled.Length <= spooled.Header.Length)
                   ?? throw new UnsupportedMediaException(
                       $"The content of '{ChatFile.CleanName(file.FileName)}' is not an accepted type. Accepted are JPEG, PNG, GIF, " +
                       "WebP, TIFF, HEIC/HEIF and AVIF images, PDF and plain UTF-8 text; executables, scripts, SVG and HTML are refused.");
        return type.MatchesClaim(file.FileName, file.ContentType)
            ? type
            : throw new UnsupportedMediaException(
                $"The file '{ChatFile.CleanName(file.FileName)}'" +
                (string.IsNullOrEmpty(file.ContentType) ? string.Empty : $", declared as '{file.ContentType}',") +
                $" has the content of a {type.Name.ToUpperInvariant()} file; its name and declared type must match the content.");
    }

    private static PayloadTooLargeException TooLarge(string? name, long limit) =>
        new($"The file '{ChatFile.CleanName(name)}' is larger than {limit:N0} bytes, the limit per file.");

    private sealed class Prepared(SpooledFile spooled, ChatFileId id, string key, string name, ChatFileType type,
        StorageBackend backend)
    {
        public SpooledFile Spooled { get; } = spooled;

        public ChatFileId Id { get; } = id;

        public string Key { get; } = key;

        public string Name { get; } = name;

        public ChatFileType Type { get; } = type;

        public StorageBackend Backend { get; } = backend;

        /// <summary>An image file's renditions, made in the image workers.</summary>
        public ProcessedImage? Image { get; set; }

        /// <summary>A small original's bytes, read before the transaction that writes them into PostgreSQL.</summary>
        public byte[]? Bytes { get; set; }

        /// <summary>A large original once copied into the video store.</summary>
        public StoredMedia? Saved { get; set; }
    }
}
