using System.Diagnostics;
using AbParts.Application.Common.Abstractions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// Times the image pipeline through its port, as an upload uses it: decode, orient, shrink, sRGB,
// WebP down the quality ladder, and the 100/200/300 px thumbnails. Prints one line per input:
// "<file> <median ms> <output bytes>". Usage: AbParts.Benchmarks <iterations> <file>...
if (args.Length < 2 || !int.TryParse(args[0], out var iterations) || iterations < 1)
{
    Console.Error.WriteLine("usage: AbParts.Benchmarks <iterations> <image>...");
    return 2;
}

var configuration = new ConfigurationBuilder()
    .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Default"] = "Host=unused" })
    .Build();
await using var services = new ServiceCollection().AddLogging().AddInfrastructure(configuration).BuildServiceProvider();
var processor = services.GetRequiredService<IImageProcessor>();
var options = new ImageOptions();

foreach (var path in args[1..])
{
    var input = await File.ReadAllBytesAsync(path);
    var warm = await processor.ProcessAsync(input, options, CancellationToken.None);
    var times = new List<double>();
    for (var i = 0; i < iterations; i++)
    {
        var started = Stopwatch.GetTimestamp();
        await processor.ProcessAsync(input, options, CancellationToken.None);
        times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    times.Sort();
    Console.WriteLine($"{Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(path))))}/" +
                      $"{Path.GetFileName(path)} {times[times.Count / 2]:F1} {warm.Image.Bytes.Length}");
}

return 0;
