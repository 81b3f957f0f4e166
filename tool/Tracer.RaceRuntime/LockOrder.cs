namespace Tracer.RaceRuntime;

/// <summary>One observed lock order: <see cref="TakenSite"/>'s lock was taken while holding <see cref="HeldSite"/>'s.</summary>
internal sealed record LockOrderEdge(long From, long To, int HeldSite, int TakenSite, int ThreadId, HashSet<long> Guards);

/// <summary>
/// Lockdep-style order graph over lock objects: taking B while holding A adds A→B (remembered with both sites and the
/// other locks held, its guards). A new edge that closes a cycle is a potential deadlock, unless every edge of the
/// cycle was taken under one common other lock (a gate), which serialises them. Edges are rare: one global gate.
/// </summary>
internal static class LockOrder
{
    private static readonly Lock s_gate = new();
    private static readonly Dictionary<long, Dictionary<long, LockOrderEdge>> s_edges = new();

    public static void Acquired(RaceThread thread, object obj, long id, int site)
    {
        List<HeldLock> held = thread.Held;
        bool again = false;
        foreach (HeldLock h in held)
        {
            again |= h.Id == id;
        }

        if (!again && held.Count > 0)
        {
            foreach (HeldLock outer in held)
            {
                if (outer.Id != id)
                {
                    AddEdge(outer, id, site, thread, held);
                }
            }
        }

        held.Add(new HeldLock(obj, id, site));
    }

    public static void Released(RaceThread thread, long id)
    {
        List<HeldLock> held = thread.Held;
        for (int i = held.Count - 1; i >= 0; i--)
        {
            if (held[i].Id == id)
            {
                held.RemoveAt(i);
                return;
            }
        }
    }

    private static void AddEdge(HeldLock outer, long to, int site, RaceThread thread, List<HeldLock> held)
    {
        if (!thread.KnownOrders.Add((outer.Id, to)))
        {
            return; // this thread already recorded this order: hot nested locking never takes the global gate again
        }

        List<LockOrderEdge>? cycle = null;
        lock (s_gate)
        {
            if (!s_edges.TryGetValue(outer.Id, out Dictionary<long, LockOrderEdge>? from))
            {
                s_edges[outer.Id] = from = new Dictionary<long, LockOrderEdge>();
            }

            if (from.ContainsKey(to))
            {
                return;
            }

            var guards = new HashSet<long>(held.Where(h => h.Id != outer.Id && h.Id != to).Select(h => h.Id));
            var edge = new LockOrderEdge(outer.Id, to, outer.Site, site, thread.ThreadId, guards);
            from[to] = edge;
            List<LockOrderEdge>? back = Path(to, outer.Id, []);
            if (back is not null)
            {
                cycle = [edge, .. back];
            }
        }

        if (cycle is not null && !Gated(cycle))
        {
            RaceReports.LockOrder(cycle);
        }
    }

    /// <summary>A path of edges from one lock to another (depth-first; the graph is small).</summary>
    private static List<LockOrderEdge>? Path(long from, long to, HashSet<long> seen)
    {
        if (!seen.Add(from) || !s_edges.TryGetValue(from, out Dictionary<long, LockOrderEdge>? next))
        {
            return null;
        }

        foreach (LockOrderEdge edge in next.Values)
        {
            if (edge.To == to)
            {
                return [edge];
            }

            if (Path(edge.To, to, seen) is { } rest)
            {
                return [edge, .. rest];
            }
        }

        return null;
    }

    private static bool Gated(List<LockOrderEdge> cycle)
    {
        HashSet<long> common = new(cycle[0].Guards);
        foreach (LockOrderEdge edge in cycle.Skip(1))
        {
            common.IntersectWith(edge.Guards);
        }

        return common.Count > 0;
    }
}
