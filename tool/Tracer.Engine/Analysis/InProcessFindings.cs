using Tracer.Engine.Events;
using Tracer.Engine.Reports;

namespace Tracer.Engine.Analysis;

/// <summary>
/// Findings from the in-process detector of `run --races` (Tracer.RaceRuntime): it has already proved the race or the
/// lock-order cycle with vector clocks over every instrumented access, so its report (key=value lines) becomes a
/// finding as it is; the event's stack is the stack of the thread that found it (the second access).
/// </summary>
public static class InProcessFindings
{
    public static Finding Race(in TraceRecord e)
    {
        Dictionary<string, string> fields = Parse(e.Text);
        string kind = fields.GetValueOrDefault("kind", "field");
        string target = fields.GetValueOrDefault("target", "?");
        Access first = Access.Parse(fields.GetValueOrDefault("first"));
        Access second = Access.Parse(fields.GetValueOrDefault("second"));
        string summary = kind == "collection"
            ? $"thread-safety violation on a {CollectionType(target)}: {first.Target} ({first.Verb}) and {second.Target} ({second.Verb}) were called from two threads not ordered by happens-before"
            : $"data race on field '{target}': a {first.Verb} and a {second.Verb} from two threads are not ordered by happens-before";
        return new Finding
        {
            Kind = FindingKinds.Race,
            Severity = Severity.Error,
            Summary = summary,
            TimeMs = e.TimeMs,
            Key = $"race:{e.ProcessId}:in-process:{e.ObjectId}",
            Threads =
            [
                new FindingThread(first.ThreadId, $"{first.Verb}s {first.Target} at {first.Where}", null, null, -1, e.TimeMs, e.ProcessId),
                new FindingThread(second.ThreadId == 0 ? e.ThreadId : second.ThreadId, $"{second.Verb}s {second.Target} at {second.Where}", null, null, e.StackId, e.TimeMs, e.ProcessId),
            ],
            Details =
            [
                $"first: {first.Verb} of {first.Target} by thread {first.ThreadId} at {first.Where}",
                $"then: {second.Verb} of {second.Target} by thread {second.ThreadId} at {second.Where}",
                "unordered: no lock, signal/wait, start/join, task completion or other modelled synchronisation lies between them " +
                    "(found in the process by run --races: vector clocks over every instrumented access; the stack is the second access's)",
            ],
            Metrics = new Dictionary<string, double> { ["inProcess"] = 1 },
        };
    }

    public static Finding LockOrder(in TraceRecord e)
    {
        var edges = new List<string[]>();
        foreach (string line in (e.Text ?? "").Split('\n'))
        {
            if (line.StartsWith("edge=", StringComparison.Ordinal) && line[5..].Split('|') is { Length: >= 5 } parts)
            {
                edges.Add([.. parts.Select(TextSanitizer.Clean)]);
            }
        }

        string order = string.Join(" → ", edges.Select(p => $"'{p[0]}'")) + (edges.Count > 0 ? $" → '{edges[0][0]}'" : "");
        int process = e.ProcessId, stack = e.StackId;
        double time = e.TimeMs;
        return new Finding
        {
            Kind = FindingKinds.PotentialDeadlock,
            Severity = Severity.Warning,
            Summary = $"lock-order inversion over {edges.Count} locks ({order}): threads taking them in these orders at the same time would deadlock",
            TimeMs = e.TimeMs,
            Key = $"potential-deadlock:{process}:in-process:{e.ObjectId}",
            Threads = [.. edges.Select((p, i) => new FindingThread(int.TryParse(p[2], out int t) ? t : 0,
                $"takes '{p[1]}' at {p[4]} while holding '{p[0]}' (taken at {p[3]})", null, null, i == 0 ? stack : -1, time, process))],
            Details = [.. edges.Select(p => $"order '{p[0]}' → '{p[1]}': thread {p[2]} took '{p[0]}' at {p[3]}, then '{p[1]}' at {p[4]}")],
            Metrics = new Dictionary<string, double> { ["locks"] = edges.Count, ["inProcess"] = 1 },
        };
    }

    private static Dictionary<string, string> Parse(string? text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in (text ?? "").Split('\n'))
        {
            int eq = line.IndexOf('=');
            if (eq > 0)
            {
                fields[line[..eq]] = TextSanitizer.Clean(line[(eq + 1)..]);
            }
        }

        return fields;
    }

    private static string CollectionType(string target) => target.Split('.')[0];

    private readonly record struct Access(string Verb, int ThreadId, string Target, string Where)
    {
        public static Access Parse(string? text)
        {
            string[] parts = (text ?? "").Split('|');
            return new Access(parts.Length > 0 && parts[0].Length > 0 ? parts[0] : "access", parts.Length > 1 && int.TryParse(parts[1], out int t) ? t : 0,
                parts.Length > 2 ? parts[2] : "?", parts.Length > 3 ? parts[3] : "?");
        }
    }
}
