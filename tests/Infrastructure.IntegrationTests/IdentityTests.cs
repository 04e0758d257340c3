using AbParts.Application.Common.Abstractions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.Infrastructure.IntegrationTests;

public sealed class PasswordHasherTests
{
    private readonly IPasswordHasher _hasher = new ServiceCollection().AddLogging()
        .AddInfrastructure(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["ConnectionStrings:Default"] = "Host=unused" }).Build())
        .BuildServiceProvider().GetRequiredService<IPasswordHasher>();

    [Fact]
    public void HashIsSaltedAndNeverThePassword()
    {
        var first = _hasher.Hash("correct horse battery");
        var second = _hasher.Hash("correct horse battery");

        first.Should().NotContain("correct horse battery").And.NotBe(second);
    }

    [Fact]
    public void VerifyAcceptsTheRightPasswordAndRefusesAWrongOne()
    {
        var hash = _hasher.Hash("correct horse battery");

        _hasher.Verify(hash, "correct horse battery").Should().Be(PasswordCheck.Success);
        _hasher.Verify(hash, "Correct horse battery").Should().Be(PasswordCheck.Failed);
    }

    [Fact]
    public void AStoredValueThatIsNotOneOfOurHashesNeverAuthenticates()
    {
        _hasher.Verify("not-base64!", "anything").Should().Be(PasswordCheck.Failed);
    }
}

public sealed class DataDirectoryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("abparts-data-").FullName;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void SecretIsCreatedOnceOwnerReadableOnlyAndReusedAfterwards()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [DataDirectory.ConfigurationKey] = _folder }).Build();

        var first = DataDirectory.LoadOrCreateSecret(configuration, "test-key");
        var second = DataDirectory.LoadOrCreateSecret(configuration, "test-key");

        second.Should().Be(first);
        Convert.FromBase64String(first).Should().HaveCount(64);
        File.GetUnixFileMode(Path.Combine(_folder, "secrets", "test-key"))
            .Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
