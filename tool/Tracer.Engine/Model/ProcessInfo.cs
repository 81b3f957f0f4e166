namespace Tracer.Engine.Model;

/// <summary>A traced process.</summary>
public sealed class ProcessInfo(int processId)
{
    public int ProcessId { get; } = processId;
    public string? Name { get; set; }
    public string? CommandLine { get; set; }
    /// <summary>Named Mutexes/Semaphores the process had open (SCOPE/NAME), seen live; what ties hangs across processes.</summary>
    public SortedSet<string> NamedObjects { get; } = new(StringComparer.Ordinal);
    public int? ParentProcessId { get; set; }
    public int? ExitCode { get; set; }
    /// <summary>Runtime version, e.g. "10.0.12", when the trace said.</summary>
    public string? RuntimeVersion { get; set; }

    /// <summary>A copy for a <see cref="ModelView"/>.</summary>
    internal ProcessInfo Copy()
    {
        var copy = new ProcessInfo(ProcessId) { Name = Name, CommandLine = CommandLine, ParentProcessId = ParentProcessId, ExitCode = ExitCode, RuntimeVersion = RuntimeVersion };
        copy.NamedObjects.UnionWith(NamedObjects);
        return copy;
    }
}
