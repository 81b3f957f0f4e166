using System.CommandLine;
using System.Runtime.InteropServices;
using Tracer.Cli.Output;
using Tracer.Engine.Analysis;
using Tracer.Engine.Collect;
using Tracer.Engine.Reports;
using Tracer.Engine.Snapshot;

namespace Tracer.Cli.Commands;

/// <summary>`snapshot`: who holds what in a process that is already hung (read with ClrMD attached, or from a heap dump with --dump).</summary>
internal static class SnapshotCommand
{
    private static readonly Option<int?> s_pid = CommonOptions.ProcessId("PID of the .NET process to inspect.");
    private static readonly Option<string?> s_name = new("--name", "-n") { Description = "Name of the .NET process to inspect (must match exactly one; see ps)." };
    private static readonly Option<ReportFormat> s_format = CommonOptions.Format();
    private static readonly Option<IReadOnlySet<string>> s_failOn = CommonOptions.FailOn();
    private static readonly Option<TimeSpan?> s_hangAfter = CommonOptions.HangAfter();
    private static readonly Option<TimeSpan?> s_timeout = new("--timeout")
    {
        Description = "With --dump: give up when the target has not written its dump after this long (default 30s; e.g. 1m, 00:01:00).",
        CustomParser = CommonOptions.ParseDuration,
    };

    private static readonly Option<TimeSpan?> s_pauseBudget = new("--pause-budget")
    {
        Description = "The longest the target stays suspended in one pause while its threads are read (default 400ms; e.g. 100ms). "
            + "Stacks that do not fit are read in further pauses (at most 8, the target running between them).",
        CustomParser = CommonOptions.ParseDuration,
    };

    private static readonly Option<bool> s_allStacks = new("--all-stacks")
    {
        Description = "Print every managed thread with its name, state and stack, identical stacks grouped with a count (JSON always has them).",
    };

    private static readonly Option<bool> s_dump = new("--dump")
    {
        Description = "Read a heap dump instead of the live process: the process is frozen while it is written (seconds for a large heap) "
            + "and it needs about the process's memory in free space in TMPDIR (refused otherwise); deleted once read.",
    };

    public static Command Create()
    {
        var command = new Command("snapshot", CommandHelp.WithExamples(
            "Inspect a process that is already hung: every thread's stack and who holds which lock, read from the live process "
            + "(suspended for tens of milliseconds, nothing written). Reports deadlocks and threads blocked without progress "
            + "(threads are watched for --hang-after after the read).",
            "snapshot -p 4242",
            "snapshot -p 4242 --all-stacks",
            "snapshot -n MyService --format json --fail-on deadlock"))
        {
            s_pid, s_name, s_format, s_failOn, s_hangAfter, s_timeout, s_pauseBudget, s_allStacks, s_dump,
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
                Dump = parse.GetValue(s_dump),
                PauseBudget = parse.GetValue(s_pauseBudget) ?? new SnapshotOptions().PauseBudget,
            };
            return await RunAsync(pid, options, parse.GetValue(s_format), parse.GetValue(s_failOn) ?? new HashSet<string>(),
                parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct, parse.GetValue(s_allStacks));
        });
        return command;
    }

    internal static async Task<int> RunAsync(int pid, SnapshotOptions options, ReportFormat format, IReadOnlySet<string> failOn,
        TextWriter stdout, TextWriter stderr, CancellationToken ct, bool allStacks = false)
    {
        TargetResolver.EnsureTraceable(pid);
        // Ctrl+C / SIGTERM cancel the snapshot (the temporary dump is deleted on the way out) instead of killing the tool.
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        stderr.WriteLine($"dotnet-tracer: taking a snapshot of {ProcFs.DisplayName(pid) ?? "process"} (pid {pid}): "
            + (options.Dump ? "heap dump" : "attach and read threads (the process is suspended only while read)") + $", then watch threads for {options.Observe.TotalSeconds:0.#} s");
        ProcessSnapshot snapshot = await SnapshotCapture.TakeAsync(pid, options, cancel.Token, notice: line => stderr.WriteLine($"dotnet-tracer: {line}"));
        stderr.WriteLine($"dotnet-tracer: {SnapshotAnalysis.Describe(snapshot)}");
        TraceReport report = SnapshotAnalysis.Report(snapshot, new AnalysisOptions { HangAfter = options.Observe });
        return ReportPrinter.Print(report, format, failOn, stdout, allStacks);

        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            cancel.Cancel();
        }
    }
}
