using Tracer.Engine.Analysis;
using Tracer.Engine.Events;

namespace Tracer.Engine.Tests.Analysis;

/// <summary>The faulted-task detector on synthetic TPL/exception streams.</summary>
public sealed class FaultedTaskDetectorTests
{
    private const int Worker1 = 401, Worker2 = 402;

    [Fact]
    public void Each_faulted_task_is_named_with_the_first_exception_thrown_after_it_started()
    {
        FindingSet findings = Run(
            Started(1, Worker1, task: 5),
            Thrown(2, Worker1, "System.FormatException: job 4", stackId: 11),
            Thrown(3, Worker1, "System.FormatException: job 4", stackId: 12),        // the ExecutionContext rethrow
            Thrown(4, Worker1, "System.InvalidOperationException: job 1", stackId: 13), // an awaiting continuation ran inline
            Faulted(5, Worker1, task: 5),
            Started(6, Worker2, task: 8),
            Thrown(7, Worker2, "System.UnauthorizedAccessException: clean-up", stackId: 21),
            Faulted(8, Worker2, task: 8));

        Finding f = Assert.Single(findings.Snapshot());
        Assert.Equal(FindingKinds.TaskFault, f.Kind);
        Assert.Equal(2, f.Metrics["faultedTasks"]);
        Assert.Equal(5, f.TimeMs);
        Assert.Contains("task 5 on tid 401: System.FormatException: job 4", f.Details);
        Assert.Contains("task 8 on tid 402: System.UnauthorizedAccessException: clean-up", f.Details);
        Assert.Equal([(Worker1, 11), (Worker2, 21)], f.Threads.Select(t => (t.ThreadId, t.StackId)).Order());
    }

    [Fact]
    public void Exceptions_caught_before_a_task_started_are_not_blamed_on_it()
    {
        FindingSet findings = Run(
            Thrown(1, Worker1, "System.IO.IOException: handled earlier", stackId: 9),
            Started(2, Worker1, task: 3),
            Thrown(3, Worker1, "System.TimeoutException: job 3", stackId: 10),
            Faulted(4, Worker1, task: 3));

        Assert.Equal(["task 3 on tid 401: System.TimeoutException: job 3"], Assert.Single(findings.Snapshot()).Details.Take(1));
    }

    [Fact]
    public void Exceptions_without_a_faulted_task_are_no_finding()
    {
        FindingSet findings = Run(Started(1, Worker1, task: 1), Thrown(2, Worker1, "System.Exception: caught", stackId: 1));
        Assert.Empty(findings.Snapshot());
    }

    private static TraceRecord Started(double t, int thread, long task) => Task(t, thread, TaskEventReason.TaskStarted) with { ObjectId = (ulong)task };

    private static TraceRecord Faulted(double t, int thread, long task) => Task(t, thread, TaskEventReason.TaskFaulted) with { ObjectId = (ulong)task };

    private static TraceRecord Thrown(double t, int thread, string text, int stackId) =>
        Task(t, thread, TaskEventReason.ExceptionThrown) with { Text = text, StackId = stackId };

    private static TraceRecord Task(double t, int thread, TaskEventReason reason) =>
        new() { Kind = TraceEventKind.TaskEvent, TimeMs = t, ThreadId = thread, Reason = (byte)reason, StackId = -1 };

    private static FindingSet Run(params TraceRecord[] events)
    {
        var detector = new FaultedTaskDetector();
        var findings = new FindingSet();
        foreach (TraceRecord e in events)
        {
            detector.OnEvent(e, findings);
        }

        detector.Complete(100, findings);
        return findings;
    }
}
