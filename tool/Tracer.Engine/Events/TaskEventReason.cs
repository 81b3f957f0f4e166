namespace Tracer.Engine.Events;

/// <summary>What a <see cref="TraceEventKind.TaskEvent"/> record says (its Reason byte).</summary>
public enum TaskEventReason : byte
{
    /// <summary>A managed exception was thrown on the thread (Text = "Type: message", stack at the throw).</summary>
    ExceptionThrown = 1,
    /// <summary>A task ran by a scheduler ended faulted (ObjectId = task id).</summary>
    TaskFaulted = 2,
    /// <summary>A scheduler started running a task on the thread (ObjectId = task id).</summary>
    TaskStarted = 3,
    /// <summary>A task a scheduler ran ended without an exception (ObjectId = task id).</summary>
    TaskCompleted = 4,
    /// <summary>The thread began to wait for a task (ObjectId = task id, Value = 1 for a blocking wait: Wait, .Result,
    /// GetAwaiter().GetResult(); 2 for an await).</summary>
    TaskWaitBegin = 5,
    /// <summary>The thread's wait for a task ended (ObjectId = task id).</summary>
    TaskWaitEnd = 6,
}
