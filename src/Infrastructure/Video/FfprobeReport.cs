using System.Globalization;
using System.Text.Json;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;

namespace AbParts.Infrastructure.Video;

/// <summary>Reads the facts out of <c>ffprobe -print_format json -show_format -show_streams</c>.</summary>
internal static class FfprobeReport
{
    /// <exception cref="UnprocessableMediaException">No usable video stream, no duration, or not a report at all.</exception>
    public static VideoFacts Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new UnprocessableMediaException("The video cannot be read: ffprobe's report about it is not valid JSON.", e);
        }

        using (document)
        {
            var root = document.RootElement;
            var streams = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("streams", out var s) &&
                          s.ValueKind == JsonValueKind.Array
                ? s.EnumerateArray().ToList()
                : [];
            var format = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("format", out var f) &&
                         f.ValueKind == JsonValueKind.Object
                ? f
                : default;

            // Cover art in MP4/MOV is a "video" stream too; it is not the video.
            var video = streams.FirstOrDefault(x => Text(x, "codec_type") == "video" && !IsAttachedPicture(x));
            if (video.ValueKind != JsonValueKind.Object)
            {
                throw new UnprocessableMediaException("The file has no video stream.");
            }

            var codec = Text(video, "codec_name");
            if (string.IsNullOrWhiteSpace(codec))
            {
                throw new UnprocessableMediaException("The video stream's codec is not one ffprobe knows.");
            }

            var width = Number(video, "width") ?? 0;
            var height = Number(video, "height") ?? 0;
            if (width is < 1 or > int.MaxValue || height is < 1 or > int.MaxValue)
            {
                throw new UnprocessableMediaException("The video stream has no picture size.");
            }

            var duration = Positive(Number(format, "duration")) ?? Positive(Number(video, "duration"))
                ?? throw new UnprocessableMediaException("The video has no duration.");
            var container = Text(format, "format_name");
            if (string.IsNullOrWhiteSpace(container))
            {
                throw new UnprocessableMediaException("The video's container format is unknown.");
            }

            var audio = streams.FirstOrDefault(x => Text(x, "codec_type") == "audio");
            var audioCodec = audio.ValueKind == JsonValueKind.Object ? Text(audio, "codec_name") : null;

            // Phones record the sensor's landscape frame and a rotation to show it with; players show it turned.
            var quarterTurned = Rotation(video) is 90 or 270;
            return new VideoFacts(duration,
                (int)(quarterTurned ? height : width),
                (int)(quarterTurned ? width : height),
                codec, string.IsNullOrWhiteSpace(audioCodec) ? null : audioCodec, container);
        }
    }

    /// <summary>
    /// The display rotation in whole degrees, 0–359: from the display-matrix side data (ffprobe 5 and later print only
    /// that), else from the <c>rotate</c> tag older ffprobe versions print. The sign does not matter for the size.
    /// </summary>
    private static int Rotation(JsonElement video)
    {
        double? degrees = null;
        if (video.TryGetProperty("side_data_list", out var sideData) && sideData.ValueKind == JsonValueKind.Array)
        {
            degrees = sideData.EnumerateArray().Select(x => Number(x, "rotation")).FirstOrDefault(x => x is not null);
        }

        if (degrees is null && video.TryGetProperty("tags", out var tags))
        {
            degrees = Number(tags, "rotate");
        }

        var whole = (int)Math.Round(degrees ?? 0) % 360;
        return whole < 0 ? whole + 360 : whole;
    }

    private static bool IsAttachedPicture(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var disposition) && Number(disposition, "attached_pic") == 1;

    private static double? Positive(double? value) => value is > 0 && double.IsFinite(value.Value) ? value : null;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) &&
        value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>A number ffprobe printed either as a JSON number or as a string ("3.000000"); null for "N/A" or absent.</summary>
    private static double? Number(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDouble(out var number) && double.IsFinite(number) => number,
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture,
                out var parsed) && double.IsFinite(parsed) => parsed,
            _ => null,
        };
    }
}
