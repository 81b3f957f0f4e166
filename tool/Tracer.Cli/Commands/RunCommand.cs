using System.CommandLine;
using Tracer.Cli.Tracing;

namespace Tracer.Cli.Commands;

/// <summary>`run -- CMD ARGS`: launch a program and trace it from its first instruction.</summary>
internal static class RunCommand
{
    private static readonly Argument<string[]> s_command = new("command")
    {
        Description = "The program and its arguments, after --. A .dll is run with dotnet. When tracing stops while it still runs, it is ended.",
        Arity = ArgumentArity.OneOrMore,
    };

    public static Command Create()
    {
        var command = new Command("run", "Launch a .NET program suspended, trace it from its first instruction, and report what is wrong. Usage: run [options] -- CMD ARGS...")
        {
            s_command,
        };
        LiveOptions options = LiveOptions.AddTo(command, launches: true);
        command.SetAction(async (parse, ct) =>
        {
            string[] words = parse.GetValue(s_command)!;
            return await LiveRunner.LaunchAsync(words[0], words[1..], options.Read(parse), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct);
        });
        return command;
    }
}
