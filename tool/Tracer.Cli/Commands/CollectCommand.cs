using System.CommandLine;
using Tracer.Cli.Tracing;
using Tracer.Engine;
using Tracer.Engine.Collect;

namespace Tracer.Cli.Commands;

/// <summary>`collect`: attach to a running process and trace it.</summary>
internal static class CollectCommand
{
    private static readonly Option<int?> s_pid = CommonOptions.ProcessId("PID of the .NET process to trace.");
    private static readonly Option<string?> s_name = new("--name", "-n")
    {
        Description = "Name of the .NET process to trace, as ps shows it: the executable's full name, or APP for `dotnet APP.dll` (must match exactly one).",
    };

    private static readonly Option<string?> s_port = new("--diagnostic-port")
    {
        Description = "Reach the runtime through this diagnostic socket instead of by PID: its default socket in another /tmp "
            + "(another container's, another TMPDIR): PATH is its dotnet-diagnostic-PID-KEY-socket.",
        HelpName = "PATH",
    };

    public static Command Create()
    {
        var command = new Command("collect", CommandHelp.WithExamples(
            "Attach to a running .NET process, trace locks, waits, threads and the thread pool, and report what is wrong.",
            "collect -p 4242",
            "collect -n MyService --duration 30s --no-tui -o svc.nettrace --stop-on deadlock",
            "collect -p 4242 --flight-recorder 30s"))
        {
            s_pid, s_name, s_port,
        };
        LiveOptions options = LiveOptions.AddTo(command);
        command.Validators.Add(result =>
        {
            int targets = new[] { s_pid, (Option)s_name, s_port }.Count(o => result.GetResult(o) is not null);
            if (targets != 1)
            {
                result.AddError("give exactly one of --process-id (-p), --name (-n) or --diagnostic-port");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            DiagnosticPortEndpoint? port = parse.GetValue(s_port) is string path
                ? await DiagnosticPortEndpoint.ConnectAsync(path.EndsWith(",connect", StringComparison.Ordinal) ? path[..^",connect".Length] : path, TimeSpan.FromSeconds(10), ct)
                : null;
            int pid = port?.ProcessId ?? parse.GetValue(s_pid) ?? TargetResolver.ByName(parse.GetValue(s_name)!);
            return await LiveRunner.AttachAsync(pid, options.Read(parse), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct, port);
        });
        return command;
    }
}
