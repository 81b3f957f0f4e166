using System.CommandLine;
using Tracer.Engine.Collect;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Commands;

/// <summary>`ps`: the .NET processes this user can trace.</summary>
internal static class PsCommand
{
    public static Command Create()
    {
        var command = new Command("ps", CommandHelp.WithExamples(
            "List the .NET processes this user can attach to (PID, name, command line).",
            "ps"));
        command.SetAction((parse, _) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            return Task.FromResult(Run(stdout));
        });
        return command;
    }

    internal static int Run(TextWriter stdout)
    {
        IReadOnlyList<DotnetProcess> processes = TargetResolver.List();
        if (processes.Count == 0)
        {
            stdout.WriteLine("no .NET processes found that this user can trace");
            return ExitCodes.Ok;
        }

        stdout.WriteLine($"{"PID",8}  {"NAME",-20}  COMMAND LINE");
        foreach (DotnetProcess p in processes)
        {
            stdout.WriteLine($"{p.ProcessId,8}  {TextSanitizer.Clean(p.Name),-20}  {TextSanitizer.Clean(p.CommandLine)}");
        }

        return ExitCodes.Ok;
    }
}
