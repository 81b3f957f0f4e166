using Tracer.Engine;
using Tracer.Rewriter;

namespace Tracer.Cli.Tracing;

/// <summary>run/demo --races: builds the rewritten copy and says in one line per assembly what was instrumented.</summary>
internal static class RacePreparation
{
    public static RaceCopy Prepare(string command, IReadOnlyList<string> arguments, TextWriter stderr)
    {
        RaceCopy copy;
        try
        {
            copy = RaceCopy.Create(command, arguments);
        }
        catch (RaceSetupException ex)
        {
            throw new TracerUserException(ex.Message);
        }

        RewriteOutcome[] rewritten = [.. copy.Outcomes.Where(o => o.Rewritten)];
        stderr.WriteLine(rewritten.Length == 0
            ? "dotnet-tracer: --races: no assembly could be instrumented; the program runs unchanged and no race can be found"
            : $"dotnet-tracer: --races: instrumented {string.Join(", ", rewritten.Select(o => $"{o.Assembly} ({o.Edits} sites)"))} in a private copy");
        foreach (RewriteOutcome failed in copy.Outcomes.Where(o => !o.Rewritten))
        {
            stderr.WriteLine($"dotnet-tracer: --races: {failed.Assembly} could not be rewritten ({failed.Reason}); it runs uninstrumented");
        }

        return copy;
    }
}
