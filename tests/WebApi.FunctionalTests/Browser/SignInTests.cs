using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AbParts.WebApi.FunctionalTests.Browser;

/// <summary>Signing in to the web console through its form, in Chromium, against the real service.</summary>
[Collection(ConsoleTestGroup.Name)]
public sealed class SignInTests(ApiFixture api, Chromium chromium)
{
    [Fact]
    public async Task SigningInThroughTheFormOpensTheProfilePageWithTheNavigation()
    {
        await using var console = await chromium.SignedInAsync(api, "sign-in", "user");

        var navigation = console.Page.GetByRole(AriaRole.Navigation);
        foreach (var link in new[] { "Profile", "Organization", "Parts", "Videos", "Chat files" })
        {
            await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = link, Exact = true })).ToBeVisibleAsync();
        }

        await Expect(console.Button("Sign out")).ToBeVisibleAsync();
        await Expect(console.Labelled("Profile photo")).ToBeVisibleAsync();
        console.Page.Url.Should().EndWith("#/profile");
        await console.ScreenshotAsync();
    }

    [Fact]
    public async Task AWrongPasswordShowsTheApisReasonAndSignsNobodyIn()
    {
        var user = await api.AccountAsync("user");
        await using var console = await chromium.OpenAsync(api, "sign-in-refused");
        await console.Page.GotoAsync("/");
        await console.Labelled("Username").FillAsync(user.Username);
        await console.Labelled("Password").FillAsync("not-the-password");

        var response = await console.Page.RunAndWaitForResponseAsync(() => console.Button("Sign in").ClickAsync(),
            r => r.Url.EndsWith("/auth/token", StringComparison.Ordinal));

        response.Status.Should().Be(401);
        await Expect(console.Alert).ToContainTextAsync(await ConsoleSession.ProblemDetailAsync(response));
        await Expect(console.Button("Sign in")).ToBeVisibleAsync();
        await Expect(console.Page.GetByRole(AriaRole.Navigation)).ToHaveCountAsync(0);
        await console.ScreenshotAsync();
    }

    [Fact]
    public async Task SigningOutReturnsToTheSignInForm()
    {
        await using var console = await chromium.SignedInAsync(api, "sign-out", "user");

        await console.Button("Sign out").ClickAsync();

        await Expect(console.Labelled("Username")).ToBeVisibleAsync();
        await Expect(console.Button("Sign out")).ToHaveCountAsync(0);
        await console.ScreenshotAsync();
    }
}
