using System.Collections.Concurrent;
using Tracer.Engine.Collect;
using Tracer.Engine.Reports;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>
/// The engine's one live API (<see cref="LiveTrace"/>), used directly as the CLI uses it: a launch runs to the
/// program's exit and leaves a named trace, its sidecar and a report; the snapshot policy is the engine's, not the
/// caller's: an attach is snapshotted when quiet, a launch only at stop (if it still runs), never when quiet.
/// </summary>
public sealed class LiveTraceTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_launched_program_is_traced_to_its_exit_with_sidecar_and_report()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string output = Path.Combine(dir.Path, "launched.nettrace");
        var notices = new ConcurrentQueue<string>();
        using var force = new CancellationTokenSource(s_timeout); // bounded: a stuck run stops at once
        await using LiveTrace trace = await LiveTrace.LaunchAsync(ToolPaths.HangTargetsDll, ["exit"], null, TextWriter.Null,
            new LiveTraceOptions { OutputPath = output }, snapshotAtStop: true, force.Token);
        trace.Notice += notices.Enqueue;
        await trace.StartAsync(force.Token);

        LiveTraceEnd end = await trace.RunAsync(CancellationToken.None, force.Token);

        Assert.Equal(StopReason.TargetExited, end.Reason);
        Assert.False(end.EndedByTracer);
        Assert.Equal(0, end.ExitCode);
        Assert.True(trace.IsLaunched);
        Assert.False(trace.Options.AutoSnapshot!.WhenQuiet); // a launched program is looked at only when tracing stops it
        Assert.True(trace.Options.AutoSnapshot.AtStop);
        Assert.Null(trace.Root.Snapshot); // it ended by itself: nothing to look at
        Assert.True(File.Exists(output));
        Assert.True(File.Exists(output + ".meta.json")); // the sidecar (thread names, processes)
        TraceReport report = trace.Report();
        ReportProcess process = Assert.Single(report.Processes, p => p.ProcessId == trace.ProcessId);
        Assert.Equal(0, process.ExitCode);
        Assert.Equal(Environment.ProcessId, process.ParentProcessId);
        Assert.True(report.Events > 0);
        Assert.Equal(output, report.TraceFile);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_attach_is_snapshotted_when_quiet_unless_told_not_to(bool snapshotWhenQuiet)
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        using ChildProcess target = ChildProcess.Start(ToolPaths.Dotnet, [ToolPaths.HangTargetsDll, "convoy", "2"]);
        await target.WaitForLineAsync("convoy: running", s_timeout);

        await using LiveTrace trace = LiveTrace.Attach(target.Id, port: null, new LiveTraceOptions(), snapshotWhenQuiet);

        Assert.False(trace.IsLaunched);
        Assert.Equal(snapshotWhenQuiet, trace.Options.AutoSnapshot is { WhenQuiet: true, AtStop: false });
        Assert.Contains($"_{target.Id}_", Path.GetFileName(trace.Options.OutputPath), StringComparison.Ordinal); // named after the process
        Assert.Same(trace.Root, Assert.Single(trace.Sessions)); // a tree of one
        Assert.Equal(target.Id, trace.ProcessId);
    }
}
