namespace AbParts.WebApi.FunctionalTests.Faults;

/// <summary>
/// For each test, the service started afresh as its own process on <paramref name="api"/>'s database and store, once
/// the server the tests stop runs again, and a super admin's token for it.
/// </summary>
public abstract class OutageTestBase(ApiFixture api) : IAsyncLifetime
{
    protected ServiceProcess Service { get; private set; } = null!;

    protected string Token { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await StartServerAsync();
        Token = await api.SignInAsync(ApiFixture.SuperAdminUsername, ApiFixture.SuperAdminPassword);
        Service = await ServiceProcess.StartAsync(api);
    }

    public async Task DisposeAsync() => await Service.DisposeAsync();

    /// <summary>Starts the server the tests stop, unless it runs: a test that failed may have left it stopped.</summary>
    protected abstract Task StartServerAsync();

    protected Task<HeldUpload> HoldAsync(string path, MultipartFormDataContent form) =>
        OutageUploads.HoldAsync(Service.BaseAddress, Token, path, form);

    protected Task<HttpResponseMessage> PostAsync(string path, MultipartFormDataContent form) =>
        Service.PostAsync(Token, path, form);
}
