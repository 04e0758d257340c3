using System.Diagnostics;
using AbParts.Application.Common.Abstractions;
using AbParts.Benchmarks.Soak;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NetVips;

// Run by build/bench.sh only.
//   AbParts.Benchmarks [--worker <AbParts.WebApi.dll>] <iterations> <file>...
//     Times IImageProcessor.ProcessAsync per input, as an upload uses it: the pipeline in process
//     (Images:Isolation = InProcess), or with --worker in one image worker process (Process isolation:
//     the pipeline plus the frames to and from the worker). Prints one line per input:
//     "<file> <median ms> <output bytes>".
//   AbParts.Benchmarks baseline-jpeg <in> <out>
//     Re-encodes a photograph as a camera would: baseline JPEG, quality 88, 4:2:0 chroma.
// Run by build/soak.sh:
//   AbParts.Benchmarks soak setup|load|verify …
//     Many simulated users against a running service on 127.0.0.1, then every acknowledged upload read back (SoakCommand).
if (args is ["soak", .. var soak])
{
    return await SoakCommand.RunAsync(soak);
}

if (args is ["baseline-jpeg", var source, var target])
{
    using var photograph = Image.NewFromFile(source, access: Enums.Access.Sequential);
    photograph.Jpegsave(target, q: 88, interlace: false, subsampleMode: Enums.ForeignSubsample.On);
    return 0;
}

string? worker = null;
if (args is ["--worker", var assembly, .. var rest])
{
    worker = Path.GetFullPath(assembly);
    args = rest;
}

if (args.Length < 2 || !int.TryParse(args[0], out var iterations) || iterations < 1)
{
    Console.Error.WriteLine("usage: AbParts.Benchmarks [--worker <AbParts.WebApi.dll>] <iterations> <image>...\n" +
                            "       AbParts.Benchmarks baseline-jpeg <in> <out>\n" + SoakCommand.Usage);
    return 2;
}

var settings = new Dictionary<string, string?> { ["ConnectionStrings:Default"] = "Host=unused" };
if (worker is null)
{
    settings["Images:Isolation"] = "InProcess";
}
else
{
    // One worker, so that every timed image goes to the worker the warm-up started.
    settings["Images:Isolation"] = "Process";
    settings["Images:Workers"] = "1";
    settings["Images:WorkerAssembly"] = worker;
}

var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
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
    var median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[(times.Count / 2) - 1] + times[times.Count / 2]) / 2;
    Console.WriteLine($"{Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(path))))}/" +
                      $"{Path.GetFileName(path)} {median:F1} {warm.Image.Bytes.Length}");
}

return 0;
