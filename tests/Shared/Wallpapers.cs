namespace AbParts.Tests.Support;

/// <summary>Real photographs from Debian's plasma-workspace-wallpapers, which ./build/test.sh installs.</summary>
public static class Wallpapers
{
    /// <summary>5120x2880 progressive JPEG, 4:4:4 chroma.</summary>
    public static string FlowJpeg => Require("Flow/contents/images/5120x2880.jpg");

    /// <summary>5120x2880 baseline JPEG, 4:2:0 chroma, a detailed scene (large WebP).</summary>
    /// <summary>A progressive 4:4:4 JPEG whose scan script codes each component's DC on its own.</summary>
    public static string VolnaJpeg => Require("Volna/contents/images/5120x2880.jpg");

    public static string SafeLandingJpeg => Require("SafeLanding/contents/images/5120x2880.jpg");

    /// <summary>5120x2880 RGB PNG.</summary>
    public static string AltaiPng => Require("Altai/contents/images/5120x2880.png");

    /// <summary>1080x1920 (portrait) RGB PNG.</summary>
    public static string AltaiPortraitPng => Require("Altai/contents/images/1080x1920.png");

    /// <summary>2560x1600 JPEG photograph.</summary>
    public static string PathJpeg => Require("Path/contents/images/2560x1600.jpg");

    /// <summary>2560x1600 progressive JPEG (the file name is not its size).</summary>
    public static string AutumnJpeg => Require("Autumn/contents/images/1920x1080.jpg");

    private static string Require(string relative)
    {
        var path = Path.Combine("/usr/share/wallpapers", relative);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException(
                $"The test photograph {path} is missing. Install Debian's plasma-workspace-wallpapers " +
                "(./build/test.sh does: apt-get install plasma-workspace-wallpapers).");
    }
}
