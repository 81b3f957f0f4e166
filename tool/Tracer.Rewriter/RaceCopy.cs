using System.Diagnostics;
using System.Text.Json.Nodes;
using Mono.Cecil;

namespace Tracer.Rewriter;

/// <summary>
/// The private, instrumented copy of a program that `run --races` launches: the app directory copied into a fresh
/// 0700 temp directory, its own assemblies rewritten there, the race runtime and the site table next to them. The
/// program's files are never written. Disposing removes the copy; copies left by a tracer that was killed are removed
/// by the next one (their directory names carry the owner's pid).
/// </summary>
public sealed class RaceCopy : IDisposable
{
    private const string Prefix = "dotnet-tracer-races-";
    private const string SitesFile = "tracer-races.sites";

    private RaceCopy(string directory, string entry, IReadOnlyList<string> arguments, IReadOnlyList<RewriteOutcome> outcomes, int sites)
    {
        Directory = directory;
        EntryAssembly = entry;
        Arguments = arguments;
        Outcomes = outcomes;
        SiteCount = sites;
    }

    public string Directory { get; }
    /// <summary>The rewritten entry assembly to run with dotnet.</summary>
    public string EntryAssembly { get; }
    public IReadOnlyList<string> Arguments { get; }
    public IReadOnlyList<RewriteOutcome> Outcomes { get; }
    public int SiteCount { get; }

    /// <summary>What the launched copy needs in its environment.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["TRACER_RACES_SITES"] = Path.Combine(Directory, SitesFile),
    };

    public static RaceCopy Create(string command, IReadOnlyList<string> arguments)
    {
        AppLayout app = AppLayout.Find(command, arguments);
        RequireNet10(app.EntryAssembly);
        RemoveStaleCopies();
        string directory = System.IO.Directory.CreateTempSubdirectory($"{Prefix}{System.Environment.ProcessId}-").FullName;
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            CopyTree(app.Directory, directory);
            string runtime = typeof(Tracer.RaceRuntime.Fields).Assembly.Location;
            File.Copy(runtime, Path.Combine(directory, Path.GetFileName(runtime)), overwrite: true);
            string entry = Path.Combine(directory, Path.GetFileName(app.EntryAssembly));
            AssemblySelection.AddRuntimeToDeps(Path.ChangeExtension(entry, ".deps.json"), Path.GetFileNameWithoutExtension(runtime),
                typeof(Tracer.RaceRuntime.Fields).Assembly.GetName().Version?.ToString(3) ?? "1.0.0");

            using ModuleDefinition runtimeModule = ModuleDefinition.ReadModule(runtime);
            var table = new RedirectTable(runtimeModule);
            var sites = new SiteTable();
            string[] search = [directory, Path.GetDirectoryName(typeof(object).Assembly.Location)!];
            var outcomes = new List<RewriteOutcome>();
            foreach (string own in AssemblySelection.OwnAssemblies(app.EntryAssembly))
            {
                outcomes.Add(ModuleRewriter.Rewrite(Path.Combine(directory, own), table, sites, search));
            }

            sites.Write(Path.Combine(directory, SitesFile));
            return new RaceCopy(directory, entry, app.Arguments, outcomes, sites.Count);
        }
        catch
        {
            TryDelete(directory);
            throw;
        }
    }

    public void Dispose() => TryDelete(Directory);

    /// <summary>The runtime is built for .NET 10: an app for an older runtime is refused rather than moved to another one.</summary>
    private static void RequireNet10(string entry)
    {
        string config = Path.ChangeExtension(entry, ".runtimeconfig.json");
        if (!File.Exists(config))
        {
            return;
        }

        string? version = JsonNode.Parse(File.ReadAllText(config))?["runtimeOptions"]?["framework"]?["version"]?.GetValue<string>()
            ?? JsonNode.Parse(File.ReadAllText(config))?["runtimeOptions"]?["frameworks"]?[0]?["version"]?.GetValue<string>();
        if (version is not null && Version.TryParse(version.Split('-')[0], out Version? v) && v.Major < 10)
        {
            throw new RaceSetupException($"--races needs a program built for .NET 10 or later; {Path.GetFileName(entry)} targets .NET {v.Major}.{v.Minor}");
        }
    }

    private static void CopyTree(string from, string to)
    {
        foreach (string dir in System.IO.Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            System.IO.Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        foreach (string file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
        }
    }

    private static void RemoveStaleCopies()
    {
        foreach (string dir in System.IO.Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            string[] parts = Path.GetFileName(dir)[Prefix.Length..].Split('-');
            if (int.TryParse(parts[0], out int pid) && pid != System.Environment.ProcessId && !IsRunning(pid))
            {
                TryDelete(dir);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // best effort; the next run removes it
        }
    }
}
