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

    /// <summary>Raised on the decoder thread for each new finding that is a cause of its own, after the decoder let go of
    /// the analyzer's lock (<see cref="DispatchFound"/>): a subscriber may do I/O without holding up readers.</summary>
    public event Action<Finding>? Found;

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
                _newlyFound.Enqueue(finding);
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

                if (!_findings.Contains(next))
                {
                    continue; // withdrawn or replaced before it could be announced
                }
            }

            Found?.Invoke(next);
        }
    }

    public void Retract(string key)
    {
        lock (_gate)
        {
            _findings.RemoveAll(f => f.Key == key);
        }
    }

    /// <summary>One finding per root cause (the threads a cause explains listed under it), worst first, then in the order found.</summary>
    public IReadOnlyList<Finding> Snapshot()
    {
        lock (_gate)
        {
            return FindingRoots.Fold([.. _findings.Select((f, i) => (f, i)).OrderByDescending(x => x.f.Severity).ThenBy(x => x.i).Select(x => x.f)]);
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
            return _findings.Exists(f => f.Kind == kind);
        }
    }
}
