using Microsoft.Diagnostics.Runtime;

namespace Tracer.Engine.Snapshot.Async;

/// <summary>
/// Reads a task's continuations (Task.m_continuationObject): a state-machine box, an Action whose target is one, a
/// TaskContinuation (AwaitTaskContinuation.m_action, ContinueWithTaskContinuation.m_task), a List of those, or a promise
/// task (WhenAll, Unwrap) whose own continuations are followed in turn. Bounded: a few levels, a few hundred objects.
/// </summary>
internal static class AsyncContinuations
{
    private const int MaxDepth = 4;
    private const int MaxTargets = 256;

    /// <summary>Boxes that resume when the task at <paramref name="task"/> completes, and the promises in between.</summary>
    public static IReadOnlyList<ulong> Resumed(ClrHeap heap, ClrObject task)
    {
        var boxes = new List<ulong>();
        var seen = new HashSet<ulong> { task.Address };
        Follow(heap, task.ReadObjectField("m_continuationObject"), boxes, seen, 0);
        return boxes;
    }

    /// <summary>"Type.Method" of the delegate a Task.Run / StartNew task runs; null for other tasks.</summary>
    public static string? DelegateMethod(ClrObject task)
    {
        if (!task.TryReadObjectField("m_action", out ClrObject action) || action.IsNull || !action.IsDelegate)
        {
            return null;
        }

        ClrMethod? method = action.AsDelegate().GetDelegateTarget()?.Method;
        return method is null ? null : $"{method.Type?.Name}.{method.Name}";
    }

    private static void Follow(ClrHeap heap, ClrObject obj, List<ulong> boxes, HashSet<ulong> seen, int depth)
    {
        if (obj.IsNull || !obj.IsValid || depth > MaxDepth || boxes.Count >= MaxTargets || !seen.Add(obj.Address) || obj.Type?.Name is not string name)
        {
            return;
        }

        if (name.Contains("+AsyncStateMachineBox<", StringComparison.Ordinal))
        {
            boxes.Add(obj.Address);
        }
        else if (AsyncHeapWalker.IsTask(obj.Type))
        {
            if (!name.Contains("WhenAny", StringComparison.Ordinal))
            {
                boxes.Add(obj.Address); // a promise (WhenAll, Unwrap) that completes only after this task: a thread may block on it
                Follow(heap, obj.ReadObjectField("m_continuationObject"), boxes, seen, depth + 1);
            }
        }
        else if (obj.IsDelegate)
        {
            if (obj.TryReadObjectField("_target", out ClrObject target))
            {
                Follow(heap, target, boxes, seen, depth + 1);
            }
        }
        else if (name.StartsWith("System.Collections.Generic.List<", StringComparison.Ordinal) && obj.TryReadObjectField("_items", out ClrObject items) && !items.IsNull)
        {
            ClrArray array = items.AsArray();
            for (int i = 0; i < Math.Min(array.Length, MaxTargets); i++)
            {
                Follow(heap, array.GetObjectValue(i), boxes, seen, depth + 1);
            }
        }
        else
        {
            foreach (string field in new[] { "m_action", "m_task", "StateMachine" })
            {
                if (obj.Type.GetFieldByName(field) is { IsObjectReference: true })
                {
                    Follow(heap, obj.ReadObjectField(field), boxes, seen, depth + 1);
                }
            }
        }
    }
}
