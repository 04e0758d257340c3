namespace AbParts.Tests.Support;

/// <summary>The checkout these tests were built in, found from their output folder: tests/&lt;Project&gt;/bin/&lt;Configuration&gt;/&lt;framework&gt;/.</summary>
public static class Checkout
{
    private static readonly DirectoryInfo Output = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    public static string Root { get; } = Output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;

    /// <summary>The build configuration the tests were built with (Release under ./build/test.sh).</summary>
    public static string Configuration => Output.Parent!.Name;

    public static string Framework => Output.Name;
}
