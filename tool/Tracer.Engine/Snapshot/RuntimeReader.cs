using Tracer.Engine.Symbols;
using System.Diagnostics;
using Microsoft.Diagnostics.Runtime;

namespace Tracer.Engine.Snapshot;

/// <summary>
/// Reads threads, stacks and lock owners out of a ClrRuntime (a live process suspended by ClrMD, or a dump): what
/// SOS's clrstack and syncblk show, as data. Nothing here walks the heap, so the cost does not grow with its size:
/// Monitor owners come from the sync block table, thin locks and System.Threading.Lock owners from the objects the
/// stacks refer to, managed thread names from the GC handles that keep Thread objects alive.
/// </summary>
internal static class RuntimeReader
{
    /// <summary>Handles are few (thousands), but a process that leaks them must not stretch the pause.</summary>
    private static readonly TimeSpan s_handleBudget = TimeSpan.FromMilliseconds(100);

    /// <param name="clock">Running since the target was stopped.</param>
    /// <param name="budget">Past this on the clock, the remaining threads' stacks are not read (the target stays frozen while they are).</param>
    public static ProcessSnapshot Read(ClrRuntime runtime, int pid, Func<int, string?> osThreadName, Stopwatch clock, TimeSpan budget) =>
        Read(runtime, pid, osThreadName, clock, budget, only: null, out _);

    /// <param name="only">Read the stacks of these threads only (OS ids); null: all.</param>
    /// <param name="unread">Threads whose stack was wanted but not read within the budget.</param>
    public static ProcessSnapshot Read(ClrRuntime runtime, int pid, Func<int, string?> osThreadName, Stopwatch clock, TimeSpan budget,
        IReadOnlySet<int>? only, out HashSet<int> unread)
    {
        unread = [];
        var notes = new List<string>();
        ClrThread[] live = [.. runtime.Threads.Where(t => t.IsAlive)];
        Dictionary<ulong, int> osIdByAddress = runtime.Threads.Where(t => t.OSThreadId != 0).GroupBy(t => t.Address).ToDictionary(g => g.Key, g => (int)g.First().OSThreadId);
        var locks = new Dictionary<ulong, SnapshotLock>();
        foreach (SyncBlock block in runtime.Heap.EnumerateSyncBlocks().Where(b => b.IsMonitorHeld))
        {
            locks[block.Object] = new SnapshotLock(block.Object, runtime.Heap.GetObjectType(block.Object)?.Name, LockFlavor.Monitor,
                osIdByAddress.TryGetValue(block.HoldingThreadAddress, out int os) ? os : null, block.RecursionCount, block.WaitingThreadCount);
        }

        // Stacks first: they are what the snapshot is for; thread names (from handles) only if the budget allows.
        var stacks = new List<(ClrThread Thread, List<string> Frames, List<FrameObject> Objects)>();
        var lines = new PdbLineResolver();
        int skipped = 0;
        foreach (ClrThread thread in live)
        {
            if (only?.Contains((int)thread.OSThreadId) == false)
            {
                stacks.Add((thread, [], []));
                continue;
            }

            bool inBudget = clock.Elapsed < budget || stacks.All(x => x.Frames.Count == 0); // one stack per pause at least: progress
            if (!inBudget)
            {
                skipped++;
                unread.Add((int)thread.OSThreadId);
            }

            (List<string> frames, List<FrameObject> objects) = inBudget ? Stack(thread, lines) : ([], []);
            foreach (FrameObject o in objects)
            {
                AddStackLock(runtime, o, osIdByAddress, locks);
            }

            stacks.Add((thread, frames, objects));
        }

        var threadObjects = new Dictionary<ulong, int>();
        Dictionary<int, string> managedNames = clock.Elapsed < budget ? ManagedThreads(runtime, threadObjects, notes) : [];
        if (clock.Elapsed >= budget && skipped == 0)
        {
            notes.Add($"managed thread names were not read (the pause budget of {budget.TotalMilliseconds:0} ms was used up): names are the OS's 15-character copies");
        }

        List<SnapshotThread> threads = [.. stacks.Select(s => new SnapshotThread((int)s.Thread.OSThreadId, s.Thread.ManagedThreadId,
            managedNames.GetValueOrDefault(s.Thread.ManagedThreadId) ?? osThreadName((int)s.Thread.OSThreadId), s.Frames, s.Objects)
        {
            IsFinalizer = s.Thread.IsFinalizer,
        })];
        if (skipped > 0)
        {
            notes.Add($"the stacks of {skipped} of {live.Length} threads were not read: the pause budget of {budget.TotalMilliseconds:0} ms was used up");
        }

        return new ProcessSnapshot { ProcessId = pid, Threads = threads, Locks = [.. locks.Values], ThreadObjects = threadObjects, Notes = notes };
    }

    /// <summary>
    /// The same reads once while the target still runs, results dropped: the JIT compiles this code and ClrMD and the
    /// DAC load what they load on first use now, not during the pause. Torn data cannot matter: nothing is kept, and a
    /// read that fails on it is ignored.
    /// </summary>
    public static void WarmUp(ClrRuntime runtime)
    {
        try
        {
            _ = Read(runtime, 0, _ => null, Stopwatch.StartNew(), TimeSpan.FromMilliseconds(500));
        }
        catch (Exception ex) when (ex is ClrDiagnosticsException or InvalidOperationException or IOException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
        {
            // the real read follows with the target stopped
        }
    }

    /// <summary>The runtime of a target, with its DAC found next to libcoreclr when ClrMD cannot match it by itself.</summary>
    public static ClrRuntime CreateRuntime(DataTarget target, int pid)
    {
        if (target.ClrVersions.Length == 0)
        {
            // A process that died as it was opened shows no modules either: say that, not "no runtime".
            throw ThreadProgress.IsGone(pid) ? SnapshotCapture.Exited(pid)
                : new TracerUserException($"process {pid} has no .NET runtime ClrMD can read (a runtime too old, or not .NET Core)");
        }

        ClrInfo clr = target.ClrVersions[0];
        try
        {
            return clr.CreateRuntime();
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidOperationException or ClrDiagnosticsException)
        {
            // A local process may lack the runtime's version resource; its DAC sits next to libcoreclr.
            string dac = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName) ?? string.Empty,
                OperatingSystem.IsWindows() ? "mscordaccore.dll" : OperatingSystem.IsMacOS() ? "libmscordaccore.dylib" : "libmscordaccore.so");
            if (!File.Exists(dac))
            {
                throw new TracerUserException($"cannot read process {pid}: no matching debugging library (DAC) for its runtime {clr.Version} at '{dac}' ({ex.Message})");
            }

            return clr.CreateRuntime(dac, ignoreMismatch: true);
        }
    }

    private static (List<string> Frames, List<FrameObject> Objects) Stack(ClrThread thread, PdbLineResolver lines)
    {
        var frames = new List<string>();
        var indexBySp = new Dictionary<ulong, int>();
        bool innermost = true;
        foreach (ClrStackFrame frame in thread.EnumerateStackTrace())
        {
            if (frame.Method is ClrMethod method)
            {
                indexBySp.TryAdd(frame.StackPointer, frames.Count);
                string name = $"{method.Type?.Name ?? "?"}.{method.Name}";
                frames.Add(SourceLine.Frame(name, LineOf(method, frame, innermost, name, lines)));
            }

            innermost = false;
        }

        var objects = new List<FrameObject>();
        if (WaitClassifier.Classify(frames).Kind is WaitKind.None or WaitKind.Sleep)
        {
            return (frames, objects); // the objects only say what a blocked thread waits on: a second, costly walk skipped
        }

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
    /// <summary>
    /// The frame's source line, from the same PDB reader as trace frames (<see cref="PdbLineResolver"/>). The program's
    /// own frames only: the framework ships no PDBs beside its modules, and each lookup reads the target while it is
    /// stopped. An outer frame's address is a return address: the call is the byte before.
    /// </summary>
    private static SourceLine? LineOf(ClrMethod method, ClrStackFrame frame, bool innermost, string name, PdbLineResolver lines)
    {
        if (StackResolver.IsFrameworkFrame(name) || frame.InstructionPointer == 0 || method.Type?.Module is not { IsDynamic: false } module)
        {
            return null;
        }

        string? path = Path.IsPathRooted(module.Name) ? module.Name : Path.IsPathRooted(module.AssemblyName) ? module.AssemblyName : null;
        if (path is null)
        {
            return null;
        }

        int il = method.GetILOffset(innermost ? frame.InstructionPointer : frame.InstructionPointer - 1);
        return il < 0 ? null : lines.Find(path, Guid.Empty, (uint)method.MetadataToken, il);
    }

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

    /// <summary>
    /// Managed Thread.Name by managed thread id, and each Thread object's OS thread (for Thread.Join), from the GC
    /// handles: the runtime holds every started thread's Thread object through one, so no heap walk is needed.
    /// </summary>
    private static Dictionary<int, string> ManagedThreads(ClrRuntime runtime, Dictionary<ulong, int> threadObjects, List<string> notes)
    {
        var names = new Dictionary<int, string>();
        Dictionary<int, int> osIdByManaged = runtime.Threads.Where(t => t.OSThreadId != 0).GroupBy(t => t.ManagedThreadId).ToDictionary(g => g.Key, g => (int)g.First().OSThreadId);
        var clock = Stopwatch.StartNew();
        foreach (ClrHandle handle in runtime.EnumerateHandles())
        {
            if (clock.Elapsed > s_handleBudget)
            {
                notes.Add($"the runtime's handle table was too large to search for all thread names within {s_handleBudget.TotalMilliseconds:0} ms; some names are the OS's 15-character copies");
                break;
            }

            ClrObject obj = handle.Object;
            if (obj.Address == 0 || obj.Type?.Name != "System.Threading.Thread" || threadObjects.ContainsKey(obj.Address))
            {
                continue;
            }

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

        return names;
    }
}
