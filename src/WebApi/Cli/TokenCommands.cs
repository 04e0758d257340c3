using System.CommandLine;
using AbParts.Application.Auth;
using MediatR;

namespace AbParts.WebApi.Cli;

/// <summary><c>token issue --user NAME --ttl 1h</c>: a bearer token for a script, printed alone on stdout.</summary>
internal static class TokenCommands
{
    public static Command Create()
    {
        var user = new Option<string>("--user") { Description = "The user the token speaks for.", Required = true };
        var ttl = new Option<string>("--ttl")
        {
            Description = "How long the token works: a number with s, m, h or d (90m, 12h, 7d), or hh:mm:ss; at most 30 days.",
            DefaultValueFactory = _ => "1h",
        };
        var issue = new Command("issue", "Issue a bearer token for a user, for scripts (no password asked).") { user, ttl };
        issue.Validators.Add(result =>
        {
            if (result.GetValue(ttl) is { } text && Duration.TryParse(text) is null)
            {
                result.AddError($"--ttl: '{text}' is not a duration such as 90m, 12h or 7d.");
            }
        });
        issue.SetAction((parse, cancellationToken) => CommandLine.RunWithServicesAsync(async (services, ct) =>
        {
            var token = await services.GetRequiredService<IMediator>().Send(
                new IssueScriptTokenCommand(parse.GetValue(user)!, Duration.TryParse(parse.GetValue(ttl)!)!.Value), ct);
            Console.WriteLine(token.AccessToken);
            return ExitCodes.Success;
        }, cancellationToken, (services, configuration) => services.AddAccessTokens(configuration)));
        return new Command("token", "Bearer tokens for scripts.") { issue };
    }
}

/// <summary>Durations as operators write them: <c>90s</c>, <c>15m</c>, <c>12h</c>, <c>7d</c>, or a TimeSpan such as <c>01:30:00</c>.</summary>
internal static class Duration
{
    public static TimeSpan? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        if (text.Length > 1 && double.TryParse(text[..^1], System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out var amount) && amount > 0 && double.IsFinite(amount))
        {
            var unit = char.ToLowerInvariant(text[^1]);
            return unit switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(Math.Min(amount, 3650)),
                _ => null,
            };
        }

        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : null;
    }
}
