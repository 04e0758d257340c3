using AbParts.Infrastructure.IntegrationTests.Video;
using AbParts.Infrastructure.Processes;

namespace AbParts.Infrastructure.IntegrationTests.Processes;

/// <summary>The one runner of command-line programs (ffprobe, ffmpeg, pg_dump, pg_restore), on /bin/sh.</summary>
public sealed class ChildProcessTests
{
    [Fact]
    public async Task KeepsOnlyTheEndOfAStderrLongerThanItsBound()
    {
        var run = Shell("i=0; while [ $i -lt 2000 ]; do echo \"line $i\" >&2; i=$((i+1)); done; exit 4") with
        {
            MaxErrorBytes = 1024,
        };

        var result = await ChildProcess.RunAsync(run, CancellationToken.None);

        result.ExitCode.Should().Be(4);
        result.Errors.Length.Should().BeLessThanOrEqualTo(1024);
        result.Errors.Should().EndWith("line 1999\n").And.NotContain("line 5\n");
    }

    [Fact]
    public async Task KillsTheWholeProcessTreeWhenStdoutPassesItsBound()
    {
        var marker = $"abparts-chatty-{Guid.NewGuid():N}";
        var run = Shell($"yes {marker}; true") with { MaxOutputBytes = 4 * 1024 };

        var running = () => ChildProcess.RunAsync(run, CancellationToken.None);

        await running.Should().ThrowAsync<ChildProcessLimitException>().WithMessage("sh printed more than 4 KiB");
        VideoSamples.ProcessesMentioning(marker).Should().BeEmpty("the shell and its child are killed and reaped");
    }

    [Fact]
    public async Task GivesTheChildTheEnvironmentItsCallerMade()
    {
        var run = Shell("printf '%s %s' \"${HOME-unset}\" \"$ABPARTS_CHILD_MARK\"") with
        {
            Environment = environment =>
            {
                environment.Remove("HOME");
                environment["ABPARTS_CHILD_MARK"] = "set";
            },
        };

        var result = await ChildProcess.RunAsync(run, CancellationToken.None);

        System.Text.Encoding.UTF8.GetString(result.Output).Should().Be("unset set");
    }

    private static ChildProcessStart Shell(string script) => new("/bin/sh", ["-c", script]);
}
