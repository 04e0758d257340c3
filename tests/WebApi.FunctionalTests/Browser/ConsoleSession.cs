using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AbParts.WebApi.FunctionalTests.Browser;

/// <summary>
/// One test's browser context and page on the web console, with the steps every test takes: sign in through the
/// form, follow a navigation link, and save a full-page screenshot. Elements are found by role, label or alt text
/// only, as a screen reader finds them.
/// </summary>
internal sealed class ConsoleSession(IBrowserContext context, IPage page, string name) : IAsyncDisposable
{
    private bool _screenshotTaken;

    public IPage Page { get; } = page;

    /// <summary>Who signed in through <see cref="SignInAsync(UserAccounts.Account)"/>.</summary>
    public UserAccounts.Account Account { get; private set; } = null!;

    /// <summary>The page's one <c>h1</c>.</summary>
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    /// <summary>The element that shows the API's errors.</summary>
    public ILocator Alert => Page.GetByRole(AriaRole.Alert);

    public ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public ILocator Link(string name) => Page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    public ILocator Labelled(string label) => Page.GetByLabel(label, new() { Exact = true });

    public ILocator Image(string alt) => Page.GetByAltText(alt, new() { Exact = true });

    /// <summary>Opens the console, signs in through its form and waits for the default page, Profile.</summary>
    public async Task SignInAsync(string username, string password)
    {
        await Page.GotoAsync("/");
        await Labelled("Username").FillAsync(username);
        await Labelled("Password").FillAsync(password);
        await Button("Sign in").ClickAsync();
        await Expect(Heading).ToHaveTextAsync("My profile photo");
    }

    public async Task SignInAsync(UserAccounts.Account account)
    {
        ArgumentNullException.ThrowIfNull(account);
        await SignInAsync(account.Username, UserAccounts.Password);
        Account = account;
    }

    /// <summary>Follows the navigation link <paramref name="link"/> and waits for the page's heading.</summary>
    public async Task GoToAsync(string link, string heading)
    {
        await Page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
        await Expect(Heading).ToHaveTextAsync(heading);
    }

    /// <summary>Waits until the image has loaded and returns its decoded width (0 for an image the browser could not decode).</summary>
    public static async Task<int> DecodedWidthAsync(ILocator image)
    {
        ArgumentNullException.ThrowIfNull(image);
        await Expect(image).ToHaveJSPropertyAsync("complete", true);
        return await image.EvaluateAsync<int>("img => img.naturalWidth");
    }

    /// <summary>The <c>detail</c> of the ProblemDetails body the browser received.</summary>
    public static async Task<string> ProblemDetailAsync(IResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        (await response.HeaderValueAsync("content-type")).Should().StartWith("application/problem+json");
        var body = await response.JsonAsync();
        return body!.Value.GetProperty("detail").GetString()!;
    }

    /// <summary>
    /// How far the page reaches sideways (<c>document.documentElement.scrollWidth</c>: at most the viewport's width when
    /// nothing overflows), and the outermost elements whose right edge passes <paramref name="screenWidth"/>, to say where.
    /// </summary>
    public async Task<(int ScrollWidth, string Overflowing)> WidthAsync(int screenWidth)
    {
        var width = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        var overflowing = await Page.EvaluateAsync<string[]>("""
            screen => [...document.body.querySelectorAll('*')]
                .filter(e => e.getBoundingClientRect().right > screen + 0.5
                    && !(e.parentElement && e.parentElement.getBoundingClientRect().right > screen + 0.5))
                .map(e => `${e.tagName.toLowerCase()}${e.className ? '.' + String(e.className).replaceAll(' ', '.') : ''}`
                    + ` (right edge ${Math.round(e.getBoundingClientRect().right)} px)`)
            """, screenWidth);
        return (width, string.Join(", ", overflowing));
    }

    /// <summary>Saves the whole page as <c>screenshots/NAME.png</c> (NAME-SUFFIX.png when several are taken).</summary>
    public async Task ScreenshotAsync(string? suffix = null)
    {
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = PathOf(suffix), FullPage = true });
        _screenshotTaken = true;
    }

    /// <summary>
    /// Closes the context. A test that ended before its screenshot (it failed) leaves NAME-failed.png showing where it
    /// stopped; that screenshot is a diagnosis only, so a browser that cannot take it any more does not hide the failure.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!_screenshotTaken)
        {
            try
            {
                await Page.ScreenshotAsync(new PageScreenshotOptions { Path = PathOf("failed"), FullPage = true, Timeout = 5_000 });
            }
            catch (PlaywrightException)
            {
                // The test's own exception is the one reported.
            }
        }

        await context.CloseAsync();
    }

    private string PathOf(string? suffix) =>
        Path.Combine(Chromium.ScreenshotFolder, suffix is null ? $"{name}.png" : $"{name}-{suffix}.png");
}
