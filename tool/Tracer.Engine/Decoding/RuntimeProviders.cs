namespace Tracer.Engine.Decoding;

/// <summary>Provider names, GUIDs, keywords and event ids the tracer enables and decodes (ClrEtwAll.man).</summary>
public static class RuntimeProviders
{
    public const string Runtime = "Microsoft-Windows-DotNETRuntime";
    public const string Rundown = "Microsoft-Windows-DotNETRuntimeRundown";
    public const string EventPipe = "Microsoft-DotNETCore-EventPipe";
    public const string Probes = "Tracer-Probes";
    /// <summary>The in-process race detector's EventSource (Tracer.RaceRuntime, run --races).</summary>
    public const string Races = "Tracer-Races";
    /// <summary>EventSource of the runtime's counters (threadpool-queue-length, monitor-lock-contention-count, ...).</summary>
    public const string RuntimeCounters = "System.Runtime";
    /// <summary>The runtime's CPU sampler: every ~1 ms (fixed by the runtime) one ThreadSample event per managed thread,
    /// with its stack and whether it was in managed or external (native, blocked) code. No keywords.</summary>
    public const string SampleProfiler = "Microsoft-DotNETCore-SampleProfiler";

    public static readonly Guid RuntimeGuid = new("e13c0d23-ccbc-4e12-931b-d9cc2eee27e4");
    public static readonly Guid RundownGuid = new("a669021c-c450-4609-a035-5af59af4df18");
    public static readonly Guid RuntimeCountersGuid = new("49592c0f-5a05-516d-aa4b-a64e02026c89");
    public static readonly Guid SampleProfilerGuid = new("3c530d44-97ae-513a-1e6d-783e8f8e03a9");
    public static readonly Guid EventPipeGuid = new("92f528a6-f5b8-5160-a7ee-b33da7739e29");

    /// <summary>GC: GCStart, GCSuspendEEBegin, GCRestartEEEnd (Informational) for the gc-pause finding.</summary>
    public const long GcKeyword = 0x1;
    public const long LoaderKeyword = 0x8;
    public const long JitKeyword = 0x10;
    public const long ContentionKeyword = 0x4000;
    public const long ThreadingKeyword = 0x10000;
    public const long StackKeyword = 0x40000000;
    public const long WaitHandleKeyword = 0x40000000000;
    /// <summary>CompilationDiagnostic: R2RGetEntryPoint, which names precompiled methods live (they have no load event).</summary>
    public const long CompilationDiagnosticKeyword = 0x2000000000;
    /// <summary>JittedMethodILToNativeMap (Verbose): each jitted method's native-to-IL map, so that frames get source lines.</summary>
    public const long JittedMethodILToNativeMapKeyword = 0x20000;

    /// <summary>What live sessions enable: locks, waits, threads, the pool, and method loads and their IL maps to name
    /// stack frames and their source lines.</summary>
    public const long TracerKeywords = ContentionKeyword | ThreadingKeyword | WaitHandleKeyword | StackKeyword | LoaderKeyword | JitKeyword | GcKeyword
        | CompilationDiagnosticKeyword | JittedMethodILToNativeMapKeyword;
}

/// <summary>Event ids of Microsoft-Windows-DotNETRuntime (and its rundown twin for method ids).</summary>
internal static class RuntimeEventIds
{
    public const int GcStart = 1;
    public const int GcRestartEEEnd = 3;
    public const int GcSuspendEEBegin = 9;
    public const int ThreadPoolWorkerThreadStart = 50;
    public const int ThreadPoolWorkerThreadStop = 51;
    public const int ThreadPoolWorkerThreadAdjustment = 55;
    public const int ThreadPoolWorkerThreadWait = 57;
    public const int ThreadPoolEnqueue = 61;
    public const int ThreadPoolDequeue = 62;
    public const int ContentionStart = 81;
    public const int ContentionStop = 91;
    public const int ThreadCreated = 85;
    public const int ThreadTerminated = 86;
    public const int MethodLoadVerbose = 143;
    public const int MethodDCEndVerbose = 144;
    /// <summary>Rundown: a method jitted before or during the session, its native-to-IL map.</summary>
    public const int MethodDCEndILToNativeMap = 150;
    /// <summary>Runtime: ModuleLoad (V2 has the PDB signature).</summary>
    public const int ModuleLoad = 152;
    /// <summary>Rundown: ModuleDCEnd, the same fields as ModuleLoad.</summary>
    public const int ModuleDCEnd = 154;
    public const int MethodILToNativeMap = 190;
    public const int R2RGetEntryPoint = 159;
    public const int WaitHandleWaitStart = 301;
    public const int WaitHandleWaitStop = 302;
    public const int ProcessInfo = 1;
}
