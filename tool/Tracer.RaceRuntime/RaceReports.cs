using System.Collections.Concurrent;
using System.Text;

namespace Tracer.RaceRuntime;

/// <summary>Sends each race once (per location for fields, per pair of sites for collections) to the tracer.</summary>
internal static class RaceReports
{
    private static readonly ConcurrentDictionary<string, byte> s_sent = new();
    /// <summary>TRACER_RACES_ECHO=1 also prints each report on the program's stderr (for running a copy by hand).</summary>
    private static readonly bool s_echo = Environment.GetEnvironmentVariable("TRACER_RACES_ECHO") == "1";

    /// <summary>An access (at <paramref name="site"/>, by the current thread) unordered with an earlier one.</summary>
    public static void Race(string kind, int firstSite, bool firstWrite, int firstThread, int site, bool write, string? detail = null)
    {
        string target = Sites.Target(site);
        string key = kind == "field" ? $"field:{target}" : $"{kind}:{Math.Min(firstSite, site)}:{Math.Max(firstSite, site)}";
        if ((!RaceEventSource.Log.IsEnabled() && !s_echo) || !s_sent.TryAdd(key, 0))
        {
            return;
        }

        var text = new StringBuilder()
            .Append("kind=").Append(kind).Append('\n')
            .Append("target=").Append(target).Append('\n')
            .Append("first=").Append(firstWrite ? "write" : "read").Append('|').Append(firstThread).Append('|')
            .Append(Sites.Target(firstSite)).Append('|').Append(Sites.Where(firstSite)).Append('\n')
            .Append("second=").Append(write ? "write" : "read").Append('|').Append(RaceThread.Current.ThreadId).Append('|')
            .Append(target).Append('|').Append(Sites.Where(site)).Append('\n');
        if (detail is not null)
        {
            text.Append("detail=").Append(detail).Append('\n');
        }

        Send(RaceEventSource.RaceId, key, text.ToString());
    }

    /// <summary>A lock-order cycle; each edge is (held lock, then taken lock, thread, held site, taken site).</summary>
    public static void LockOrder(IReadOnlyList<LockOrderEdge> cycle)
    {
        string key = "lock:" + string.Join(",", cycle.Select(e => e.HeldSite).Order());
        if ((!RaceEventSource.Log.IsEnabled() && !s_echo) || !s_sent.TryAdd(key, 0))
        {
            return;
        }

        var text = new StringBuilder();
        foreach (LockOrderEdge edge in cycle)
        {
            text.Append("edge=").Append(Sites.Target(edge.HeldSite)).Append('|').Append(Sites.Target(edge.TakenSite)).Append('|')
                .Append(edge.ThreadId).Append('|').Append(Sites.Where(edge.HeldSite)).Append('|').Append(Sites.Where(edge.TakenSite)).Append('\n');
        }

        Send(RaceEventSource.LockOrderId, key, text.ToString());
    }

    private static void Send(int eventId, string key, string text)
    {
        long id = key.GetHashCode() & 0x7fffffff;
        if (eventId == RaceEventSource.RaceId)
        {
            RaceEventSource.Log.Race(id, text);
        }
        else
        {
            RaceEventSource.Log.LockOrder(id, text);
        }

        if (s_echo)
        {
            Console.Error.WriteLine($"[tracer-races] {text.Replace('\n', ' ')}");
        }
    }
}
