using Spectre.Console;

namespace AbParts.WebApi.Cli;

/// <summary>
/// What a long verb shows while it works and when it ends. Attached to a terminal: a Spectre.Console
/// progress bar and summary tables. Otherwise (a pipe, a log file, cron): plain lines, one per item, that
/// read the same in a log as on screen.
/// </summary>
public sealed class CliOutput : AbParts.Application.Common.Abstractions.IWorkProgress
{
    private CliOutput(bool interactive) => Interactive = interactive;

    public bool Interactive { get; }

    /// <summary>The output for this process: interactive only when standard output is a terminal.</summary>
    public static CliOutput ForConsole() =>
        new(!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive);

    /// <summary>Plain lines, whatever standard output is (for tests and <c>--plain</c>).</summary>
    public static CliOutput Plain() => new(interactive: false);

    public void Line(string text) => Console.WriteLine(text);

    /// <summary>
    /// Runs <paramref name="work"/> over <paramref name="total"/> items. The work calls the reporter once per
    /// item with a line about it: on a terminal the bar advances and shows it; otherwise the line is printed.
    /// </summary>
    public async Task<T> ProgressAsync<T>(string description, int total, Func<Action<string>, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!Interactive)
        {
            Console.WriteLine($"{description}: {total} item(s)");
            var done = 0;
            return await work(line => Console.WriteLine($"[{++done}/{total}] {line}"));
        }

        return await AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(total, 1));
                var result = await work(line =>
                {
                    task.Description = Markup.Escape($"{description}: {line}");
                    task.Increment(1);
                });
                task.Description = Markup.Escape(description);
                task.Value = task.MaxValue;
                return result;
            });
    }

    Task<T> AbParts.Application.Common.Abstractions.IWorkProgress.StepAsync<T>(string description, int total,
        Func<Action<string>, Task<T>> work) => ProgressAsync(description, total, work);

    /// <summary>A summary: a table on a terminal, otherwise a title line and one tab-separated line per row.</summary>
    public void Table(string title, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        if (!Interactive)
        {
            Console.WriteLine(title);
            Console.WriteLine(string.Join('\t', columns));
            foreach (var row in rows)
            {
                Console.WriteLine(string.Join('\t', row));
            }

            return;
        }

        var table = new Table().Title(Markup.Escape(title)).Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(Markup.Escape(column));
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }

        AnsiConsole.Write(table);
    }
}
