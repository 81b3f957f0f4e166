using System.CommandLine;
using Tracer.Cli.Tracing;
using Tracer.Demos;
using Tracer.Engine;

namespace Tracer.Cli.Commands;

/// <summary>`demo list` and `demo NAME [--fixed]`: run a shipped teaching demo under the tracer.</summary>
internal static class DemoCommand
{
    private static readonly Argument<string> s_name = new("name")
    {
        Description = "list, or one of: " + string.Join(", ", DemoCatalog.All.Select(d => d.Name)) + ".",
    };
    private static readonly Option<bool> s_fixed = new("--fixed") { Description = "Run the fixed variant instead of the buggy one." };

    public static Command Create()
    {
        var command = new Command("demo", CommandHelp.WithExamples(
            "Run a shipped teaching demo (one per course topic) under the tracer. `demo list` shows them with their topics; `demo NAME --fixed` runs the cure.",
            "demo list",
            "demo dining-philosophers --no-tui",
            "demo dining-philosophers --fixed"))
        {
            s_name, s_fixed,
        };
        LiveOptions options = LiveOptions.AddTo(command, launches: true);
        command.SetAction(async (parse, ct) =>
        {
            string name = parse.GetValue(s_name)!;
            TextWriter stdout = parse.InvocationConfiguration.Output;
            if (name == "list")
            {
                return List(stdout);
            }

            DemoInfo demo = DemoCatalog.Find(name) ?? throw new TracerUserException(
                NearestName.Find(name, DemoCatalog.All.Select(d => d.Name)) is string nearest
                    ? $"no demo named '{name}'; did you mean '{nearest}'? (see: dotnet-tracer demo list)"
                    : $"no demo named '{name}' (see: dotnet-tracer demo list)");
            LiveSettings settings = options.Read(parse);
            settings = settings with
            {
                StopOn = options.HasStopOn(parse) ? settings.StopOn : new HashSet<string>(demo.StopOn),
                StopOnGrace = options.HasStopOn(parse) ? TimeSpan.Zero : demo.StopOnGrace,
                Duration = options.HasDuration(parse) ? settings.Duration : demo.MaxDuration,
            };
            string[] arguments = parse.GetValue(s_fixed) ? [demo.Name, "--fixed"] : [demo.Name];
            return await LiveRunner.LaunchAsync(DemoCatalog.AssemblyPath, arguments, settings, stdout, parse.InvocationConfiguration.Error, ct);
        });
        return command;
    }

    internal static int List(TextWriter stdout)
    {
        stdout.WriteLine($"{"NAME",-24}  {"TOPIC",-28}  DESCRIPTION");
        foreach (DemoInfo d in DemoCatalog.All)
        {
            stdout.WriteLine($"{d.Name,-24}  {d.Topic,-28}  {d.Description}");
        }

        return ExitCodes.Ok;
    }
}
