using System.CommandLine;
using Tracer.Cli.Output;
using Tracer.Engine.Analysis;
using Tracer.Engine.Collect;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Commands;

/// <summary>`report FILE`: the same analysis as live, over a saved .nettrace.</summary>
internal static class ReportCommand
{
    private static readonly Argument<string> s_file = new("file") { Description = "A .nettrace written by dotnet-tracer or dotnet-trace." };
    private static readonly Option<ReportFormat> s_format = CommonOptions.Format();
    private static readonly Option<IReadOnlySet<string>> s_failOn = CommonOptions.FailOn();
    private static readonly Option<TimeSpan?> s_hangAfter = CommonOptions.HangAfter();

    public static Command Create()
    {
        var command = new Command("report", CommandHelp.WithExamples(
            "Analyze a saved .nettrace and print the findings (exit 1 with --fail-on when a named finding is present).",
            "report svc.nettrace",
            "report svc.nettrace --format json --fail-on deadlock,race"))
        {
            s_file, s_format, s_failOn, s_hangAfter,
        };
        command.SetAction((parse, _) => Task.FromResult(Run(
            parse.GetValue(s_file)!, parse.GetValue(s_format), parse.GetValue(s_failOn) ?? new HashSet<string>(),
            new AnalysisOptions { HangAfter = CommonOptions.HangAfterOf(parse, s_hangAfter) }, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error)));
        return command;
    }

    /// <summary>Exit code: 1 when a --fail-on finding is present; else 2 when the trace is cut short (the report still
    /// covers what was readable); else 0.</summary>
    internal static int Run(string file, ReportFormat format, IReadOnlySet<string> failOn, AnalysisOptions options, TextWriter stdout, TextWriter stderr)
    {
        IReadOnlyList<ReportPart> parts = TraceFileAnalysis.AnalyzeTree(file, options);
        TraceReport report = TraceReport.Build(parts, file);
        int exitCode = ReportPrinter.Print(report, format, failOn, stdout);
        var root = parts[0].Model;
        if (root.Truncated)
        {
            stderr.WriteLine($"dotnet-tracer: '{file}' ends early: reading stopped at byte {root.TruncatedAtByte:N0}; the report covers what was readable");
            return exitCode == ExitCodes.FindingFound ? exitCode : ExitCodes.UsageError;
        }

        return exitCode;
    }
}
