namespace Tracer.Cli;

/// <summary>Command descriptions with examples, so that every command's --help shows how it is used.</summary>
internal static class CommandHelp
{
    public static string WithExamples(string description, params string[] examples) =>
        description + Environment.NewLine + Environment.NewLine + "Examples:" + Environment.NewLine
        + string.Join(Environment.NewLine, examples.Select(e => "  dotnet-tracer " + e));
}
