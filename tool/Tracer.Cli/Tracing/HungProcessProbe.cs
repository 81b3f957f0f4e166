using Tracer.Engine;
using Tracer.Engine.Analysis;
using Tracer.Engine.Collect;
using Tracer.Engine.Events;
using Tracer.Engine.Reports;
using Tracer.Engine.Snapshot;

namespace Tracer.Cli.Tracing;

/// <summary>
/// For collect on a process that may already be hung: a deadlock formed before attach emits no more events, so when
/// the session has seen no lock activity (no contention starting or ending) for <see cref="Quiet"/> and no deadlock,
/// the probe takes one snapshot and its findings join the report. Once per session; a failed snapshot is a note.
/// </summary>
internal sealed class HungProcessProbe : IDisposable
{
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);

    private readonly int _pid;
    private readonly LiveTraceSession _session;
    private readonly LiveSettings _settings;
    private readonly TextWriter _stderr;
    private readonly CancellationTokenSource _cancel = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<TraceReport?> _probe;
    private readonly CancellationToken _force;

    private HungProcessProbe(int pid, LiveTraceSession session, LiveSettings settings, TextWriter stderr, CancellationToken force)
    {
        _pid = pid;
        _session = session;
        _settings = settings;
        _stderr = stderr;
        _force = force;
        _probe = Task.Run(WatchAsync);
    }

    /// <summary>Signalled when the snapshot found a kind named by --stop-on.</summary>
    public CancellationToken StopRequested => _stop.Token;

    /// <summary>Starts watching an attached session; null when the user turned snapshots off.</summary>
    /// <param name="force">A forced stop (second Ctrl+C): a snapshot under way is abandoned (its dump deleted), not awaited.</param>
    public static HungProcessProbe? Start(int pid, LiveTraceSession session, LiveSettings settings, TextWriter stderr, CancellationToken force = default) =>
        settings.NoSnapshot ? null : new HungProcessProbe(pid, session, settings, stderr, force);

    /// <summary>The live report with the snapshot's findings, threads and notes added (waits for a snapshot under way).</summary>
    public async Task<TraceReport> MergeAsync(TraceReport live)
    {
        await _cancel.CancelAsync().ConfigureAwait(false); // a snapshot that has not started will not start now
        TraceReport? snapshot;
        try
        {
            snapshot = await _probe.ConfigureAwait(false);
        }
        catch (TracerUserException ex)
        {
            return live with { Notes = [.. live.Notes, $"the automatic snapshot failed: {ex.Message}"] };
        }
        catch (OperationCanceledException) when (_force.IsCancellationRequested)
        {
            return live with { Notes = [.. live.Notes, "the automatic snapshot under way was abandoned: tracing was forced to stop"] };
        }

        if (snapshot is null)
        {
            return live;
        }

        var liveCycles = live.Findings.Where(f => f.Kind == FindingKinds.Deadlock).Select(Members).ToList();
        ReportFinding[] added = [.. snapshot.Findings.Where(f => f.Kind != FindingKinds.Deadlock || !liveCycles.Any(c => c.SetEquals(Members(f))))];
        var liveThreads = live.Threads.Select(t => t.ThreadId).ToHashSet();
        return live with
        {
            Findings = [.. live.Findings, .. added],
            Threads = [.. live.Threads, .. snapshot.Threads.Where(t => !liveThreads.Contains(t.ThreadId))],
            Notes = [.. live.Notes, "no lock activity after attach, so a snapshot was taken: findings marked 'snapshot' come from it", .. snapshot.Notes],
        };
    }

    public void Dispose()
    {
        _cancel.Cancel();
        _cancel.Dispose();
        _stop.Dispose();
    }

    private static HashSet<int> Members(ReportFinding f) => [.. f.Threads.Select(t => t.ThreadId)];

    private async Task<TraceReport?> WatchAsync()
    {
        long seen = LockEvents();
        while (true)
        {
            try
            {
                await Task.Delay(Quiet, _cancel.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            long now = LockEvents();
            if (_session.Analyzer.Findings.Any(FindingKinds.Deadlock))
            {
                return null; // found live: nothing to add
            }

            if (now == seen)
            {
                return await SnapshotAsync().ConfigureAwait(false);
            }

            seen = now;
        }
    }

    private async Task<TraceReport> SnapshotAsync()
    {
        _stderr.WriteLine($"{Environment.NewLine}dotnet-tracer: no lock activity for {Quiet.TotalSeconds:0} s; taking a snapshot of pid {_pid} to look for a hang that formed before attach (--no-snapshot turns this off)");
        var options = new SnapshotOptions { Observe = _settings.Analysis.HangAfter };
        bool deadlockTold = false;
        ProcessSnapshot snapshot = await SnapshotCapture.TakeAsync(_pid, options, _force, read =>
        {
            // A cycle in the dump is certain without watching the threads: tell (and stop) now.
            foreach (ReportFinding f in SnapshotAnalysis.Report(read, _settings.Analysis).Findings.Where(f => f.Kind == FindingKinds.Deadlock))
            {
                _stderr.WriteLine($"dotnet-tracer: {f.Kind} found by the snapshot: {f.Summary}");
                deadlockTold = true;
            }

            if (deadlockTold && _settings.StopOn.Contains(FindingKinds.Deadlock))
            {
                _stop.Cancel();
            }
        }).ConfigureAwait(false);
        TraceReport report = SnapshotAnalysis.Report(snapshot, _settings.Analysis);
        foreach (ReportFinding f in report.Findings.Where(f => !(deadlockTold && f.Kind == FindingKinds.Deadlock)))
        {
            _stderr.WriteLine($"dotnet-tracer: {f.Kind} found by the snapshot: {f.Summary}");
        }

        report = report with { Findings = [.. report.Findings.Select(f => f with { Summary = "snapshot: " + f.Summary })] };

        if (report.Findings.Any(f => _settings.StopOn.Contains(f.Kind)))
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        return report;
    }

    // Torn reads of the counters are harmless: any change means the locks are alive.
    private long LockEvents() =>
        _session.Analyzer.Model.KindCounts[(int)TraceEventKind.ContentionStart] + _session.Analyzer.Model.KindCounts[(int)TraceEventKind.ContentionStop];
}
