using System.Text.Json;
using System.Text.Json.Serialization;
using Tracer.Engine.Model;
using Tracer.Engine.Snapshot;

namespace Tracer.Engine.Collect;

/// <summary>
/// What a live session knew that the .nettrace cannot hold (OS thread names, exit codes, the snapshot it took), saved
/// next to it as FILE.meta.json so that a replay shows what live showed.
/// </summary>
public sealed record TraceMetadata
{
    public const string Suffix = ".meta.json";

    public int SchemaVersion { get; init; } = 1;
    public List<ProcessEntry> Processes { get; init; } = [];
    public Dictionary<int, string> ThreadNames { get; init; } = new();
    /// <summary>Traces of child processes (file names relative to this trace's directory): the process tree's manifest.</summary>
    public List<ChildTrace> Children { get; init; } = [];
    /// <summary>
    /// The snapshot the session took of its process (threads, stacks, locks: data, not findings), merged into the
    /// analysis of the file exactly as it was merged live (<see cref="SnapshotMerge"/>); null when none was taken.
    /// </summary>
    public ProcessSnapshot? Snapshot { get; init; }

    public static string PathFor(string tracePath) => tracePath + Suffix;

    public static TraceMetadata From(TraceModel model) => new()
    {
        Processes = [.. model.Processes.Values.Select(p => new ProcessEntry(p.ProcessId, p.Name, p.CommandLine, p.ParentProcessId, p.ExitCode)
            { NamedObjects = [.. p.NamedObjects] })],
        ThreadNames = model.Threads.Values.Where(t => t.Name is not null).ToDictionary(t => t.ThreadId, t => t.Name!),
    };

    public void Save(string tracePath)
    {
        string path = PathFor(tracePath);
        using FileStream file = OutputFiles.CreatePrivate(path);
        JsonSerializer.Serialize(file, this, MetadataJsonContext.Default.TraceMetadata);
    }

    /// <summary>Loads the sidecar if there is a readable one; a missing or broken sidecar only loses names.</summary>
    public static TraceMetadata? TryLoad(string tracePath)
    {
        string path = PathFor(tracePath);
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length > 64 * 1024 * 1024)
            {
                return null;
            }

            using FileStream file = File.OpenRead(path);
            return JsonSerializer.Deserialize(file, MetadataJsonContext.Default.TraceMetadata);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    public void ApplyTo(TraceModel model)
    {
        foreach (ProcessEntry entry in Processes)
        {
            ProcessInfo process = model.Process(entry.Pid);
            process.Name ??= entry.Name;
            process.CommandLine ??= entry.CommandLine;
            process.ParentProcessId ??= entry.ParentPid;
            process.ExitCode ??= entry.ExitCode;
            process.NamedObjects.UnionWith(entry.NamedObjects ?? []);
        }

        foreach ((int tid, string name) in ThreadNames)
        {
            if (model.Threads.TryGetValue(tid, out ThreadInfo? thread))
            {
                thread.Name ??= name;
            }
        }
    }

    public sealed record ProcessEntry(int Pid, string? Name, string? CommandLine, int? ParentPid, int? ExitCode)
    {
        public List<string>? NamedObjects { get; init; }
    }

    public sealed record ChildTrace(int Pid, int? ParentPid, string File);
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(TraceMetadata))]
internal sealed partial class MetadataJsonContext : JsonSerializerContext;
