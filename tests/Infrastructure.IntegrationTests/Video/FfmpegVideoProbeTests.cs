using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Exceptions;
using AbParts.Infrastructure.Video;
using Microsoft.Extensions.Logging.Abstractions;

namespace AbParts.Infrastructure.IntegrationTests.Video;

/// <summary>The real ffprobe and ffmpeg on videos made by ffmpeg at test time, well-formed and hostile.</summary>
public sealed class FfmpegVideoProbeTests(VideoSamples samples) : IClassFixture<VideoSamples>
{
    private const string MovFamily = "mov,mp4,m4a,3gp,3g2,mj2";

    private readonly FfmpegVideoProbe _probe = new(NullLogger<FfmpegVideoProbe>.Instance, FfmpegTools.Debian);

    [Fact]
    public async Task ReadsDurationSizeAndCodecsOfAnMp4()
    {
        var path = samples.Mp4;

        var facts = await _probe.ProbeAsync(path, CancellationToken.None);

        facts.Should().BeEquivalentTo(new { Width = 640, Height = 360, VideoCodec = "h264", AudioCodec = "aac", Container = MovFamily });
        facts.DurationSeconds.Should().BeApproximately(3, 0.1);
    }

    [Fact]
    public async Task ReadsAWebm()
    {
        var path = samples.Webm;

        var facts = await _probe.ProbeAsync(path, CancellationToken.None);

        facts.Should().BeEquivalentTo(new { Width = 640, Height = 360, VideoCodec = "vp9", AudioCodec = "opus", Container = "matroska,webm" });
        facts.DurationSeconds.Should().BeApproximately(2, 0.1);
    }

    [Fact]
    public async Task ReadsAQuickTimeMov()
    {
        var path = samples.Mov;

        var facts = await _probe.ProbeAsync(path, CancellationToken.None);

        facts.Should().BeEquivalentTo(new { Width = 320, Height = 240, VideoCodec = "h264", AudioCodec = "aac", Container = MovFamily });
        facts.DurationSeconds.Should().BeApproximately(2, 0.1);
    }

    [Fact]
    public async Task ReportsNoAudioCodecForASilentVideo()
    {
        var path = samples.SilentMp4;

        var facts = await _probe.ProbeAsync(path, CancellationToken.None);

        facts.AudioCodec.Should().BeNull();
        facts.VideoCodec.Should().Be("h264");
    }

    [Fact]
    public async Task SwapsWidthAndHeightOfAVideoRotatedByAQuarterTurn()
    {
        var path = samples.RotatedMp4;

        var facts = await _probe.ProbeAsync(path, CancellationToken.None);

        facts.Width.Should().Be(360);
        facts.Height.Should().Be(640);
    }

    [Fact]
    public async Task ReadsAFileWhoseNameHasSpacesAndStartsWithADash()
    {
        var path = samples.DashAndSpacesMp4;

        var facts = await _probe.ProbeAsync(path, CancellationToken.None);

        facts.Should().BeEquivalentTo(new { Width = 640, Height = 360, VideoCodec = "h264", AudioCodec = "aac" });
    }

    [Fact]
    public async Task RejectsAnMp4TruncatedBeforeItsMoovAtomWithoutRevealingThePath()
    {
        var path = samples.TruncatedMp4;

        var probing = () => _probe.ProbeAsync(path, CancellationToken.None);

        var rejection = await probing.Should().ThrowAsync<UnprocessableMediaException>()
            .WithMessage("*moov atom not found*");
        rejection.Which.Message.Should().NotContain(samples.Folder).And.NotContain("truncated.mp4").And.NotContain("@ 0x")
            .And.NotContain("\n");
    }

    [Fact]
    public async Task ReadsTheHeaderOfAFaststartMp4TruncatedAfterIt()
    {
        var path = samples.TruncatedFaststartMp4;

        var facts = await _probe.ProbeAsync(path, CancellationToken.None);

        facts.DurationSeconds.Should().BeApproximately(3, 0.1, "ffprobe trusts the header, which survives the cut");
        facts.Width.Should().Be(640);
    }

    [Fact]
    public async Task RejectsTheFaststartMp4TruncatedAfterItsHeaderWhenMakingThePoster()
    {
        var path = samples.TruncatedFaststartMp4;
        var facts = await _probe.ProbeAsync(path, CancellationToken.None);

        var postering = () => _probe.PosterAsync(path, facts, CancellationToken.None);

        await postering.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("*no frame could be decoded at 1 s*");
    }

    [Fact]
    public async Task RejectsATextFileNamedMp4()
    {
        var path = samples.TextAsMp4;

        var probing = () => _probe.ProbeAsync(path, CancellationToken.None);

        await probing.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The video cannot be read: *");
    }

    [Fact]
    public async Task RejectsAnEmptyFile()
    {
        var path = samples.EmptyMp4;

        var probing = () => _probe.ProbeAsync(path, CancellationToken.None);

        await probing.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The video cannot be read: *");
    }

    [Fact]
    public async Task RejectsAnAudioFileBecauseItHasNoVideoStream()
    {
        var path = samples.AudioOnlyMp4;

        var probing = () => _probe.ProbeAsync(path, CancellationToken.None);

        await probing.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The file has no video stream.");
    }

    [Fact]
    public async Task DoesNotTakeCoverArtForAVideoStream()
    {
        var path = samples.AudioWithCoverArtMp4;

        var probing = () => _probe.ProbeAsync(path, CancellationToken.None);

        await probing.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The file has no video stream.");
    }

    [Fact]
    public async Task RejectsAContainerOtherThanMp4MovOrWebm()
    {
        var path = samples.TransportStreamAsMp4;

        var probing = () => _probe.ProbeAsync(path, CancellationToken.None);

        await probing.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("*container is not MP4, MOV or WebM*");
    }

    [Fact]
    public async Task MakesAJpegPosterOfTheVideo()
    {
        var facts = await _probe.ProbeAsync(samples.Mp4, CancellationToken.None);

        var poster = await _probe.PosterAsync(samples.Mp4, facts, CancellationToken.None);

        poster.Should().StartWith(new byte[] { 0xFF, 0xD8 });
        JpegHeader.Size(poster).Should().Be((640, 360));
        VideoSamples.FrameSize(samples.Save(poster, "poster.jpg")).Should().Be((640, 360));
    }

    [Fact]
    public async Task ShrinksThePosterOfAWideVideoTo1024PixelsWide()
    {
        var facts = await _probe.ProbeAsync(samples.ShortHdMp4, CancellationToken.None);

        var poster = await _probe.PosterAsync(samples.ShortHdMp4, facts, CancellationToken.None);

        JpegHeader.Size(poster).Should().Be((1024, 576));
    }

    [Fact]
    public async Task TakesThePosterOfAVideoShorterThanTwoSecondsFromItsMiddle()
    {
        var facts = await _probe.ProbeAsync(samples.ShortHdMp4, CancellationToken.None);

        var poster = await _probe.PosterAsync(samples.ShortHdMp4, facts, CancellationToken.None);

        facts.DurationSeconds.Should().BeLessThan(2, "at the usual 1 s mark a 1 s video has no frame left");
        poster.Should().StartWith(new byte[] { 0xFF, 0xD8 });
    }

    [Fact]
    public async Task MakesAnUprightPosterOfARotatedVideo()
    {
        var facts = await _probe.ProbeAsync(samples.RotatedMp4, CancellationToken.None);

        var poster = await _probe.PosterAsync(samples.RotatedMp4, facts, CancellationToken.None);

        JpegHeader.Size(poster).Should().Be((360, 640));
    }

    [Fact]
    public async Task MakesAPosterOfAWebm()
    {
        var facts = await _probe.ProbeAsync(samples.Webm, CancellationToken.None);

        var poster = await _probe.PosterAsync(samples.Webm, facts, CancellationToken.None);

        JpegHeader.Size(poster).Should().Be((640, 360));
    }

    [Fact]
    public async Task MakesAPosterOfAFileWhoseNameHasSpacesAndStartsWithADash()
    {
        var facts = await _probe.ProbeAsync(samples.DashAndSpacesMp4, CancellationToken.None);

        var poster = await _probe.PosterAsync(samples.DashAndSpacesMp4, facts, CancellationToken.None);

        JpegHeader.Size(poster).Should().Be((640, 360));
    }

    [Fact]
    public async Task RejectsAPosterOfATextFile()
    {
        var facts = new VideoFacts(3, 640, 360, "h264", null, MovFamily);

        var postering = () => _probe.PosterAsync(samples.TextAsMp4, facts, CancellationToken.None);

        await postering.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("The video cannot be read: *");
    }

    [Fact]
    public async Task TreatsAMissingFileAsOurBugRatherThanABadUpload()
    {
        var path = Path.Combine(samples.Folder, "never-stored.mp4");

        var probing = () => _probe.ProbeAsync(path, CancellationToken.None);

        await probing.Should().ThrowAsync<FileNotFoundException>();
    }

    [Fact]
    public async Task DoesNotStartWhenAlreadyCancelled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var probing = () => _probe.ProbeAsync(samples.Mp4, cancelled.Token);

        await probing.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task KillsARunningProbeWhenCancelled()
    {
        var fifo = samples.NewFifo();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var probing = () => _probe.ProbeAsync(fifo, cancellation.Token);

        await probing.Should().ThrowAsync<OperationCanceledException>();
        VideoSamples.ProcessesMentioning(fifo).Should().BeEmpty("the blocked ffprobe is killed and reaped");
    }

    [Fact]
    public async Task KillsAProbeThatOutlivesItsTimeout()
    {
        var fifo = samples.NewFifo();
        var impatient = new FfmpegVideoProbe(NullLogger<FfmpegVideoProbe>.Instance,
            FfmpegTools.Debian with { Timeout = TimeSpan.FromSeconds(1) });

        var probing = () => impatient.ProbeAsync(fifo, CancellationToken.None);

        await probing.Should().ThrowAsync<UnprocessableMediaException>().WithMessage("*did not finish within 1 s*");
        VideoSamples.ProcessesMentioning(fifo).Should().BeEmpty("the blocked ffprobe is killed and reaped");
    }

    [Fact]
    public async Task NamesTheDebianPackageWhenFfprobeIsMissing()
    {
        var withoutTools = new FfmpegVideoProbe(NullLogger<FfmpegVideoProbe>.Instance,
            FfmpegTools.Debian with { FfprobePath = "abparts-no-such-ffprobe" });

        var probing = () => withoutTools.ProbeAsync(samples.Mp4, CancellationToken.None);

        await probing.Should().ThrowAsync<InvalidOperationException>().WithMessage("*Debian's ffmpeg package*");
    }
}
