namespace Tracer.Engine.Reports;

/// <summary>
/// A finding's threads grouped by what they do and where: same role, same primitive, same lock, and the same place. The
/// one place a report groups threads, so "12 threads in X → SemaphoreSlim.Wait" reads as one line and one stack,
/// whichever finding lists them.
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
            // The holder is part of the key only when the lock is known: then "held by X" is said of the whole group.
            string place = PlaceOf(t.Frames) ?? string.Join("\n", t.Frames);
            string holder = t.WaitsForLock is null ? string.Empty : t.HeldBy?.ToString() ?? string.Empty;
            string key = string.Join("\n", [t.Role, t.Primitive ?? string.Empty, t.WaitsForLock?.ToString() ?? string.Empty, holder, place]);
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

    /// <summary>
    /// Where a stack waits: its innermost user frame, or when it has none (a framework thread, a logger's queue) the
    /// innermost frame that is not the wait itself. Sampled stacks of one loop differ in depth and in the frames above
    /// this, so they group by it; null for a stack with no such frame.
    /// </summary>
    public static string? PlaceOf(IReadOnlyList<string> frames) =>
        frames.FirstOrDefault(f => !Symbols.StackResolver.IsFrameworkFrame(f))
        ?? frames.FirstOrDefault(f => !f.StartsWith("System.Threading.", StringComparison.Ordinal) && !f.StartsWith("0x", StringComparison.Ordinal));

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

    /// <summary>Where the group waits (<see cref="ThreadGroups.PlaceOf"/>), or null.</summary>
    public string? Where => ThreadGroups.PlaceOf(First.Frames);
}
