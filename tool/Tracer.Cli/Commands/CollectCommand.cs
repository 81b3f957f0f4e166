using System.CommandLine;
using Tracer.Cli.Tracing;
using Tracer.Engine;
using Tracer.Engine.Collect;

namespace Tracer.Cli.Commands;

/// <summary>`collect`: attach to a running process and trace it.</summary>
internal static class CollectCommand
{
    private static readonly Option<int?> s_pid = CommonOptions.ProcessId("PID of the .NET process to trace.");
    private static readonly Option<string?> s_name = new("--name", "-n") { Description = "Name of the .NET process to trace (must match exactly one; see ps)." };

    public static Command Create()
    {
        var command = new Command("collect", CommandHelp.WithExamples(
            "Attach to a running .NET process, trace locks, waits, threads and the thread pool, and report what is wrong.",
            "collect -p 4242",
            "collect -n MyService --duration 30s --no-tui -o svc.nettrace --stop-on deadlock",
            "collect -p 4242 --flight-recorder 30s"))
        {
            s_pid, s_name,
        };
        LiveOptions options = LiveOptions.AddTo(command);
        command.Validators.Add(result =>
        {
            bool hasPid = result.GetResult(s_pid) is not null;
            bool hasName = result.GetResult(s_name) is not null;
            if (hasPid == hasName)
            {
                result.AddError("give exactly one of --process-id (-p) or --name (-n)");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            int pid = parse.GetValue(s_pid) ?? TargetResolver.ByName(parse.GetValue(s_name)!);
            return await LiveRunner.AttachAsync(pid, options.Read(parse), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct);
        });
        return command;
    }
}
