using System.CommandLine;
using Tracer.Engine;
using Tracer.Engine.Analysis;
using Tracer.Engine.Collect;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Commands;

/// <summary>`export FILE --format chromium -o out.json`: a saved trace as a timeline for Perfetto UI / chrome://tracing.</summary>
internal static class ExportCommand
{
    private static readonly Argument<string> s_file = new("file") { Description = "A .nettrace written by dotnet-tracer or dotnet-trace." };
    private static readonly Option<ExportFormat> s_format = CommonOptions.EnumOption<ExportFormat>("--format", "-f",
        "Export format: chromium (default; Chrome trace event JSON, opens in ui.perfetto.dev and chrome://tracing).");

    private static readonly Option<string?> s_output = new("--output", "-o") { Description = "Where to write (default: FILE with .chromium.json)." };
    private static readonly Option<TimeSpan?> s_hangAfter = CommonOptions.HangAfter();

    public static Command Create()
    {
        var command = new Command("export", CommandHelp.WithExamples(
            "Write a saved trace as a timeline file: one track per thread, lock waits named by the lock, findings as markers.",
            "export svc.nettrace --format chromium -o svc.json"))
        {
            s_file, s_format, s_output, s_hangAfter,
        };
        command.SetAction((parse, _) => Task.FromResult(Run(
            parse.GetValue(s_file)!, parse.GetValue(s_format), parse.GetValue(s_output), new AnalysisOptions { HangAfter = CommonOptions.HangAfterOf(parse, s_hangAfter) },
            parse.InvocationConfiguration.Error)));
        return command;
    }

    internal static int Run(string file, ExportFormat format, string? output, AnalysisOptions options, TextWriter stderr)
    {
        TraceAnalyzer analyzer = TraceFileAnalysis.Analyze(file, options);
        TraceReport report = TraceReport.Build(analyzer.Model, analyzer.Findings.Snapshot(), file);
        string path = output ?? Path.ChangeExtension(file, ".chromium.json");
        try
        {
            using FileStream stream = OutputFiles.CreatePrivate(path); // 0600 like the trace it comes from
            ChromiumTraceWriter.Write(analyzer.Model, report, stream);
        }
        catch (IOException ex)
        {
            throw new TracerUserException($"cannot write '{path}': {ex.Message}");
        }

        stderr.WriteLine($"dotnet-tracer: wrote {format.ToString().ToLowerInvariant()} timeline of {analyzer.Model.Threads.Count} threads to {path} (open in https://ui.perfetto.dev or chrome://tracing)");
        if (analyzer.Model.Truncated)
        {
            // Same rule as report: what was readable is exported, and the exit code says the input was not whole.
            stderr.WriteLine($"dotnet-tracer: '{file}' ends early: reading stopped at byte {analyzer.Model.TruncatedAtByte:N0}; the timeline covers what was readable");
            return ExitCodes.UsageError;
        }

        return ExitCodes.Ok;
    }
}

/// <summary>Export formats.</summary>
internal enum ExportFormat
{
    Chromium,
}
