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

    public static async Task<int> InvokeAsync(RootCommand root, string[] args, TextWriter stdout, TextWriter stderr)
    {
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors.Take(1))
            {
                stderr.WriteLine($"dotnet-tracer: {error.Message} (see --help)");
            }

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
    }
}
