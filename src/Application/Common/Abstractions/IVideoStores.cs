using AbParts.Domain.Media;

namespace AbParts.Application.Common.Abstractions;

/// <summary>
/// The video stores the configuration describes, whichever one <c>Storage:Videos:Backend</c> names: the local store
/// (its folder has a default) and the S3 store when <c>Storage:Videos:S3:Bucket</c> is set. Moving objects between
/// them (<c>media sync</c>) needs both at once.
/// </summary>
public interface IVideoStores
{
    /// <summary>The store of <paramref name="backend"/>; <c>null</c> when it is not configured or is not a video store.</summary>
    IMediaStore? Find(StorageBackend backend);
}
