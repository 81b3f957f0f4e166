using System.CommandLine;
using Tracer.Cli.Commands;
using Tracer.Engine;

namespace Tracer.Cli;

/// <summary>Builds the command tree and runs it with the tool's error policy: user mistakes get one line and exit 2.</summary>
internal static class CommandLineBuilder
{
    public static RootCommand Create() =>
        new("dotnet-tracer: finds deadlocks, hot locks, starved pools, hangs and data races in .NET processes from EventPipe traces.")
        {
            PsCommand.Create(),
            CollectCommand.Create(),
            RunCommand.Create(),
            ReportCommand.Create(),
            ReplayCommand.Create(),
            ExportCommand.Create(),
            DemoCommand.Create(),
            SnapshotCommand.Create(),
        };

    /// <summary>One line for the first error; a mistyped command is named, with the nearest real one.</summary>
    private static string FirstError(RootCommand root, ParseResult parse)
    {
        if (parse.CommandResult.Command == root)
        {
            string? word = parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-'));
            if (word is not null)
            {
                string? nearest = NearestName.Find(word, root.Subcommands.Select(c => c.Name));
                return nearest is null
                    ? $"unknown command '{word}' (commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))})"
                    : $"unknown command '{word}'; did you mean '{nearest}'?";
            }

            if (parse.UnmatchedTokens.Count == 0)
            {
                return $"no command given (commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))})";
            }
        }

        return parse.Errors[0].Message;
    }

    public static async Task<int> InvokeAsync(RootCommand root, string[] args, TextWriter stdout, TextWriter stderr)
    {
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"dotnet-tracer: {FirstError(root, parse)} (see --help)");
            return ExitCodes.UsageError;
        }

        var config = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Live commands handle SIGINT/SIGTERM themselves so that the trace is finalized.
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };

        try
        {
            return await parse.InvokeAsync(config).ConfigureAwait(false);
        }
        catch (TracerUserException ex)
        {
            stderr.WriteLine($"dotnet-tracer: {ex.Message}");
            return ExitCodes.UsageError;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("dotnet-tracer: interrupted");
            return ExitCodes.UsageError;
        }
        catch (Exception ex)
        {
            return LastResort.Report(ex, stderr);
        }
    }
}
