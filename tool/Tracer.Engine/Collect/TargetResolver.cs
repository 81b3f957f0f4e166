using Microsoft.Diagnostics.NETCore.Client;

namespace Tracer.Engine.Collect;

/// <summary>Finds traceable .NET processes and turns -p/-n into one PID, or a clear reason why not.</summary>
public static class TargetResolver
{
    /// <summary>The .NET processes whose diagnostic port this user can open (like dotnet-trace ps).</summary>
    public static IReadOnlyList<DotnetProcess> List()
    {
        int self = System.Environment.ProcessId;
        return
        [
            .. PublishedProcesses()
                .Where(pid => pid != self)
                .Select(pid => new DotnetProcess(pid, ProcFs.DisplayName(pid) ?? "?", ProcFs.CommandLine(pid) ?? string.Empty))
                .OrderBy(p => p.ProcessId),
        ];
    }

    /// <summary>Checks that <paramref name="pid"/> can be traced; throws <see cref="TracerUserException"/> saying why not.</summary>
    public static void EnsureTraceable(int pid)
    {
        if (pid <= 0 || !ProcFs.Exists(pid))
        {
            throw new TracerUserException($"no process with PID {pid}");
        }

        // A diagnostic port is a socket owned by the target's user: root may open any, others only their own.
        if (ProcFs.CurrentUid() is int me && me != 0 && ProcFs.OwnerUid(pid) is int owner && owner != me)
        {
            throw new TracerUserException($"process {pid} ({ProcFs.Name(pid) ?? "?"}) belongs to another user (uid {owner}); its diagnostic port only opens to that user or root: run as its owner");
        }

        if (PublishedProcesses().Contains(pid))
        {
            return;
        }

        string name = ProcFs.Name(pid) ?? "?";
        if (ProcFs.Environment(pid, "DOTNET_EnableDiagnostics") == "0" || ProcFs.Environment(pid, "COMPlus_EnableDiagnostics") == "0")
        {
            throw new TracerUserException($"process {pid} ({name}) runs with DOTNET_EnableDiagnostics=0, so it cannot be traced; restart it without that setting");
        }

        throw ProcFs.LoadsCoreClr(pid) switch
        {
            false => new TracerUserException($"process {pid} ({name}) is not a .NET process"),
            true => new TracerUserException($"process {pid} ({name}) is .NET but publishes no diagnostic port this user can open (diagnostics disabled, another user, or a different /tmp: reach it with --diagnostic-port PATH)"),
            null => new TracerUserException($"process {pid} ({name}) cannot be inspected by this user (it belongs to another user?); run as its owner"),
        };
    }

    /// <summary>
    /// PIDs with a live diagnostic socket. A runtime killed with SIGKILL leaves its socket behind, and once its PID is
    /// reused by another program (say `sleep`) that socket would pass it off as .NET: a socket counts only when its
    /// disambiguation key is the start time of the process that has that PID now.
    /// </summary>
    private static HashSet<int> PublishedProcesses()
    {
        IEnumerable<string> sockets;
        try
        {
            // Where DiagnosticsClient looks too: the runtime's sockets in the temp directory.
            sockets = Directory.EnumerateFiles(Path.GetTempPath(), "dotnet-diagnostic-*-socket").ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [.. DiagnosticsClient.GetPublishedProcesses()]; // cannot tell stale from live: trust the client
        }

        var live = new HashSet<int>();
        foreach (string socket in sockets)
        {
            // dotnet-diagnostic-PID-KEY-socket
            string[] parts = Path.GetFileName(socket).Split('-');
            if (parts.Length == 5 && int.TryParse(parts[2], out int pid)
                && long.TryParse(parts[3], out long key) && ProcFs.StartTicks(pid) == key)
            {
                live.Add(pid);
            }
        }

        return live;
    }

    /// <summary>The one traceable process whose name matches <paramref name="name"/> (exact, case-insensitive): the name ps
    /// shows (full executable name, or the app of `dotnet app.dll`), or the OS's 15-character comm.</summary>
    public static int ByName(string name)
    {
        DotnetProcess[] matches = [.. List().Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(ProcFs.Name(p.ProcessId), name, StringComparison.OrdinalIgnoreCase))];
        return matches.Length switch
        {
            1 => matches[0].ProcessId,
            0 => throw new TracerUserException($"no .NET process named '{name}' (see: dotnet-tracer ps)"),
            _ => throw new TracerUserException($"{matches.Length} .NET processes are named '{name}' (PIDs {string.Join(", ", matches.Select(m => m.ProcessId))}); pick one with -p"),
        };
    }
}
