using Microsoft.Diagnostics.NETCore.Client;
using Tracer.Cli.Output;
using Tracer.Engine.Analysis;
using Tracer.Engine.Collect;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Tracing;

/// <summary>Runs one live session to its end (for collect, run and demo) and prints the report.</summary>
internal static class LiveRunner
{
    /// <summary>Traces an already running process.</summary>
    public static async Task<int> AttachAsync(int pid, LiveSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        TargetResolver.EnsureTraceable(pid);
        var client = new DiagnosticsClient(pid);
        return await TraceAsync(client, pid, launched: null, settings, stdout, stderr, ct).ConfigureAwait(false);
    }

    /// <summary>Launches a program suspended, traces it from its first instruction, ends it when tracing stops.</summary>
    public static async Task<int> LaunchAsync(string command, IReadOnlyList<string> arguments, LiveSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        await using LaunchedProcess launched = await LaunchedProcess.StartAsync(command, arguments, TimeSpan.FromSeconds(15), null, stderr, ct).ConfigureAwait(false);
        return await TraceAsync(launched.Client, launched.ProcessId, launched, settings, stdout, stderr, ct).ConfigureAwait(false);
    }

    private static async Task<int> TraceAsync(DiagnosticsClient client, int pid, LaunchedProcess? launched, LiveSettings settings,
        TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        string processName = ProcFs.Name(pid) ?? "process";
        string output = settings.OutputPath ?? OutputFiles.DefaultTraceName(processName, pid);
        var options = new LiveTraceOptions
        {
            OutputPath = output,
            Duration = settings.Duration,
            StopOn = settings.StopOn,
            StopOnGrace = settings.StopOnGrace,
            Analysis = settings.Analysis,
        };

        using var signals = new InterruptSignals(stderr);
        using var session = new LiveTraceSession(client, pid, options);
        session.Analyzer.Model.Process(pid).Name = processName;
        session.Analyzer.Model.Process(pid).ParentProcessId = launched is null ? ProcFs.ParentId(pid) : Environment.ProcessId;
        session.Analyzer.Findings.Found += f => stderr.WriteLine($"{Environment.NewLine}dotnet-tracer: {f.Kind} found at {f.TimeMs / 1000:F2} s: {f.Summary.Replace(Finding.PrimitivePlaceholder, "a wait", StringComparison.Ordinal)}");

        await session.StartAsync(ct).ConfigureAwait(false);
        if (launched is not null)
        {
            launched.Client.ResumeRuntime();
        }

        stderr.WriteLine($"dotnet-tracer: tracing {processName} (pid {pid}) into {output}; Ctrl+C stops");
        if (!settings.NoTui)
        {
            stderr.WriteLine("dotnet-tracer: the live terminal UI is not built yet; showing progress instead (use --no-tui to silence this line)");
        }

        using var progressStop = new CancellationTokenSource();
        Task progress = new ProgressLine(session, stderr, interactive: !Console.IsErrorRedirected).RunAsync(progressStop.Token);
        StopReason reason = await session.RunAsync(signals.Interrupt, signals.Force).ConfigureAwait(false);
        await progressStop.CancelAsync().ConfigureAwait(false);
        await progress.ConfigureAwait(false);

        var model = session.Analyzer.Model;
        if (launched is not null)
        {
            int? exitCode = await launched.StopAsync().ConfigureAwait(false);
            if (!launched.KilledByTracer)
            {
                model.Process(pid).ExitCode = exitCode;
            }

            stderr.WriteLine(launched.KilledByTracer
                ? $"dotnet-tracer: tracing stopped ({Describe(reason)}); ended pid {pid}, which was still running"
                : $"dotnet-tracer: pid {pid} exited with code {exitCode}");
        }
        else
        {
            stderr.WriteLine($"dotnet-tracer: tracing stopped ({Describe(reason)})");
        }

        session.SaveMetadata();
        stderr.WriteLine($"dotnet-tracer: trace written to {output} ({session.BytesWritten / 1024.0:N0} KiB); replay with: dotnet-tracer report {output}");
        TraceReport report = TraceReport.Build(model, session.Analyzer.Findings.Snapshot(), output);
        return ReportPrinter.Print(report, settings.Format, settings.FailOn, stdout);
    }

    private static string Describe(StopReason reason) => reason switch
    {
        StopReason.TargetExited => "the target exited",
        StopReason.Duration => "--duration elapsed",
        StopReason.Interrupted => "interrupted",
        StopReason.Finding => "a --stop-on finding was found",
        StopReason.Forced => "forced; the trace may lack its final rundown",
        _ => reason.ToString(),
    };
}
