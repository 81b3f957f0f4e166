using System.Diagnostics;
using Microsoft.Diagnostics.Runtime;
using Tracer.Engine.Snapshot.Async;

namespace Tracer.Engine.Snapshot;

/// <summary>
/// Reads threads, stacks and lock owners out of a dump with ClrMD: what SOS's clrstack and syncblk show, as data.
/// Monitor owners come from the sync block table (and thin locks), System.Threading.Lock owners from the Lock object.
/// </summary>
internal static class DumpReader
{
    private static readonly TimeSpan s_heapWalkBudget = TimeSpan.FromSeconds(2);

    public static ProcessSnapshot Read(string dumpPath, int pid, Func<int, string?> osThreadName)
    {
        using DataTarget target = DataTarget.LoadDump(dumpPath);
        if (target.ClrVersions.Length == 0)
        {
            throw new TracerUserException($"the dump of process {pid} holds no .NET runtime");
        }

        using ClrRuntime runtime = CreateRuntime(target.ClrVersions[0]);
        var notes = new List<string>();
        Dictionary<ulong, int> osIdByAddress = runtime.Threads.Where(t => t.OSThreadId != 0).ToDictionary(t => t.Address, t => (int)t.OSThreadId);
        var locks = new Dictionary<ulong, SnapshotLock>();
        foreach (SyncBlock block in runtime.Heap.EnumerateSyncBlocks().Where(b => b.IsMonitorHeld))
        {
            locks[block.Object] = new SnapshotLock(block.Object, runtime.Heap.GetObjectType(block.Object)?.Name, LockFlavor.Monitor,
                osIdByAddress.TryGetValue(block.HoldingThreadAddress, out int os) ? os : null, block.RecursionCount, block.WaitingThreadCount);
        }

        var threadObjects = new Dictionary<ulong, int>();
        Dictionary<int, string> managedNames = ManagedThreads(runtime, threadObjects, notes);
        var threads = new List<SnapshotThread>();
        foreach (ClrThread thread in runtime.Threads.Where(t => t.IsAlive))
        {
            (List<string> frames, List<FrameObject> objects) = Stack(thread);
            foreach (FrameObject o in objects)
            {
                AddStackLock(runtime, o, osIdByAddress, locks);
            }

            string? name = managedNames.GetValueOrDefault(thread.ManagedThreadId) ?? osThreadName((int)thread.OSThreadId);
            threads.Add(new SnapshotThread((int)thread.OSThreadId, thread.ManagedThreadId, name, frames, objects));
        }

        if (!runtime.Heap.CanWalkHeap)
        {
            notes.Add("the runtime's heap could not be walked in the dump; lock owners and thread names may be missing");
        }

        AsyncHeap async = AsyncHeapWalker.Walk(runtime, threads, s_heapWalkBudget);
        return new ProcessSnapshot { ProcessId = pid, Threads = threads, Locks = [.. locks.Values], ThreadObjects = threadObjects, Notes = notes, Async = async };
    }

    /// <summary>Only the async state of a dump (the second look at flows that were waiting in the first).</summary>
    public static AsyncHeap ReadAsync(string dumpPath)
    {
        using DataTarget target = DataTarget.LoadDump(dumpPath);
        if (target.ClrVersions.Length == 0)
        {
            return new AsyncHeap();
        }

        using ClrRuntime runtime = CreateRuntime(target.ClrVersions[0]);
        return AsyncHeapWalker.Walk(runtime, [], s_heapWalkBudget);
    }

    private static ClrRuntime CreateRuntime(ClrInfo clr)
    {
        try
        {
            return clr.CreateRuntime();
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidOperationException or ClrDiagnosticsException)
        {
            // Dumps of a local process may lack the runtime's version resource; its DAC sits next to libcoreclr.
            string dac = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName) ?? string.Empty,
                OperatingSystem.IsWindows() ? "mscordaccore.dll" : OperatingSystem.IsMacOS() ? "libmscordaccore.dylib" : "libmscordaccore.so");
            if (!File.Exists(dac))
            {
                throw new TracerUserException($"cannot read the dump: no matching debugging library (DAC) for the target's runtime at '{dac}' ({ex.Message})");
            }

            return clr.CreateRuntime(dac, ignoreMismatch: true);
        }
    }

    private static (List<string> Frames, List<FrameObject> Objects) Stack(ClrThread thread)
    {
        var frames = new List<string>();
        var indexBySp = new Dictionary<ulong, int>();
        foreach (ClrStackFrame frame in thread.EnumerateStackTrace())
        {
            if (frame.Method is ClrMethod method)
            {
                indexBySp.TryAdd(frame.StackPointer, frames.Count);
                frames.Add($"{method.Type?.Name ?? "?"}.{method.Name}");
            }
        }

        var objects = new List<FrameObject>();
        foreach (ClrStackRoot root in thread.EnumerateStackRoots())
        {
            if (root.StackFrame is { } frame && indexBySp.TryGetValue(frame.StackPointer, out int index) && root.Object.Address != 0)
            {
                objects.Add(new FrameObject(index, root.Object.Address, root.Object.Type?.Name));
            }
        }

        return (frames, [.. objects.Distinct()]);
    }

    /// <summary>Owners of locks the stacks refer to that the sync block table did not list: thin locks and System.Threading.Lock.</summary>
    private static void AddStackLock(ClrRuntime runtime, FrameObject o, Dictionary<ulong, int> osIdByAddress, Dictionary<ulong, SnapshotLock> locks)
    {
        if (locks.ContainsKey(o.Address))
        {
            return;
        }

        ClrObject obj = runtime.Heap.GetObject(o.Address);
        if (!obj.IsValid)
        {
            return;
        }

        if (obj.Type?.Name == "System.Threading.Lock")
        {
            // Measured on .NET 10 / Linux: _owningThreadId holds the owner's OS thread id; accept a managed id too.
            int owner = obj.TryReadField("_owningThreadId", out uint ownerId) ? (int)ownerId : 0;
            ClrThread? holder = owner == 0 ? null
                : runtime.Threads.FirstOrDefault(t => t.OSThreadId == (uint)owner) ?? runtime.Threads.FirstOrDefault(t => t.ManagedThreadId == owner);
            if (holder is not null)
            {
                ushort recursion = obj.TryReadField("_recursionCount", out uint r) ? (ushort)r : (ushort)0;
                locks[o.Address] = new SnapshotLock(o.Address, obj.Type.Name, LockFlavor.Lock, (int)holder.OSThreadId, recursion + 1, 0);
            }

            return;
        }

        if (obj.GetThinLock() is { Thread: ClrThread thin } thinLock && osIdByAddress.TryGetValue(thin.Address, out int os))
        {
            locks[o.Address] = new SnapshotLock(o.Address, obj.Type?.Name, LockFlavor.Monitor, os, thinLock.Recursion + 1, 0);
        }
    }

    /// <summary>Managed Thread.Name by managed thread id, and the Thread objects' owners, from the heap (bounded in time).</summary>
    private static Dictionary<int, string> ManagedThreads(ClrRuntime runtime, Dictionary<ulong, int> threadObjects, List<string> notes)
    {
        ClrHeap heap = runtime.Heap;
        var names = new Dictionary<int, string>();
        Dictionary<int, int> osIdByManaged = runtime.Threads.Where(t => t.OSThreadId != 0).GroupBy(t => t.ManagedThreadId).ToDictionary(g => g.Key, g => (int)g.First().OSThreadId);
        if (!heap.CanWalkHeap)
        {
            return names;
        }

        var clock = Stopwatch.StartNew();
        foreach (ClrObject obj in heap.EnumerateObjects())
        {
            if (obj.Type?.Name == "System.Threading.Thread")
            {
                int managedId = obj.ReadField<int>("_managedThreadId");
                if (osIdByManaged.TryGetValue(managedId, out int os))
                {
                    threadObjects[obj.Address] = os;
                }

                if (obj.ReadStringField("_name") is { Length: > 0 } name)
                {
                    names[managedId] = name;
                }
            }

            if (clock.Elapsed > s_heapWalkBudget)
            {
                notes.Add($"the heap was too large to search for all thread names within {s_heapWalkBudget.TotalSeconds:0} s; some names are the OS's 15-character copies");
                break;
            }
        }

        return names;
    }
}
