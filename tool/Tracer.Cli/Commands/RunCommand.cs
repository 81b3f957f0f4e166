using System.CommandLine;
using System.CommandLine.Parsing;
using Tracer.Cli.Tracing;
using Tracer.Engine;

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
        var command = new Command("run", CommandHelp.WithExamples(
            "Launch a .NET program suspended, trace it from its first instruction, and report what is wrong. Usage: run [options] -- CMD ARGS...",
            "run --no-tui -- ./bin/Worker --jobs 8",
            "run --stop-on deadlock --format json -o worker.nettrace -- dotnet Worker.dll"))
        {
            s_command,
        };
        LiveOptions options = LiveOptions.AddTo(command, launches: true);
        command.SetAction(async (parse, ct) =>
        {
            string[] words = parse.GetValue(s_command)!;
            RejectOptionsTakenForTheProgram(parse);
            return await LiveRunner.LaunchAsync(words[0], words[1..], options.Read(parse), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct);
        });
        return command;
    }

    /// <summary>
    /// Before `--` everything is an option of run: a word there that looks like one but is not (`run --tasks --
    /// cmd`) must not become the program. After `--` everything is the program's.
    /// </summary>
    private static void RejectOptionsTakenForTheProgram(ParseResult parse)
    {
        int doubleDash = -1;
        for (int i = 0; i < parse.Tokens.Count; i++)
        {
            if (parse.Tokens[i].Type == TokenType.DoubleDash)
            {
                doubleDash = i;
                break;
            }
        }

        foreach (Token word in parse.GetResult(s_command)?.Tokens ?? [])
        {
            int at = IndexOf(parse.Tokens, word);
            if (word.Value.StartsWith('-') && (doubleDash < 0 || at < doubleDash))
            {
                throw new TracerUserException($"unknown option '{word.Value}' for run (run's options go before --, the program and its arguments after it; see run --help)");
            }
        }
    }

    private static int IndexOf(IReadOnlyList<Token> tokens, Token token)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            if (ReferenceEquals(tokens[i], token))
            {
                return i;
            }
        }

        return -1;
    }
}
