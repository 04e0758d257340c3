using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AbParts.Tests.Support;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>
/// The service in a process of its own, started as <c>build/run.sh</c> starts it, on the database, data folder
/// and keys of an <see cref="ApiFixture"/> (or a data folder of its own): for what only a real process shows, such as
/// its signals and restarts, or its disk filling up.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    /// <summary>Bounds every wait on the process; none is expected to come near it.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(1);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>What the process printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the service and returns once <c>/health/ready</c> answers 200.</summary>
    /// <param name="environment">Variables that differ from the fixture's, such as another data directory.</param>
    public static async Task<ServiceProcess> StartAsync(ApiFixture api, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServiceExecutable.Path);
        foreach (var (name, value) in api.VerbEnvironment().Concat(environment ?? new Dictionary<string, string>()))
        {
            start.Environment[name] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/');
        start.Environment.Remove("ASPNETCORE_TEMP"); // this process's, set by ApiFixture: the service chooses its own
        var process = Process.Start(start) ?? throw new InvalidOperationException("The service did not start.");
        var service = new ServiceProcess(process, baseAddress);
        process.OutputDataReceived += (_, line) => service.Append(line.Data);
        process.ErrorDataReceived += (_, line) => service.Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await service.WaitForReadinessAsync(HttpStatusCode.OK);
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }

        return service;
    }

    /// <summary>
    /// What the process printed after the first <paramref name="start"/> characters of <see cref="Output"/>, once it holds
    /// <paramref name="text"/> or a minute has passed: a log line is written a moment after the answer it explains.
    /// </summary>
    public async Task<string> OutputAfterAsync(int start, string text)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var output = Output[start..];
            if (output.Contains(text, StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                return output;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Sends SIGTERM, as a service manager stopping the service does.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        kill.ExitCode.Should().Be(0, "SIGTERM was sent");
    }

    /// <summary>Kills the process with SIGKILL, as a crash or the OOM killer would, and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await WaitForExitAsync();
    }

    /// <summary>Waits until <c>/health/ready</c> answers <paramref name="status"/>, polling it, at most a minute.</summary>
    public async Task WaitForReadinessAsync(HttpStatusCode status)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode}:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.StatusCode == status)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // not listening yet, or too busy starting to answer within the poll's timeout
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"/health/ready did not answer {(int)status} within {Bound}:{Environment.NewLine}{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits for the process to exit, at most a minute; its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(Bound);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
