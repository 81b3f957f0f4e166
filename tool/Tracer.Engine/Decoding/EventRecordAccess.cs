using System.Reflection;
using System.Reflection.Emit;
using Microsoft.Diagnostics.Tracing;

namespace Tracer.Engine.Decoding;

/// <summary>
/// Reads the call stack EventPipe attached to an event. TraceEvent keeps it in the native EVENT_RECORD's extended
/// data (type STACK_TRACE64) but exposes it only through TraceLog, which is ~4x slower and writes an .etlx; so we read
/// the private record pointer once per event through a tiny dynamic method and walk the documented layout.
/// </summary>
internal static unsafe class EventRecordAccess
{
    private const int ExtendedDataCountOffset = 84; // sizeof(EVENT_HEADER) 80 + ETW_BUFFER_CONTEXT 4
    private const int ExtendedDataOffset = 88;
    private const ushort StackTrace64 = 6;
    private const int MaxFrames = 256;

    private static readonly Func<TraceEvent, IntPtr>? s_getRecord = CreateAccessor();

    /// <summary>True when this TraceEvent build exposes the record the way we expect; stacks are skipped otherwise.</summary>
    public static bool Available => s_getRecord is not null;

    /// <summary>Copies the event's stack (innermost first) into <paramref name="buffer"/>; returns the frame count.</summary>
    public static int ReadStack(TraceEvent data, Span<ulong> buffer)
    {
        if (s_getRecord is null)
        {
            return 0;
        }

        byte* record = (byte*)s_getRecord(data);
        if (record == null)
        {
            return 0;
        }

        ushort count = *(ushort*)(record + ExtendedDataCountOffset);
        byte* items = *(byte**)(record + ExtendedDataOffset);
        if (items == null || count > 16)
        {
            return 0;
        }

        for (int i = 0; i < count; i++)
        {
            byte* item = items + (i * 16);
            ushort type = *(ushort*)(item + 2);
            ushort size = *(ushort*)(item + 6);
            ulong* payload = *(ulong**)(item + 8);
            if (type != StackTrace64 || payload == null || size < 16)
            {
                continue;
            }

            // Layout: MatchId (8 bytes), then the addresses.
            int frames = Math.Min((size - 8) / 8, Math.Min(buffer.Length, MaxFrames));
            new ReadOnlySpan<ulong>(payload + 1, frames).CopyTo(buffer);
            return frames;
        }

        return 0;
    }

    private static Func<TraceEvent, IntPtr>? CreateAccessor()
    {
        FieldInfo? field = typeof(TraceEvent).GetField("eventRecord", BindingFlags.Instance | BindingFlags.NonPublic);
        if (field is null || !field.FieldType.IsPointer)
        {
            return null;
        }

        var method = new DynamicMethod("GetEventRecord", typeof(IntPtr), [typeof(TraceEvent)], typeof(TraceEvent).Module, skipVisibility: true);
        ILGenerator il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldfld, field);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<Func<TraceEvent, IntPtr>>();
    }
}
