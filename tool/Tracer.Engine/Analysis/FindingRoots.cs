namespace Tracer.Engine.Analysis;

/// <summary>
/// One finding per root cause: threads that another finding explains are listed under it instead of being findings of
/// their own. A thread waiting for a lock held by a deadlocked thread goes under the deadlock; joins and task waits
/// (a <see cref="DependentMetric"/> hang) go under the first cause in their process (a deadlock, else the earliest
/// hang), and are no finding at all when nothing else is stuck (what they wait for is then still running).
/// A hang or long wait whose threads are all explained by one finding (<see cref="Finding.Explains"/>: the blocked pool
/// threads of a starvation) is folded under that finding first, whether or not it is dependent.
/// Pure: the same findings always give the same result.
/// </summary>
public static class FindingRoots
{
    /// <summary>Metric set to 1 on a finding whose threads only wait for other work (they are a symptom).</summary>
    public const string DependentMetric = "dependent";

    public static List<Finding> Fold(IReadOnlyList<Finding> findings)
    {
        var result = new List<Finding>(findings.Count);
        var symptoms = new List<Finding>();
        var explained = new Dictionary<Finding, List<Finding>>(ReferenceEqualityComparer.Instance);
        foreach (Finding f in findings)
        {
            if (ExplainedBy(f, findings) is { } cause)
            {
                (explained.TryGetValue(cause, out List<Finding>? under) ? under : explained[cause] = []).Add(f);
            }
            else
            {
                (IsSymptom(f) ? symptoms : result).Add(f);
            }
        }

        for (int i = 0; i < result.Count; i++)
        {
            if (explained.TryGetValue(result[i], out List<Finding>? under))
            {
                result[i] = Explained(result[i], under);
            }
        }

        // Lock hangs whose holder is in a deadlock: their waiters wait on the cycle.
        foreach (Finding hang in result.Where(f => f.Kind == FindingKinds.Hang && f.Locks.Count == 1).ToList())
        {
            if (hang.Locks[0].OwnerThreadId is int holder
                && result.FindIndex(d => d.Kind == FindingKinds.Deadlock && d.Threads.Any(t => t.ThreadId == holder)) is int at and >= 0)
            {
                result[at] = Absorb(result[at], hang, "for a lock held by a thread in this cycle", onlyRole: "waits");
                result.Remove(hang);
            }
        }

        foreach (Finding symptom in symptoms)
        {
            int process = ProcessOf(symptom);
            int cause = result.FindIndex(f => f.Kind == FindingKinds.Deadlock && ProcessOf(f) == process);
            if (cause < 0)
            {
                cause = result.FindIndex(f => f.Kind == FindingKinds.Hang && ProcessOf(f) == process);
            }

            if (cause >= 0)
            {
                result[cause] = Absorb(result[cause], symptom, "for the threads above (joins them or waits on their tasks)", onlyRole: null);
            }
        }

        return result;
    }

    /// <summary>The finding whose <see cref="Finding.Explains"/> holds every thread of <paramref name="f"/>, a hang or
    /// long wait; null when none does.</summary>
    public static Finding? ExplainedBy(Finding f, IReadOnlyList<Finding> findings)
    {
        if (f.Kind is not (FindingKinds.Hang or FindingKinds.LongWait) || f.Threads.Count == 0)
        {
            return null;
        }

        foreach (Finding cause in findings)
        {
            if (cause.Explains.Count > 0 && !ReferenceEquals(cause, f) && f.Threads.All(t => cause.Explains.Contains(t.ThreadId)))
            {
                return cause;
            }
        }

        return null;
    }

    private static Finding Explained(Finding cause, List<Finding> under) => cause with
    {
        Details =
        [
            .. cause.Details,
            $"explains {string.Join(" and ", under.GroupBy(s => s.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key} finding{(g.Count() == 1 ? string.Empty : "s")}"))} of these threads (not listed on their own)",
        ],
    };

    private static bool IsSymptom(Finding f) => f.Metrics.TryGetValue(DependentMetric, out double d) && d > 0;

    private static int ProcessOf(Finding f) => f.Threads.Count == 0 ? 0 : f.Threads[0].ProcessId;

    private static Finding Absorb(Finding cause, Finding explained, string why, string? onlyRole)
    {
        var known = cause.Threads.Select(t => t.ThreadId).ToHashSet();
        List<FindingThread> added = [.. explained.Threads.Where(t => (onlyRole is null || t.Role == onlyRole) && known.Add(t.ThreadId))];
        if (added.Count == 0)
        {
            return cause;
        }

        string who = added.Count == 1 ? "1 more thread waits" : $"{added.Count} more threads wait";
        return cause with
        {
            Threads = [.. cause.Threads, .. added],
            // What the explained finding said about its own threads (e.g. which thread a join joins) stays with them.
            Details = [.. cause.Details, $"{who} {why}", .. explained.Details.Where(d => !d.StartsWith("blocked since", StringComparison.Ordinal) && !cause.Details.Contains(d))],
        };
    }
}
