using Tracer.Engine.Events;

namespace Tracer.Engine.Analysis;

/// <summary>
/// Names tasks that ended with an exception, each with the first exception thrown on its thread after it started
/// (type, message, throw stack). The trace cannot tell whether the program looked at an exception afterwards, so the
/// finding lists them all: `await Task.WhenAll` rethrows only the first, and a fire-and-forget task's exception is
/// seen by nobody. Matching is per thread, so it does not depend on the order of events from different threads.
/// </summary>
public sealed class FaultedTaskDetector : IDetector
{
    private const int MaxDetails = 20;

    /// <summary>Per thread: the first exception thrown since the task running on it started.</summary>
    private readonly Dictionary<int, (string Text, int StackId)> _firstThrow = new();
    private readonly List<Faulted> _faulted = [];

    public bool Handles(TraceEventKind kind) =>
        kind == TraceEventKind.TaskEvent;

    public void OnEvent(in TraceRecord e, IFindingSink sink)
    {
        if (e.Kind != TraceEventKind.TaskEvent)
        {
            return;
        }

        switch ((TaskEventReason)e.Reason)
        {
            case TaskEventReason.TaskStarted:
                _firstThrow.Remove(e.ThreadId);
                break;
            case TaskEventReason.ExceptionThrown:
                // The task's own throw comes first; rethrows (ExecutionContext, await) and continuations run inline
                // before the task reports its end, so later throws on the thread are not the task's.
                _firstThrow.TryAdd(e.ThreadId, (e.Text ?? "exception", e.StackId));
                break;
            case TaskEventReason.TaskFaulted:
                (string text, int stackId) = _firstThrow.Remove(e.ThreadId, out var thrown) ? thrown : ("unknown exception", e.StackId);
                _faulted.Add(new Faulted((long)e.ObjectId, e.ThreadId, e.ProcessId, e.TimeMs, text, stackId));
                break;
        }
    }

    public void Checkpoint(double nowMs, IFindingSink sink) => Complete(nowMs, sink);

    public void Complete(double endMs, IFindingSink sink)
    {
        if (_faulted.Count == 0)
        {
            return;
        }

        List<Faulted> ordered = [.. _faulted.OrderBy(f => f.TimeMs).ThenBy(f => f.TaskId)];
        var details = new List<string>();
        foreach (Faulted f in ordered.Take(MaxDetails))
        {
            details.Add($"task {f.TaskId} on tid {f.ThreadId}: {f.Exception}");
        }

        if (ordered.Count > MaxDetails)
        {
            details.Add($"... and {ordered.Count - MaxDetails} more");
        }

        details.Add("`await Task.WhenAll(...)` rethrows only the first exception (look at the WhenAll task's Exception.InnerExceptions), and nobody sees a fire-and-forget task's exception unless it is awaited or logged");

        // One stack per thread (the report keys stacks by thread): that thread's first faulted task.
        List<FindingThread> threads = [.. ordered.GroupBy(f => f.ThreadId).Select(g => g.First())
            .Select(f => new FindingThread(f.ThreadId, "faulted", null, null, f.StackId, f.TimeMs, f.ProcessId))];
        int kinds = ordered.Select(f => f.Exception).Distinct(StringComparer.Ordinal).Count();
        sink.Report(new Finding
        {
            Kind = FindingKinds.TaskFault,
            // Advisory: the TPL events say a task faulted, not whether the program observed the exception (a handled
            // fault is normal), so this is a note to check, not evidence that work is held up.
            Severity = Severity.Info,
            Summary = $"{ordered.Count} task(s) ended with an exception ({kinds} different); check that the program saw every one",
            TimeMs = ordered[0].TimeMs,
            Key = "task-fault",
            Threads = threads,
            Details = details,
            Metrics = new Dictionary<string, double> { ["faultedTasks"] = ordered.Count, ["distinctExceptions"] = kinds },
        });
    }

    private readonly record struct Faulted(long TaskId, int ThreadId, int ProcessId, double TimeMs, string Exception, int StackId);
}
