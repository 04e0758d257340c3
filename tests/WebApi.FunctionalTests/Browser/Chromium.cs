using Microsoft.Playwright;

namespace AbParts.WebApi.FunctionalTests.Browser;

/// <summary>
/// Debian's Chromium (installed by ./build/test.sh), headless, driven by Playwright's driver from the NuGet package:
/// one browser for the whole run, a fresh context (cookies, storage, cache) for each test (ADR 0032).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Longest any one auto-waiting assertion or action waits: generous on two busy cores, never a sleep.</summary>
    public const float TimeoutMilliseconds = 20_000;

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Where each test's full-page screenshot lands: <c>screenshots/</c> beside the test assembly.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"{ExecutablePath} is missing. The browser tests drive Debian's Chromium: run them through ./build/test.sh, " +
                "which installs it (apt-get install chromium); Playwright's own browser download is not used.");
        }

        Assertions.SetDefaultExpectTimeout(TimeoutMilliseconds);
        Directory.CreateDirectory(ScreenshotFolder);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Chromium refuses to start its sandbox as root, and CI runs as root: --no-sandbox.
            ChromiumSandbox = false,
            // A container's /dev/shm may be 64 MB; renderers then share memory through /tmp instead.
            Args = ["--disable-dev-shm-usage"],
        });
    }

    /// <summary>
    /// A new context and page on <paramref name="api"/>, at <paramref name="width"/> CSS pixels (390: a phone, laid out
    /// by its viewport meta tag and touch as a phone is); its screenshots are named after <paramref name="name"/>.
    /// </summary>
    internal async Task<ConsoleSession> OpenAsync(ApiFixture api, string name, int width = 1280)
    {
        ArgumentNullException.ThrowIfNull(api);
        var phone = width < 600;
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = api.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = phone ? 844 : 800 },
            IsMobile = phone,
            HasTouch = phone,
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(TimeoutMilliseconds);
        return new ConsoleSession(context, await context.NewPageAsync(), name);
    }

    /// <summary>A new user of <paramref name="role"/>, signed in through the form of a new session (<see cref="OpenAsync"/>).</summary>
    internal async Task<ConsoleSession> SignedInAsync(ApiFixture api, string name, string role, int width = 1280)
    {
        var account = await api.AccountAsync(role);
        var session = await OpenAsync(api, name, width);
        await session.SignInAsync(account);
        return session;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>The browser tests: the service of their own (an <see cref="ApiFixture"/> of this collection) and one Chromium.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleTestGroup : ICollectionFixture<ApiFixture>, ICollectionFixture<Chromium>
{
    public const string Name = "console";
}
