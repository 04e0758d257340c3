using System.Text.RegularExpressions;

namespace AbParts.Infrastructure.Video;

/// <summary>Turns what ffprobe or ffmpeg printed on stderr into one line fit for a client: no server paths, no addresses.</summary>
internal static partial class ToolErrors
{
    private const int MaxLength = 300;

    /// <summary>
    /// E.g. <c>[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5560b5f831c0] moov atom not found</c> and
    /// <c>file:/srv/media/tmp/ab12.mp4: Invalid data found when processing input</c> become
    /// <c>moov atom not found; Invalid data found when processing input</c>. Empty when nothing useful is left.
    /// </summary>
    public static string OneLine(string stderr, string fullPath)
    {
        var lines = new List<string>();
        foreach (var raw in stderr.Split('\n'))
        {
            var line = raw.Replace("file:" + fullPath, "input", StringComparison.Ordinal)
                .Replace(fullPath, "input", StringComparison.Ordinal);
            line = ContextPrefix().Replace(line, string.Empty);
            line = InputPrefix().Replace(line, string.Empty);
            line = AbsolutePath().Replace(line, "<path>");
            line = Whitespace().Replace(ControlCharacters().Replace(line, " "), " ").Trim().TrimEnd('.');
            if (line.Length > 0 && !lines.Contains(line, StringComparer.Ordinal))
            {
                lines.Add(line);
            }
        }

        var joined = string.Join("; ", lines);
        return joined.Length <= MaxLength ? joined : string.Concat(joined.AsSpan(0, MaxLength - 1), "…");
    }

    /// <summary>The log context ffmpeg puts before a message: <c>[mov,mp4,... @ 0x55f0c0]</c>, possibly several.</summary>
    [GeneratedRegex(@"^(\s*\[[^\]]*\])+\s*")]
    private static partial Regex ContextPrefix();

    /// <summary>The input's name (already replaced by "input") ffmpeg puts before a message about it.</summary>
    [GeneratedRegex(@"^input:\s*")]
    private static partial Regex InputPrefix();

    /// <summary>Any other absolute path, e.g. one a playlist referred to.</summary>
    [GeneratedRegex(@"(?<![\w/.])(file:)?/[^\s'"":,;]+")]
    private static partial Regex AbsolutePath();

    [GeneratedRegex(@"\p{C}")]
    private static partial Regex ControlCharacters();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
