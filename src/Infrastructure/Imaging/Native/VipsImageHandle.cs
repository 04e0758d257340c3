using Microsoft.Win32.SafeHandles;

namespace AbParts.Infrastructure.Imaging.Native;

/// <summary>
/// One reference to a <c>VipsImage</c>. Disposing it (or finalization, if a path forgot) calls
/// <c>g_object_unref</c> exactly once; a null handle from a failed call releases nothing.
/// </summary>
internal sealed class VipsImageHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Called by the P/Invoke marshaller for returned and <c>out</c> images.</summary>
    public VipsImageHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        VipsNative.GObjectUnref(handle);
        return true;
    }
}
