using Microsoft.Diagnostics.NETCore.Client;
using Tracer.Cli.Output;
using Tracer.Cli.Tui;
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
        return await TraceAsync(client, pid, launched: null, UseTui(settings, stderr), null, settings, stdout, stderr, ct).ConfigureAwait(false);
    }

    /// <summary>Launches a program suspended, traces it from its first instruction, ends it when tracing stops.</summary>
    public static async Task<int> LaunchAsync(string command, IReadOnlyList<string> arguments, LiveSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        bool tui = UseTui(settings, stderr);
        // The program's output never goes to stdout (that is the report): under the UI it goes to the Processes
        // screen, which keeps it off the terminal; otherwise to stderr.
        ProgramOutputLog? programOutput = tui ? new ProgramOutputLog() : null;
        await using LaunchedProcess launched = await LaunchedProcess.StartAsync(command, arguments, TimeSpan.FromSeconds(15), null,
            (TextWriter?)programOutput ?? stderr, ct).ConfigureAwait(false);
        return await TraceAsync(launched.Client, launched.ProcessId, launched, tui, programOutput, settings, stdout, stderr, ct).ConfigureAwait(false);
    }

    private static bool UseTui(LiveSettings settings, TextWriter stderr)
    {
        if (settings.NoTui)
        {
            return false;
        }

        if (!TuiHost.CanRun)
        {
            stderr.WriteLine(TuiHost.NotATerminal);
            return false;
        }

        return true;
    }

    private static async Task<int> TraceAsync(DiagnosticsClient client, int pid, LaunchedProcess? launched, bool tui, ProgramOutputLog? programOutput,
        LiveSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        string processName = ProcFs.Name(pid) ?? "process";
        string output = settings.OutputPath ?? OutputFiles.DefaultTraceName(processName, pid);
        var options = new LiveTraceOptions
        {
            OutputPath = output,
            Duration = settings.Duration,
            StopOn = settings.StopOn,
            Analysis = settings.Analysis,
        };

        using var signals = new InterruptSignals(tui ? TextWriter.Null : stderr); // nothing may write over the UI
        using var session = new LiveTraceSession(client, pid, options);
        session.Analyzer.Model.Process(pid).Name = processName;
        session.Analyzer.Model.Process(pid).ParentProcessId = launched is null ? ProcFs.ParentId(pid) : Environment.ProcessId;
        if (!tui)
        {
            session.Analyzer.Findings.Found += f => stderr.WriteLine($"{Environment.NewLine}dotnet-tracer: {f.Kind} found at {f.TimeMs / 1000:F2} s: {f.Summary}");
        }

        await session.StartAsync(ct).ConfigureAwait(false);
        if (launched is not null)
        {
            launched.Client.ResumeRuntime();
        }

        stderr.WriteLine($"dotnet-tracer: tracing {processName} (pid {pid}) into {output}; {(tui ? "q in the UI" : "Ctrl+C")} stops");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(signals.Interrupt);
        Task<StopReason> running = session.RunAsync(stop.Token, signals.Force);
        if (tui)
        {
            RunTui(session, running, stop, signals.Interrupt, processName, output, programOutput);
        }
        else
        {
            using var progressStop = new CancellationTokenSource();
            Task progress = new ProgressLine(session, stderr, interactive: !Console.IsErrorRedirected).RunAsync(progressStop.Token);
            await Task.WhenAny(running).ConfigureAwait(false);
            await progressStop.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
        }

        StopReason reason = await running.ConfigureAwait(false);
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

    /// <summary>Blocks in the UI until the user quits; q there stops tracing first (the UI waits for the file to be finished).</summary>
    private static void RunTui(LiveTraceSession session, Task<StopReason> running, CancellationTokenSource stop, CancellationToken interrupted,
        string processName, string output, ProgramOutputLog? programOutput)
    {
        var tuiSession = new TuiSession
        {
            IsLive = true,
            Title = $"{TextSanitizer.Clean(processName)} (pid {session.ProcessId}) → {output}",
            IsFinished = () => running.IsCompleted,
            Progress = () => $"{session.Elapsed:mm\\:ss} · {session.BytesWritten / 1024.0:N0} KiB written",
            RequestStop = stop.Cancel,
            // EventPipe timestamps count from the session's start, as does the session's clock.
            NowMs = () => session.Elapsed.TotalMilliseconds,
            ProgramOutput = programOutput,
            ExternalStop = interrupted,
        };
        try
        {
            TuiHost.Run(tuiSession, new SnapshotSource(session.Analyzer, output));
        }
        finally
        {
            stop.Cancel(); // however the UI ended, tracing ends and the file is finished
        }
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
