namespace Tracer.Engine.Analysis;

/// <summary>
/// The findings of one trace, de-duplicated by key, in the order found. Thread-safe to read while written. What it
/// shows (<see cref="Snapshot"/>) is one finding per root cause (<see cref="FindingRoots"/>).
/// </summary>
public sealed class FindingSet : IFindingSink
{
    private readonly Lock _gate = new();
    private readonly List<Finding> _findings = [];
    private readonly Queue<Finding> _newlyFound = new();
    /// <summary>Threads whose wait a look at the heap judged idle (the program's wait for shutdown), and when it looked.</summary>
    private readonly Dictionary<(int ProcessId, int ThreadId), double> _idleAt = new();
    /// <summary>Keys of findings not announced yet because a look at the heap may judge them idle.</summary>
    private readonly HashSet<string> _held = [];
    /// <summary>Keys of findings announced only when the session ends, if they still stand (<see cref="HoldUntilEnd"/>).</summary>
    private readonly HashSet<string> _heldToEnd = [];
    /// <summary>The look's verdict, kept after it (<see cref="ReleaseHeld"/>): an ownerless hang it says the look could not
    /// settle (its threads wait on objects running code reaches) is held until the end when it forms later too, such as
    /// the same worker hung again between two later items, under a key the first hang did not have (its frames were
    /// named meanwhile, or its wait's stack changed).</summary>
    private Func<Finding, bool>? _untilEndAfterLook;

    /// <summary>Raised on the decoder thread for each new finding that is a cause of its own, after the decoder let go of
    /// the analyzer's lock (<see cref="DispatchFound"/>): a subscriber may do I/O without holding up readers.</summary>
    public event Action<Finding>? Found;

    /// <summary>
    /// Set while a live session can still look at the heap (its automatic snapshot): a hang in a wait without an owner
    /// (<see cref="HangGroups.IsOwnerlessWait"/>; a console service's main thread waiting for shutdown, a worker between
    /// two items) is then not announced until <see cref="ReleaseHeld"/>: the look decides, and a dismissed one, or one
    /// withdrawn meanwhile, is never announced (a notice the final report contradicts is a false finding).
    /// </summary>
    public bool HoldsOwnerlessWaits { get; set; }

    /// <summary>Whether a finding waits for the look (<see cref="HoldsOwnerlessWaits"/>).</summary>
    public bool HasHeld
    {
        get
        {
            lock (_gate)
            {
                return _held.Count > 0;
            }
        }
    }

    public void Report(Finding finding)
    {
        lock (_gate)
        {
            int index = _findings.FindIndex(f => f.Key == finding.Key);
            if (index >= 0)
            {
                _findings[index] = finding; // same problem, fresher evidence
                return;
            }

            _findings.Add(finding);
            if (!(finding.Metrics.TryGetValue(FindingRoots.DependentMetric, out double dependent) && dependent > 0)
                && FindingRoots.ExplainedBy(finding, _findings) is null)
            {
                if (_heldToEnd.Contains(finding.Key))
                {
                    // announced by ReleaseHeld(atEnd: true)
                }
                else if (_untilEndAfterLook is { } untilEnd && HangGroups.IsOwnerlessWait(finding) && untilEnd(finding))
                {
                    _heldToEnd.Add(finding.Key);
                }
                else if (HoldsOwnerlessWaits && HangGroups.IsOwnerlessWait(finding))
                {
                    _held.Add(finding.Key);
                }
                else
                {
                    _newlyFound.Enqueue(finding);
                }
            }
        }
    }

    /// <summary>Raises <see cref="Found"/> for the findings reported since the last call; call outside the analyzer's lock.</summary>
    public void DispatchFound()
    {
        while (true)
        {
            Finding next;
            lock (_gate)
            {
                if (!_newlyFound.TryDequeue(out next!))
                {
                    return;
                }

                if (!_findings.Contains(next) || IsDismissed(next))
                {
                    continue; // withdrawn, replaced or judged idle before it could be announced
                }
            }

            Found?.Invoke(next);
        }
    }

    /// <summary>
    /// A finding of this key, when reported, is announced only when the session ends and only if it still stands: the
    /// evidence for it is not enough to tell the user before the trace had the time to withdraw it.
    /// </summary>
    public void HoldUntilEnd(string key)
    {
        lock (_gate)
        {
            _heldToEnd.Add(key);
        }
    }

    /// <summary>The look is over (or will not come): held findings still standing are announced with the next dispatch,
    /// except those <paramref name="untilEnd"/> says the look could not settle (kept until the end); with
    /// <paramref name="atEnd"/> (the session ends) those held until the end too.</summary>
    public void ReleaseHeld(bool atEnd = false, Func<Finding, bool>? untilEnd = null)
    {
        lock (_gate)
        {
            HoldsOwnerlessWaits = false;
            _untilEndAfterLook = atEnd ? null : untilEnd;
            IEnumerable<string> keys = atEnd ? [.. _held, .. _heldToEnd] : _held;
            foreach (string key in keys)
            {
                if (_findings.Find(f => f.Key == key) is not { } finding || IsDismissed(finding))
                {
                    continue;
                }

                if (!atEnd && untilEnd?.Invoke(finding) == true)
                {
                    _heldToEnd.Add(key);
                    continue;
                }

                _newlyFound.Enqueue(finding);
            }

            _held.Clear();
            if (atEnd)
            {
                _heldToEnd.Clear();
            }
        }
    }

    public void Retract(string key)
    {
        lock (_gate)
        {
            _findings.RemoveAll(f => f.Key == key);
        }
    }

    /// <summary>
    /// A look at the heap at <paramref name="atMs"/> found the thread parked where the program waits for shutdown (an
    /// object that running code can still signal, <see cref="Snapshot.SnapshotHangFinder.ShutdownWaits"/>): a hang of that
    /// thread alone, in the wait it was in then (begun by then), is not shown, whenever a detector reports it.
    /// </summary>
    public void DismissHangOf(int processId, int threadId, double atMs)
    {
        lock (_gate)
        {
            _idleAt[(processId, threadId)] = atMs;
        }
    }

    /// <summary>One finding per root cause (the threads a cause explains listed under it), worst first, then in the order found.</summary>
    public IReadOnlyList<Finding> Snapshot()
    {
        lock (_gate)
        {
            return FindingRoots.Fold([.. _findings.Where(f => !IsDismissed(f)).Select((f, i) => (f, i)).OrderByDescending(x => x.f.Severity).ThenBy(x => x.i).Select(x => x.f)]);
        }
    }

    /// <summary>Every finding as the detectors reported it (symptoms included), in the order found.</summary>
    public IReadOnlyList<Finding> Reported()
    {
        lock (_gate)
        {
            return [.. _findings];
        }
    }

    public bool Any(string kind)
    {
        lock (_gate)
        {
            return _findings.Exists(f => f.Kind == kind && !IsDismissed(f));
        }
    }

    private bool IsDismissed(Finding f) =>
        _idleAt.Count > 0 && f.Kind == FindingKinds.Hang && f.Threads.Count > 0
        && f.Threads.All(t => _idleAt.TryGetValue((t.ProcessId, t.ThreadId), out double atMs) && t.SinceMs <= atMs);
}
