using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using AbParts.Application.Backups;
using AbParts.Application.Common.Exceptions;
using AbParts.Domain.Media;

namespace AbParts.Infrastructure.Backup;

/// <summary>
/// Backups as folders under a parent folder, one per run, named <c>abparts-&lt;UTC time&gt;</c> (<c>-2</c>, <c>-3</c>… when
/// two start in the same second): <c>database.dump</c>, <c>objects/&lt;key&gt;</c> for each video-store object, and
/// <c>manifest.json</c>, written last. The folder is private to its owner (0700): it holds every password hash and
/// file of the service. Every file is flushed to disk before the manifest is written.
/// </summary>
internal sealed partial class FileSystemBackupFolders : IBackupFolders
{
    public const string ManifestName = "manifest.json";
    public const string DumpName = "database.dump";
    public const string ObjectsFolder = "objects";
    private const string TimeFormat = "yyyyMMdd'T'HHmmss'Z'";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = true,
    };

    public IBackupWriter Create(string parent, DateTimeOffset createdAt)
    {
        var root = Path.GetFullPath(parent);
        Directory.CreateDirectory(root);
        var stem = $"abparts-{createdAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}";
        for (var attempt = 1; ; attempt++)
        {
            var path = Path.Combine(root, attempt == 1 ? stem : $"{stem}-{attempt}");
            if (Directory.Exists(path))
            {
                continue;
            }

            CreatePrivateDirectory(path);
            try
            {
                // Claims the folder: of two runs that created it at the same moment, only one creates this file.
                new FileStream(Path.Combine(path, DumpName), FileMode.CreateNew, FileAccess.Write).Dispose();
                return new Writer(path);
            }
            catch (IOException) when (File.Exists(Path.Combine(path, DumpName)))
            {
                // Another run took this name first: try the next.
            }
        }
    }

    public IReadOnlyList<BackupListing> List(string parent)
    {
        var root = new DirectoryInfo(Path.GetFullPath(parent));
        if (!root.Exists)
        {
            return [];
        }

        return root.EnumerateDirectories()
            .Where(d => d.LinkTarget is null)
            .Select(d => (Folder: d, Match: BackupName().Match(d.Name)))
            .Where(d => d.Match.Success)
            .Select(d => (Listing: new BackupListing(d.Folder.FullName, d.Folder.Name,
                    DateTimeOffset.ParseExact(d.Match.Groups["time"].Value, TimeFormat, CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                    File.Exists(Path.Combine(d.Folder.FullName, ManifestName))),
                Sequence: d.Match.Groups["sequence"].Success
                    ? int.Parse(d.Match.Groups["sequence"].Value, CultureInfo.InvariantCulture)
                    : 1))
            .OrderByDescending(b => b.Listing.CreatedAt).ThenByDescending(b => b.Sequence)
            .Select(b => b.Listing)
            .ToList();
    }

    public IBackupReader Open(string path)
    {
        var full = Path.GetFullPath(path);
        if (!Directory.Exists(full))
        {
            throw new NotFoundException($"There is no backup at {full}: the folder does not exist.");
        }

        if (File.Exists(Path.Combine(full, ManifestName)))
        {
            return Reader.Load(full);
        }

        if (BackupName().IsMatch(Path.GetFileName(full)))
        {
            throw new NotFoundException(
                $"{full} is an incomplete backup: it has no {ManifestName}, so its creation did not finish. Choose another one.");
        }

        var newest = List(full).FirstOrDefault(b => b.Complete)
                     ?? throw new NotFoundException(
                         $"{full} holds no complete backup (a folder named abparts-<UTC time> with a {ManifestName}).");
        return Reader.Load(newest.Path);
    }

    public void Delete(BackupListing backup)
    {
        ArgumentNullException.ThrowIfNull(backup);
        var folder = new DirectoryInfo(backup.Path);
        if (!BackupName().IsMatch(folder.Name) || folder.LinkTarget is not null)
        {
            throw new InvalidOperationException($"{backup.Path} is not a backup folder; it was left alone.");
        }

        folder.Delete(recursive: true);
    }

    /// <summary>The file of an object, refusing a key that is not a service-made key (which could leave the folder).</summary>
    private static string ObjectPath(string backup, string key)
    {
        if (!StorageLocation.IsValidKey(key))
        {
            throw new ArgumentException($"'{key}' is not a valid storage key.", nameof(key));
        }

        var objects = Path.Combine(backup, ObjectsFolder);
        var path = Path.GetFullPath(Path.Combine(objects, key));
        return path.StartsWith(objects + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException($"'{key}' leaves the backup's folder.", nameof(key));
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [GeneratedRegex(@"^abparts-(?<time>\d{8}T\d{6}Z)(-(?<sequence>[0-9]{1,6}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex BackupName();

    private sealed class Writer(string path) : IBackupWriter
    {
        private bool _complete;

        public string Path { get; } = path;

        public string DumpPath => System.IO.Path.Combine(Path, DumpName);

        public Stream ReadDump() => OpenRead(DumpPath);

        public Stream CreateObject(string key)
        {
            var file = ObjectPath(Path, key);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
            return new DurableFileStream(file);
        }

        public async Task CompleteAsync(BackupManifest manifest, CancellationToken cancellationToken)
        {
            var target = System.IO.Path.Combine(Path, ManifestName);
            var temporary = target + ".partial";
            await using (var file = new DurableFileStream(temporary))
            {
                await JsonSerializer.SerializeAsync(file, manifest, Json, cancellationToken);
            }

            File.Move(temporary, target, overwrite: false);
            _complete = true;
        }

        public void Dispose()
        {
            if (!_complete && Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
    }

    private sealed class Reader(string path, BackupManifest manifest) : IBackupReader
    {
        public string Path { get; } = path;

        public BackupManifest Manifest { get; } = manifest;

        public string DumpPath => System.IO.Path.Combine(Path, DumpName);

        public Stream? ReadDump() => File.Exists(DumpPath) ? OpenRead(DumpPath) : null;

        public Stream? ReadObject(string key)
        {
            var file = ObjectPath(Path, key);
            return File.Exists(file) ? OpenRead(file) : null;
        }

        public static Reader Load(string path)
        {
            var file = System.IO.Path.Combine(path, ManifestName);
            BackupManifest? manifest;
            try
            {
                manifest = JsonSerializer.Deserialize<BackupManifest>(File.ReadAllBytes(file), Json);
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"{file} cannot be read: {e.Message}", e);
            }

            if (manifest is null || manifest.Database is null || manifest.Objects is null)
            {
                throw new InvalidOperationException($"{file} is not a backup manifest.");
            }

            return manifest.Format == BackupManifest.CurrentFormat
                ? new Reader(path, manifest)
                : throw new InvalidOperationException(
                    $"{file} is of format {manifest.Format}; this version reads format {BackupManifest.CurrentFormat}.");
        }
    }

    private static FileStream OpenRead(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.Open,
        Access = FileAccess.Read,
        Share = FileShare.Read,
        Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
    });

    /// <summary>A new file that reaches the disk (fsync) before it is closed, so a manifest never promises lost bytes.</summary>
    private sealed class DurableFileStream(string path) : FileStream(path, new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        Options = FileOptions.Asynchronous,
    })
    {
        private bool _synced;

        public override async ValueTask DisposeAsync()
        {
            await SyncAsync();
            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_synced && CanWrite)
            {
                _synced = true;
                Flush(flushToDisk: true);
            }

            base.Dispose(disposing);
        }

        private async Task SyncAsync()
        {
            if (!_synced && CanWrite)
            {
                _synced = true;
                await FlushAsync();
                Flush(flushToDisk: true);
            }
        }
    }
}
