using System.Runtime.InteropServices;
using Tracer.Engine.Events;
using Tracer.Engine.Model;

namespace Tracer.Engine.Analysis;

/// <summary>
/// A lock convoy: one lock takes most of all the time threads spend waiting for locks, over many contentions by
/// several threads (a global lock in a hot loop), and that wait is a real share of those threads' time: relative to
/// the span the lock was contended in, so the same few milliseconds of waiting are a convoy in a one-second burst and
/// noise over ten minutes of a healthy service. Locks are compared by total wait, so a lock taken rarely ranks below
/// one taken in a hot loop even when it had the single longest wait. Checked every few contentions (so a live session
/// can stop on it) and at the end, with the final numbers. Wait durations come from the model's
/// <see cref="WaitTracker"/> (one it owns when none is given, as in unit tests).
/// </summary>
public sealed class ConvoyDetector(AnalysisOptions options, WaitTracker? waits = null) : IDetector
{
    private const int CheckEvery = 32;
    private readonly Dictionary<ulong, LockTotals> _locks = new();
    private readonly bool _ownsWaits = waits is null;
    private readonly WaitTracker _waits = waits ?? new WaitTracker();
    private readonly HashSet<string> _reported = [];
    private double _allWaitMs;
    private LockTotals? _lastLock; // a convoy is one lock over and over: most lookups end here
    private int _stopsSinceCheck;

    public bool Handles(TraceEventKind kind) =>
        kind is TraceEventKind.ContentionStart or TraceEventKind.ContentionStop;

    public void OnEvent(in TraceRecord e, IFindingSink sink)
    {
        if (_ownsWaits)
        {
            _waits.Apply(e);
        }

        switch (e.Kind)
        {
            case TraceEventKind.ContentionStart:
            {
                LockTotals totals = Totals(e.LockId);
                if (totals.Contentions++ == 0)
                {
                    totals.FirstMs = e.TimeMs;
                }

                if (e.OwnerThreadId != 0)
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(totals.Owners, e.OwnerThreadId, out _)++;
                }

                totals.Waiters.TryAdd(e.ThreadId, (e.StackId, e.TimeMs, e.ProcessId));
                break;
            }

            case TraceEventKind.ContentionStop:
                if (_waits.TryGetEndedLockWait(e, out EndedLockWait ended) && !ended.Lost)
                {
                    double waitedMs = ended.DurationMs;
                    LockTotals totals = Totals(ended.Wait.LockId);
                    totals.WaitMs += waitedMs;
                    totals.LastMs = Math.Max(totals.LastMs, e.TimeMs);
                    _allWaitMs += waitedMs;
                    if (++_stopsSinceCheck >= CheckEvery)
                    {
                        _stopsSinceCheck = 0;
                        Check(e.TimeMs, sink, final: false);
                    }
                }

                break;
        }
    }

    public void Complete(double endMs, IFindingSink sink) => Check(endMs, sink, final: true);

    private LockTotals Totals(ulong lockId)
    {
        if (_lastLock is not null && _lastLock.LockId == lockId)
        {
            return _lastLock;
        }

        if (!_locks.TryGetValue(lockId, out LockTotals? totals))
        {
            totals = new LockTotals(lockId);
            _locks.Add(lockId, totals);
        }

        return _lastLock = totals;
    }

    /// <summary>Reports a dominating lock once when it appears (so a live session can stop on it) and with its final
    /// figures at the end; in between only a change of which lock dominates is acted on (building a finding per check
    /// cost a tenth of a replay).</summary>
    private void Check(double timeMs, IFindingSink sink, bool final)
    {
        if (_allWaitMs <= 0)
        {
            return;
        }

        foreach (LockTotals l in _locks.Values)
        {
            double share = l.WaitMs / _allWaitMs;
            double waiting = l.WaitingShare;
            string key = $"convoy:{l.LockId:x}";
            if (l.WaitMs < options.ConvoyMinTotalWait.TotalMilliseconds || l.Contentions < options.ConvoyMinContentions
                || l.Waiters.Count < 2 || share < options.ConvoyMinShare || waiting < options.ConvoyMinWaitingShare)
            {
                if (_reported.Remove(key))
                {
                    sink.Retract(key); // another lock took over most of the wait
                }

                continue;
            }

            if (!_reported.Add(key) && !final)
            {
                continue;
            }

            int owner = l.Owners.Count == 0 ? 0 : l.Owners.MaxBy(kv => kv.Value).Key;
            sink.Report(new Finding
            {
                Kind = FindingKinds.Convoy,
                Severity = Severity.Warning,
                Summary = $"one lock takes {share:P0} of all lock wait: {l.Contentions:N0} contentions by {l.Waiters.Count} threads, {l.WaitMs:N0} ms waited in total",
                TimeMs = timeMs,
                Key = key,
                Threads = [.. l.Waiters.OrderBy(w => w.Key).Select(w => new FindingThread(w.Key, "waits", l.LockId, owner == 0 || owner == w.Key ? null : owner, w.Value.StackId, w.Value.FirstMs, w.Value.ProcessId))],
                Locks = [new FindingLock(l.LockId, 0, owner == 0 ? null : owner)],
                Details =
                [
                    $"its {l.Waiters.Count} waiting threads spent {waiting:P0} of the {l.SpanMs / 1000:F2} s it was contended waiting for it",
                    "threads queue on this lock one after another (a convoy): shorten the critical section, or give each thread its own data and merge once",
                ],
                Metrics = new Dictionary<string, double>
                {
                    ["totalWaitMs"] = l.WaitMs,
                    ["contentions"] = l.Contentions,
                    ["waitShare"] = share,
                    ["threads"] = l.Waiters.Count,
                    ["waitingShare"] = Math.Round(waiting, 4),
                    ["contendedSpanMs"] = Math.Round(l.SpanMs, 3),
                },
            });
        }
    }

    private sealed class LockTotals(ulong lockId)
    {
        public ulong LockId { get; } = lockId;
        public int Contentions { get; set; }
        public double WaitMs { get; set; }
        public double FirstMs { get; set; }
        public double LastMs { get; set; }
        public Dictionary<int, int> Owners { get; } = new();

        /// <summary>From its first contention to its last wait's end (at least 1 ms).</summary>
        public double SpanMs => Math.Max(1, LastMs - FirstMs);

        /// <summary>The share of its waiting threads' time, over <see cref="SpanMs"/>, spent waiting for it.</summary>
        public double WaitingShare => WaitMs / (SpanMs * Math.Max(1, Waiters.Count));
        /// <summary>Each waiting thread with its first waiting stack.</summary>
        public Dictionary<int, (int StackId, double FirstMs, int ProcessId)> Waiters { get; } = new();
    }
}
