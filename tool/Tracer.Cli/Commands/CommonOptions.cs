using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Tracer.Engine.Analysis;

namespace Tracer.Cli.Commands;

/// <summary>Options shared by several commands, and their parsers.</summary>
internal static class CommonOptions
{
    public static Option<ReportFormat> Format() => EnumOption<ReportFormat>("--format", "-f",
        "Report format: text (for people; default) or json (for machines, see docs/report-schema.md).");

    public static Option<IReadOnlySet<string>> FailOn() => Kinds("--fail-on",
        "Exit with code 1 when a finding of these kinds is found (comma-separated: " + string.Join(",", FindingKinds.All) + ", or any).");

    public static Option<IReadOnlySet<string>> StopOn() => Kinds("--stop-on",
        "Stop tracing as soon as a finding of these kinds appears (comma-separated: " + string.Join(",", FindingKinds.All) + ", or any).");

    /// <summary>The default of --hang-after.</summary>
    public static readonly TimeSpan DefaultHangAfter = TimeSpan.FromSeconds(2);

    /// <summary>Read with <see cref="HangAfterOf"/> (no default value object, so help does not print it as 00:00:02).</summary>
    public static Option<TimeSpan?> HangAfter() => new("--hang-after")
    {
        Description = "A thread blocked this long without progress is reported as a hang (default 2s; e.g. 500ms, 00:00:05).",
        CustomParser = ParseDuration,
    };

    public static TimeSpan HangAfterOf(ParseResult parse, Option<TimeSpan?> option) => parse.GetValue(option) ?? DefaultHangAfter;

    /// <summary>A process id: a positive number, with a message that names no .NET type.</summary>
    public static Option<int?> ProcessId(string description) => new("--process-id", "-p")
    {
        Description = description,
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0)
            {
                return pid;
            }

            result.AddError($"'{text}' is not a process id (a positive number; see: dotnet-tracer ps)");
            return null;
        },
    };

    /// <summary>
    /// An enum option read case-insensitively; a wrong value is one line listing the accepted ones (System.CommandLine's
    /// own message is three lines with the enum's C# names). Its default is the enum's first value.
    /// </summary>
    public static Option<T> EnumOption<T>(string name, string alias, string description)
        where T : struct, Enum
    {
        string accepted = string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
        var option = new Option<T>(name, alias)
        {
            Description = description,
            HelpName = string.Join("|", Enum.GetNames<T>().Select(n => n.ToLowerInvariant())),
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                if (Enum.TryParse(text, ignoreCase: true, out T value) && Enum.IsDefined(value) && !text.Any(char.IsDigit))
                {
                    return value;
                }

                result.AddError($"'{text}' is not a {name} value (accepted: {accepted})");
                return default;
            },
        };
        option.CompletionSources.Add(Enum.GetNames<T>().Select(n => n.ToLowerInvariant()).ToArray());
        return option;
    }

    /// <summary>Same as <see cref="Tracer.Engine.Collect.LiveTraceOptions.BufferMegabytes"/>'s default.</summary>
    public const int DefaultBufferMegabytes = 256;

    public static Option<int> BufferSize()
    {
        var option = new Option<int>("--buffer-size")
        {
            Description = $"EventPipe's buffer in the target, in MiB (default {DefaultBufferMegabytes}, at least 1). When the tracer falls this far behind, the runtime drops events; the report counts them.",
            DefaultValueFactory = _ => DefaultBufferMegabytes,
            HelpName = "MB",
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int mb) && mb >= 1)
                {
                    return mb;
                }

                result.AddError($"--buffer-size must be at least 1 (MiB), not '{text}'");
                return DefaultBufferMegabytes;
            },
        };
        return option;
    }

    public static Option<TimeSpan?> Duration() => new("--duration")
    {
        Description = "Stop tracing after this long (e.g. 30s, 2m, 500ms, 00:00:30). Default: until the target exits or Ctrl+C.",
        CustomParser = ParseDuration,
    };

    public static Option<string?> Output() => new("--output", "-o")
    {
        Description = "Where to write the .nettrace (default: NAME_PID_yyyyMMdd_HHmmss.nettrace here). Thread names go to FILE.meta.json.",
    };

    public static Option<bool> NoTui() => new("--no-tui")
    {
        Description = "Print live progress to stderr and the report to stdout instead of the terminal UI.",
    };

    public static TimeSpan? ParseDuration(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : string.Empty;
        if (TryParseDuration(text, out TimeSpan value) && value > TimeSpan.Zero)
        {
            return value;
        }

        result.AddError($"'{text}' is not a duration (examples: 30s, 2m, 500ms, 1h, 00:00:30)");
        return null;
    }

    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        (string suffix, double scale)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach ((string suffix, double scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out double n)
                && double.IsFinite(n) && n >= 0 && n * scale < TimeSpan.MaxValue.TotalMilliseconds)
            {
                value = TimeSpan.FromMilliseconds(n * scale);
                return true;
            }
        }

        // hh:mm:ss[.fff] or dd:hh:mm:ss, as dotnet-trace and dotnet-counters take it.
        if (text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero)
        {
            return true;
        }

        // A bare number means seconds.
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && double.IsFinite(seconds) && seconds >= 0 && seconds < 1e9)
        {
            value = TimeSpan.FromSeconds(seconds);
            return true;
        }

        value = default;
        return false;
    }

    private static Option<IReadOnlySet<string>> Kinds(string name, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => new HashSet<string>(),
        CustomParser = result =>
        {
            var kinds = new HashSet<string>(StringComparer.Ordinal);
            foreach (string part in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                string kind = part.ToLowerInvariant();
                if (kind == "any")
                {
                    kinds.UnionWith(FindingKinds.All);
                }
                else if (FindingKinds.All.Contains(kind))
                {
                    kinds.Add(kind);
                }
                else
                {
                    string? nearest = NearestName.Find(kind, FindingKinds.All);
                    result.AddError(nearest is null
                        ? $"unknown finding kind '{part}' for {name} (known: {string.Join(", ", FindingKinds.All)}, any)"
                        : $"unknown finding kind '{part}' for {name}; did you mean '{nearest}'? (known: {string.Join(", ", FindingKinds.All)}, any)");
                }
            }

            return kinds;
        },
    };
}

/// <summary>Report output formats.</summary>
internal enum ReportFormat
{
    Text,
    Json,
}
