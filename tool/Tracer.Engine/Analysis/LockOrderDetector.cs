using Tracer.Engine.Events;

namespace Tracer.Engine.Analysis;

/// <summary>
/// Lock-order (lockdep-style) potential-deadlock detection over probe lock events. Each thread's held set is tracked;
/// taking B while holding A adds the edge A→B to one graph per process, remembered with where it was first seen.
/// A cycle in that graph means two (or more) threads can each hold one lock of the cycle and wait for the next:
/// reported even though this run completed. Re-taking a lock the thread already holds adds no edge; a cycle whose
/// every edge was always taken under one common other lock (a gate) cannot deadlock and is not reported.
/// Only per-thread event order matters, so cross-thread arrival order does not change the result.
/// </summary>
public sealed class LockOrderDetector : IDetector
{
    private readonly Dictionary<(int Process, int Thread), List<Held>> _held = new();
    private readonly Dictionary<(int Process, ulong From), Dictionary<ulong, OrderEdge>> _edges = new();
    private readonly Dictionary<(int Process, ulong Id), string> _names = new();
    private readonly HashSet<string> _reported = [];
    private static readonly HashSet<ulong> s_noGuards = [];

    public bool Handles(TraceEventKind kind) =>
        kind == TraceEventKind.Probe;

    public void OnEvent(in TraceRecord e, IFindingSink sink)
    {
        switch (ProbeRecord.Operation(e))
        {
            case ProbeOperation.LockAcquired:
                Acquired(e, sink);
                break;
            case ProbeOperation.LockOrderReport:
                sink.Report(InProcessFindings.LockOrder(e)); // a cycle the in-process detector of run --races closed
                break;
            case ProbeOperation.LockReleased:
                ulong released = e.ObjectId;
                if (_held.TryGetValue((e.ProcessId, e.ThreadId), out List<Held>? held))
                {
                    int index = held.FindLastIndex(h => h.Id == released);
                    if (index >= 0 && --held[index].Count == 0)
                    {
                        held.RemoveAt(index);
                    }
                }

                break;
        }
    }

    public void Complete(double endMs, IFindingSink sink)
    {
        // Cycles are reported when their last edge appears.
    }

    private void Acquired(in TraceRecord e, IFindingSink sink)
    {
        if (e.Text is not null)
        {
            _names[(e.ProcessId, e.ObjectId)] = e.Text;
        }

        if (!_held.TryGetValue((e.ProcessId, e.ThreadId), out List<Held>? held))
        {
            _held[(e.ProcessId, e.ThreadId)] = held = [];
        }

        ulong taken = e.ObjectId;
        Held? again = held.Find(h => h.Id == taken);
        if (again is not null)
        {
            again.Count++; // re-entrant: no new order
            return;
        }

        foreach (Held outer in held)
        {
            HashSet<ulong> guards = held.Count == 1 ? s_noGuards : held.Where(h => h.Id != outer.Id).Select(h => h.Id).ToHashSet();
            if (!_edges.TryGetValue((e.ProcessId, outer.Id), out Dictionary<ulong, OrderEdge>? from))
            {
                _edges[(e.ProcessId, outer.Id)] = from = new Dictionary<ulong, OrderEdge>();
            }

            if (from.TryGetValue(e.ObjectId, out OrderEdge? known))
            {
                known.Guards.IntersectWith(guards);
                continue;
            }

            from[e.ObjectId] = new OrderEdge(outer.Id, e.ObjectId, e.ThreadId, outer.StackId, e.StackId, e.TimeMs, [.. guards]);
            FindCycleThrough(e.ProcessId, outer.Id, e.ObjectId, sink);
        }

        held.Add(new Held(e.ObjectId, e.StackId));
    }

    /// <summary>The new edge from→to closes a cycle iff `to` reaches `from`.</summary>
    private void FindCycleThrough(int processId, ulong from, ulong to, IFindingSink sink)
    {
        List<OrderEdge>? path = PathTo(processId, to, from, []);
        if (path is null)
        {
            return;
        }

        List<OrderEdge> cycle = [_edges[(processId, from)][to], .. path];
        HashSet<ulong> common = [.. cycle[0].Guards];
        foreach (OrderEdge edge in cycle)
        {
            common.IntersectWith(edge.Guards);
        }

        if (common.Count > 0)
        {
            return; // every order was taken under the same gate lock
        }

        ulong[] locks = [.. cycle.Select(c => c.From).Order()];
        string key = $"potential-deadlock:{processId}:{string.Join(",", locks)}";
        if (!_reported.Add(key))
        {
            return;
        }

        string Name(ulong id) => _names.GetValueOrDefault((processId, id)) ?? $"lock#{id}";
        string order = string.Join(" → ", cycle.Select(c => $"'{Name(c.From)}'")) + $" → '{Name(cycle[0].From)}'";
        sink.Report(new Finding
        {
            Kind = FindingKinds.PotentialDeadlock,
            Severity = Severity.Warning,
            Summary = $"lock-order inversion over {cycle.Count} locks ({order}): threads taking them in these orders at the same time would deadlock",
            TimeMs = cycle.Max(c => c.TimeMs),
            Key = key,
            Threads = [.. cycle.Select(c => new FindingThread(c.ThreadId, $"takes '{Name(c.To)}' while holding '{Name(c.From)}'", null, null, c.InnerStackId, c.TimeMs, processId))],
            Locks = [.. cycle.Select(c => new FindingLock(0, c.From, null, Name(c.From)))],
            Details = [.. cycle.Select(c => $"order '{Name(c.From)}' → '{Name(c.To)}' first established by thread {c.ThreadId} at {c.TimeMs:F3} ms")],
            Metrics = new Dictionary<string, double> { ["locks"] = cycle.Count },
        });
    }

    /// <summary>Depth-first search for a path start →* target in the process's order graph.</summary>
    private List<OrderEdge>? PathTo(int processId, ulong start, ulong target, HashSet<ulong> visited)
    {
        if (!visited.Add(start) || !_edges.TryGetValue((processId, start), out Dictionary<ulong, OrderEdge>? next))
        {
            return null;
        }

        foreach ((ulong to, OrderEdge edge) in next)
        {
            if (to == target)
            {
                return [edge];
            }

            if (PathTo(processId, to, target, visited) is { } rest)
            {
                return [edge, .. rest];
            }
        }

        return null;
    }

    private sealed class Held(ulong id, int stackId)
    {
        public ulong Id { get; } = id;
        public int StackId { get; } = stackId;
        public int Count { get; set; } = 1;
    }

    /// <summary>Where the order From→To was first seen; Guards = other locks held every time it was taken.</summary>
    private sealed record OrderEdge(ulong From, ulong To, int ThreadId, int OuterStackId, int InnerStackId, double TimeMs, HashSet<ulong> Guards);
}
