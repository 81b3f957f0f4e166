using Tracer.Engine.Events;

namespace Tracer.Engine.Decoding;

/// <summary>
/// Decodes what the tracer needs to name faulted tasks and blocking waits on tasks: TplEventSource's TaskStarted and
/// TaskCompleted (IsExceptional), TaskWaitBegin/End (which thread blocks on which task), and the runtime's
/// ExceptionThrown_V1 (type, message, stack at the throw). A task's delegate throws on the thread that then reports the
/// task faulted, so the two are matched per thread (see <see cref="Analysis.FaultedTaskDetector"/>); a thread blocked on
/// a task that another thread runs waits for that thread (<see cref="Model.WaitTracker"/>, the deadlock detector's
/// edges). Only tasks run by a scheduler (Task.Run, StartNew) report start and completion; async methods do not.
/// </summary>
public static class TplEventDecoder
{
    public const string TplProvider = "System.Threading.Tasks.TplEventSource";
    public static readonly Guid TplGuid = new("2e5dba47-a3d2-4d16-8ee0-6671ffdcd7b5");

    /// <summary>TplEventSource keywords: Tasks (0x2) | TaskStops (0x40, needed for TaskCompleted).</summary>
    public const long TplKeywords = 0x2 | 0x40;

    /// <summary>Runtime keyword for ExceptionThrown_V1.</summary>
    public const long ExceptionKeyword = 0x8000;

    private const int TaskStartedId = 8;
    private const int TaskCompletedId = 9;
    private const int TaskWaitBeginId = 10;
    private const int TaskWaitEndId = 11;
    private const int ExceptionThrownId = 80;

    /// <summary>Whether <paramref name="data"/> is one of the events this decoder reads (cheap: provider and id only).</summary>
    public static bool Handles(in RawEvent data)
    {
        int id = data.EventId;
        return (id is >= TaskStartedId and <= TaskWaitEndId && data.Provider == TraceProvider.Tpl) || (id == ExceptionThrownId && data.Provider == TraceProvider.Runtime);
    }

    /// <summary>Decodes an event <see cref="Handles"/> accepted; false when it says nothing of interest (a task that ran
    /// to completion). The caller adds the stack.</summary>
    public static bool TryDecode(in RawEvent data, out TraceRecord record)
    {
        record = default;
        int id = data.EventId;
        ReadOnlySpan<byte> payload = data.Payload;
        if (data.Provider == TraceProvider.Tpl && id == TaskStartedId)
        {
            // OriginatingTaskSchedulerID i32, OriginatingTaskID i32, TaskID i32.
            var started = new PayloadReader(payload);
            started.U32();
            started.U32();
            record = Task(data, TaskEventReason.TaskStarted) with { ObjectId = started.U32() };
            return true;
        }

        if (data.Provider == TraceProvider.Tpl && id == TaskCompletedId)
        {
            // OriginatingTaskSchedulerID i32, OriginatingTaskID i32, TaskID i32, IsExceptional bool (4 bytes in EventPipe).
            var reader = new PayloadReader(payload);
            reader.U32();
            reader.U32();
            uint taskId = reader.U32();
            bool faulted = payload.Length > 12 && payload[12..].IndexOfAnyExcept((byte)0) >= 0;
            record = Task(data, faulted ? TaskEventReason.TaskFaulted : TaskEventReason.TaskCompleted) with { ObjectId = taskId };
            return true;
        }

        if (data.Provider == TraceProvider.Tpl && id is TaskWaitBeginId or TaskWaitEndId)
        {
            // OriginatingTaskSchedulerID i32, OriginatingTaskID i32, TaskID i32; Begin: Behavior i32, ContinueWithTaskID i32.
            var reader = new PayloadReader(payload);
            reader.U32();
            reader.U32();
            uint taskId = reader.U32();
            record = id == TaskWaitBeginId
                ? Task(data, TaskEventReason.TaskWaitBegin) with { ObjectId = taskId, Value = payload.Length >= 16 ? reader.U32() : 0 }
                : Task(data, TaskEventReason.TaskWaitEnd) with { ObjectId = taskId };
            return true;
        }

        if (data.Provider == TraceProvider.Runtime && id == ExceptionThrownId)
        {
            var reader = new PayloadReader(payload);
            string type = reader.Utf16z();
            string message = reader.Utf16z();
            record = Task(data, TaskEventReason.ExceptionThrown) with { Text = message.Length == 0 ? type : $"{type}: {message}" };
            return true;
        }

        return false;
    }

    private static TraceRecord Task(in RawEvent data, TaskEventReason reason) => new()
    {
        Kind = TraceEventKind.TaskEvent,
        TimeMs = data.TimeMs,
        ThreadId = data.ThreadId,
        ProcessId = data.ProcessId,
        Reason = (byte)reason,
        StackId = -1,
    };
}
