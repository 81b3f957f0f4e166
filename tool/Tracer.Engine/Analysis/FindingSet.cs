namespace Tracer.Engine.Analysis;

/// <summary>The findings of one trace, de-duplicated by key, in the order found. Thread-safe to read while written.</summary>
public sealed class FindingSet : IFindingSink
{
    private readonly Lock _gate = new();
    private readonly List<Finding> _findings = [];

    /// <summary>Raised on the decoder thread when a new finding appears.</summary>
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
        }

        Found?.Invoke(finding);
    }

    public void Retract(string key)
    {
        lock (_gate)
        {
            _findings.RemoveAll(f => f.Key == key);
        }
    }

    /// <summary>Worst first, then in the order found.</summary>
    public IReadOnlyList<Finding> Snapshot()
    {
        lock (_gate)
        {
            return [.. _findings.Select((f, i) => (f, i)).OrderByDescending(x => x.f.Severity).ThenBy(x => x.i).Select(x => x.f)];
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
