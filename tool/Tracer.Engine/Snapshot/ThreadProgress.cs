namespace Tracer.Engine.Snapshot;

/// <summary>
/// How often each thread of a process has been scheduled (voluntary + involuntary context switches, Linux /proc). Two
/// samples with equal counts prove a thread did not run in between: blocked, not merely caught waiting for an instant.
/// </summary>
internal static class ThreadProgress
{
    /// <summary>Switch counts by OS thread id; null when the process is gone (or a zombie) or /proc is not available.</summary>
    public static Dictionary<int, long>? Sample(int pid)
    {
        if (!OperatingSystem.IsLinux() || IsGone(pid))
        {
            return null;
        }

        var counts = new Dictionary<int, long>();
        try
        {
            foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (int.TryParse(Path.GetFileName(task), out int tid) && Switches(Path.Combine(task, "status")) is long n)
                {
                    counts[tid] = n;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return counts;
    }

    /// <summary>True when the process no longer runs: no /proc entry, or a zombie waiting to be reaped.</summary>
    public static bool IsGone(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            return close < 0 || close + 2 >= stat.Length || stat[close + 2] is 'Z' or 'X';
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return !Directory.Exists($"/proc/{pid}");
        }
    }

    private static long? Switches(string statusPath)
    {
        try
        {
            long total = 0;
            bool found = false;
            foreach (string line in File.ReadLines(statusPath))
            {
                if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                {
                    total += long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    found = true;
                }
            }

            return found ? total : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null; // the thread ended between listing and reading
        }
    }
}
