using System.CommandLine;
using System.Runtime.InteropServices;
using Tracer.Cli.Output;
using Tracer.Engine.Analysis;
using Tracer.Engine.Collect;
using Tracer.Engine.Reports;
using Tracer.Engine.Snapshot;

namespace Tracer.Cli.Commands;

/// <summary>`snapshot`: who holds what in a process that is already hung (a heap dump read with ClrMD, then deleted).</summary>
internal static class SnapshotCommand
{
    private static readonly Option<int?> s_pid = CommonOptions.ProcessId("PID of the .NET process to inspect.");
    private static readonly Option<string?> s_name = new("--name", "-n") { Description = "Name of the .NET process to inspect (must match exactly one; see ps)." };
    private static readonly Option<ReportFormat> s_format = CommonOptions.Format();
    private static readonly Option<IReadOnlySet<string>> s_failOn = CommonOptions.FailOn();
    private static readonly Option<TimeSpan?> s_hangAfter = CommonOptions.HangAfter();
    private static readonly Option<TimeSpan?> s_timeout = new("--timeout")
    {
        Description = "Give up when the target has not written its dump after this long (default 30s; e.g. 1m, 00:01:00).",
        CustomParser = CommonOptions.ParseDuration,
    };

    public static Command Create()
    {
        var command = new Command("snapshot", CommandHelp.WithExamples(
            "Inspect a process that is already hung: every thread's stack and who holds which lock, from a heap dump that is deleted at once. " +
            "Reports deadlocks and threads blocked without progress (threads are watched for --hang-after after the dump).",
            "snapshot -p 4242",
            "snapshot -n MyService --format json --fail-on deadlock"))
        {
            s_pid, s_name, s_format, s_failOn, s_hangAfter, s_timeout,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(s_pid) is not null) == (result.GetResult(s_name) is not null))
            {
                result.AddError("give exactly one of --process-id (-p) or --name (-n)");
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            int pid = parse.GetValue(s_pid) ?? TargetResolver.ByName(parse.GetValue(s_name)!);
            var options = new SnapshotOptions
            {
                IpcTimeout = parse.GetValue(s_timeout) ?? TimeSpan.FromSeconds(30),
                Observe = CommonOptions.HangAfterOf(parse, s_hangAfter),
            };
            return await RunAsync(pid, options, parse.GetValue(s_format), parse.GetValue(s_failOn) ?? new HashSet<string>(),
                parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct);
        });
        return command;
    }

    internal static async Task<int> RunAsync(int pid, SnapshotOptions options, ReportFormat format, IReadOnlySet<string> failOn, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        TargetResolver.EnsureTraceable(pid);
        // Ctrl+C / SIGTERM cancel the snapshot (the temporary dump is deleted on the way out) instead of killing the tool.
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        stderr.WriteLine($"dotnet-tracer: taking a snapshot of {ProcFs.DisplayName(pid) ?? "process"} (pid {pid}): dump, read, then watch threads for {options.Observe.TotalSeconds:0.#} s");
        ProcessSnapshot snapshot = await SnapshotCapture.TakeAsync(pid, options, cancel.Token);
        stderr.WriteLine($"dotnet-tracer: snapshot of pid {pid} done: {snapshot.Threads.Count} threads, dump {snapshot.DumpBytes / 1048576.0:F1} MiB in {snapshot.CaptureMs / 1000:F2} s (deleted)");
        TraceReport report = SnapshotAnalysis.Report(snapshot, new AnalysisOptions { HangAfter = options.Observe });
        return ReportPrinter.Print(report, format, failOn, stdout);

        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            cancel.Cancel();
        }
    }
}
