using System.Text;
using Tracer.Cli.Commands;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Output;

/// <summary>Writes a report in the chosen format and turns --fail-on into the exit code.</summary>
internal static class ReportPrinter
{
    /// <param name="allStacks">Text: also every thread's snapshot stack, grouped (JSON always carries them).</param>
    public static int Print(TraceReport report, ReportFormat format, IReadOnlySet<string> failOn, TextWriter stdout, bool allStacks = false)
    {
        if (format == ReportFormat.Json)
        {
            using var buffer = new MemoryStream();
            JsonReportWriter.Write(report, buffer);
            stdout.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
        }
        else
        {
            TextReportWriter.Write(report, stdout, allStacks);
        }

        stdout.Flush();
        return report.Findings.Any(f => failOn.Contains(f.Kind)) ? ExitCodes.FindingFound : ExitCodes.Ok;
    }
}
