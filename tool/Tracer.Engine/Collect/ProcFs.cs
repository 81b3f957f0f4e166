using System.Text;

namespace Tracer.Engine.Collect;

/// <summary>Small, failure-tolerant reads from /proc (Linux). Every method returns null when the answer is not available.</summary>
public static class ProcFs
{
    public static bool Exists(int pid) => OperatingSystem.IsLinux() ? Directory.Exists($"/proc/{pid}") : TryGetProcess(pid);

    public static string? Name(int pid) => ReadLine($"/proc/{pid}/comm") ?? ProcessName(pid);

    /// <summary>
    /// The name people know the process by: the full executable name from argv[0] (not the 15-character comm), and for
    /// `dotnet app.dll` the app's name (app). What ps shows and -n matches; null when the process is not readable.
    /// </summary>
    public static string? DisplayName(int pid) => DisplayName(Arguments(pid)) ?? Name(pid);

    /// <summary>The same, from a command line as one string (what a runtime reports over its diagnostic port).</summary>
    public static string? DisplayName(string? commandLine) =>
        commandLine is null ? null : DisplayName(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static string? DisplayName(IReadOnlyList<string>? argv)
    {
        if (argv is null || argv.Count == 0 || argv[0].Length == 0)
        {
            return null;
        }

        string exe = Path.GetFileName(argv[0]);
        if (exe is "dotnet" or "dotnet.exe")
        {
            // dotnet [host options] [exec] app.dll: the first .dll argument is the app
            string? app = argv.Skip(1).FirstOrDefault(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && !a.StartsWith('-'));
            if (app is not null)
            {
                return Path.GetFileNameWithoutExtension(app);
            }
        }

        return exe.Length > 0 ? exe : null;
    }

    /// <summary>argv of the process (/proc/PID/cmdline split at NULs), or null when unreadable.</summary>
    public static string[]? Arguments(int pid)
    {
        try
        {
            byte[] raw = File.ReadAllBytes($"/proc/{pid}/cmdline");
            return raw.Length == 0 ? null : Encoding.UTF8.GetString(raw).TrimEnd('\0').Split('\0');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string? CommandLine(int pid)
    {
        try
        {
            byte[] raw = File.ReadAllBytes($"/proc/{pid}/cmdline");
            return raw.Length == 0 ? null : Encoding.UTF8.GetString(raw).TrimEnd('\0').Replace('\0', ' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The real user id owning <paramref name="pid"/>, from /proc/PID/status, when readable.</summary>
    public static int? OwnerUid(int pid)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            string[] fields = line?.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries) ?? [];
            return fields.Length > 1 && int.TryParse(fields[1], out int uid) ? uid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>This process's effective user id (Unix), or null elsewhere.</summary>
    public static int? CurrentUid() => OperatingSystem.IsWindows() ? null : (int)GetEffectiveUid();

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUid();

    /// <summary>The OS name of a thread. .NET never renames the main thread (tid = pid), so its OS name is the program's:
    /// that is shown as "main"; a main thread the program named itself keeps its name.</summary>
    public static string? ThreadName(int pid, int tid)
    {
        string? name = ReadLine($"/proc/{pid}/task/{tid}/comm");
        if (tid != pid || name is null)
        {
            return name;
        }

        string? programName = ProgramName(pid);
        return programName is not null && programName[..Math.Min(15, programName.Length)] == name ? "main" : name;
    }

    /// <summary>Program names by pid, with the process's start time (a reused pid is another process).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, (long? Start, string Name)> s_programNames = new();

    /// <summary>The file name of argv[0]. Remembered: an exiting process's cmdline reads empty while its threads' names
    /// can still be read, and its main thread then showed as "dotnet" instead of "main" (a report is made as it exits).</summary>
    private static string? ProgramName(int pid)
    {
        string? program = CommandLine(pid)?.Split(' ', 2)[0];
        if (program is not null)
        {
            string name = Path.GetFileName(program);
            s_programNames[pid] = (StartTicks(pid), name);
            return name;
        }

        return s_programNames.TryGetValue(pid, out var known) && (known.Start is null || StartTicks(pid) is not long start || start == known.Start)
            ? known.Name
            : null;
    }

    /// <summary>When the process started, in clock ticks since boot (/proc/PID/stat field 22): the runtime's
    /// diagnostic socket carries it as its "disambiguation key", which tells a live socket from a stale one.</summary>
    public static long? StartTicks(int pid) =>
        long.TryParse(StatField(pid, 22), System.Globalization.CultureInfo.InvariantCulture, out long ticks) ? ticks : null;

    public static int? ParentId(int pid) => int.TryParse(StatField(pid, 4), out int ppid) ? ppid : null;

    /// <summary>Field <paramref name="number"/> (1-based, as in proc(5)) of /proc/PID/stat, from field 3 on.</summary>
    private static string? StatField(int pid, int number)
    {
        string? stat = ReadLine($"/proc/{pid}/stat");
        // "pid (comm) state ppid ..." where comm may contain spaces and parentheses: parse after the last ')'.
        int close = stat?.LastIndexOf(')') ?? -1;
        if (stat is null || close < 0 || close + 2 > stat.Length)
        {
            return null;
        }

        string[] fields = stat[(close + 2)..].Split(' '); // fields[0] is field 3 (state)
        return number - 3 < fields.Length ? fields[number - 3] : null;
    }

    /// <summary>True when the process maps a CoreCLR runtime (so it is .NET, whatever its diagnostics setting).</summary>
    public static bool? LoadsCoreClr(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/maps"))
            {
                if (line.EndsWith("libcoreclr.so", StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Named synchronisation objects (Mutex, Semaphore) a .NET process has open: on Unix the runtime backs each with a
    /// shared-memory file /tmp/.dotnet/shm/SCOPE/NAME that every process using the name maps. Returned as SCOPE/NAME.
    /// </summary>
    public static IReadOnlyList<string> NamedSyncObjects(int pid)
    {
        const string marker = "/.dotnet/shm/";
        try
        {
            return
            [
                .. File.ReadLines($"/proc/{pid}/maps")
                    .Select(line => line.IndexOf(marker, StringComparison.Ordinal) is int at and >= 0 ? line[(at + marker.Length)..].Trim() : null)
                    .Where(name => !string.IsNullOrEmpty(name))
                    .Select(name => name!)
                    .Distinct(StringComparer.Ordinal)
                    .Order(StringComparer.Ordinal),
            ];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The value of an environment variable of another process, when readable.</summary>
    public static string? Environment(int pid, string name)
    {
        try
        {
            string prefix = name + "=";
            foreach (string entry in Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ")).Split('\0'))
            {
                if (entry.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return entry[prefix.Length..];
                }
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ReadLine(string path)
    {
        try
        {
            return File.ReadAllText(path).TrimEnd('\n');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ProcessName(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return p.ProcessName;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static bool TryGetProcess(int pid) => ProcessName(pid) is not null;
}
