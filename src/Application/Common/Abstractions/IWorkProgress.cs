namespace AbParts.Application.Common.Abstractions;

/// <summary>
/// What a long use case shows while it works (a command-line verb: a progress bar on a terminal, plain lines
/// otherwise): steps of a known number of items, one line per item done.
/// </summary>
public interface IWorkProgress
{
    /// <summary>Runs <paramref name="work"/> over <paramref name="total"/> items; the work reports a line for each item it finishes.</summary>
    Task<T> StepAsync<T>(string description, int total, Func<Action<string>, Task<T>> work);
}

public static class WorkProgress
{
    /// <summary>Progress nobody watches: each step just runs.</summary>
    public static IWorkProgress None { get; } = new Unwatched();

    private sealed class Unwatched : IWorkProgress
    {
        public Task<T> StepAsync<T>(string description, int total, Func<Action<string>, Task<T>> work)
        {
            ArgumentNullException.ThrowIfNull(work);
            return work(_ => { });
        }
    }
}
