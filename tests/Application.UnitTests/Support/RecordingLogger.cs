using Microsoft.Extensions.Logging;

namespace AbParts.Application.UnitTests.Support;

/// <summary>A logger that keeps every entry: its level, rendered message and structured values.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<LogEntry> _entries = [];

    public IReadOnlyList<LogEntry> Entries => _entries;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var values = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
        _entries.Add(new LogEntry(logLevel, formatter(state, exception),
            values.Select(v => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "")
                .ToList(),
            exception));
    }
}

public sealed record LogEntry(LogLevel Level, string Message, IReadOnlyList<string> Values, Exception? Exception);
