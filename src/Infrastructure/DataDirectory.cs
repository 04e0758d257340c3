using Microsoft.Extensions.Configuration;

namespace AbParts.Infrastructure;

/// <summary>
/// Where this instance keeps its local state (private PostgreSQL cluster, video files, generated
/// secrets): <c>ABPARTS_DATA_DIR</c>, default <c>.data</c> under the current directory.
/// </summary>
public static class DataDirectory
{
    public const string ConfigurationKey = "ABPARTS_DATA_DIR";

    public static string Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[ConfigurationKey];
        return Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? ".data" : configured);
    }

    /// <summary>
    /// Reads the secret stored under <paramref name="name"/> in the data directory, creating it with
    /// 64 random bytes (owner-only permissions) on first use, so restarts keep issued tokens valid.
    /// </summary>
    public static string LoadOrCreateSecret(IConfiguration configuration, string name)
    {
        var folder = Path.Combine(Resolve(configuration), "secrets");
        var path = Path.Combine(folder, name);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(folder);
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, options))
        {
            writer.Write(secret);
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
            return secret;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary); // another instance sharing the data directory won the race: use its secret
            return File.ReadAllText(path).Trim();
        }
    }
}
