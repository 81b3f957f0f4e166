namespace Tracer.Engine.Reports;

/// <summary>
/// A finding's threads grouped by what they do and where: same role, same primitive, same lock and holder, and the
/// same place (innermost user frame; the whole stack when it has none). The one place a report groups threads, so "12 threads in X → SemaphoreSlim.Wait" reads as one line and
/// one stack, whichever finding lists them.
/// </summary>
public static class ThreadGroups
{
    /// <summary>Groups in the order their first thread appears in the finding.</summary>
    public static IReadOnlyList<ThreadGroup> Of(IReadOnlyList<ReportFindingThread> threads)
    {
        var groups = new List<ThreadGroup>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (ReportFindingThread t in threads)
        {
            // Same place: the innermost user frame and the primitive (sampled stacks of one loop differ in depth and in the
            // frames above it); a stack with no user frame is grouped by its whole self.
            string? where = t.Frames.FirstOrDefault(f => !Symbols.StackResolver.IsFrameworkFrame(f));
            string place = where is null ? string.Join("\n", t.Frames) : where;
            string key = string.Join("\n", [t.Role, t.Primitive ?? string.Empty, t.WaitsForLock?.ToString() ?? string.Empty, t.HeldBy?.ToString() ?? string.Empty, place]);
            if (index.TryGetValue(key, out int at))
            {
                groups[at].Threads.Add(t);
            }
            else
            {
                index[key] = groups.Count;
                groups.Add(new ThreadGroup([t]));
            }
        }

        return groups;
    }

    /// <summary>"a, b, c and 9 more" for a group's thread names.</summary>
    public static string Names(ThreadGroup group, int shown = 4)
    {
        IEnumerable<string> names = group.Threads.Take(shown).Select(t => t.DisplayName);
        int rest = group.Threads.Count - shown;
        return rest > 0 ? $"{string.Join(", ", names)} and {rest} more" : string.Join(", ", names);
    }
}

/// <summary>Threads of one finding that do the same thing at the same code; <see cref="First"/> stands for all.</summary>
public sealed record ThreadGroup(List<ReportFindingThread> Threads)
{
    public ReportFindingThread First => Threads[0];
    public int Count => Threads.Count;

    /// <summary>The innermost user frame of the shared stack, or null.</summary>
    public string? Where => First.Frames.FirstOrDefault(f => !Symbols.StackResolver.IsFrameworkFrame(f));
}
