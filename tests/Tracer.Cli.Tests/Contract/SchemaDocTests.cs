using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Tracer.Cli.Tests.Contract;

/// <summary>
/// docs/report-schema.md and the JSON reports agree field for field: every field of every golden JSON report is in
/// the doc's table for its object, and every field in the doc occurs in some golden. The doc has one table per object,
/// under a heading naming its path (`findings[].threads[]`); maps keyed by data (stacks by thread id, counters by
/// name) are written `.*`; metrics are documented per finding kind. A row whose meaning says "no golden pins this
/// field" is exempt from the second check (the doc then says why no fixture has it).
/// </summary>
public sealed partial class SchemaDocTests
{
    private const string MetricsPath = "findings[].metrics";
    private static readonly HashSet<string> s_maps = ["findings[].stacks", "findings[].stackLines", "threadPool.counters"];

    [Fact]
    public void Every_json_field_is_documented_and_every_documented_field_occurs()
    {
        (Dictionary<string, HashSet<string>> documented, Dictionary<string, HashSet<string>> metricsByKind, HashSet<string> unpinned) = ReadDoc();
        var seen = new Dictionary<string, HashSet<string>>();
        var seenMetrics = new Dictionary<string, HashSet<string>>();
        foreach (string trace in Golden.TraceNames())
        {
            using var report = JsonDocument.Parse(ReportGoldenTests.Report(trace, Commands.ReportFormat.Json));
            Collect(report.RootElement, "", seen);
            foreach (JsonElement finding in report.RootElement.GetProperty("findings").EnumerateArray())
            {
                string kind = finding.GetProperty("kind").GetString()!;
                Set(seenMetrics, kind).UnionWith(finding.GetProperty("metrics").EnumerateObject().Select(p => p.Name));
            }
        }

        var problems = new List<string>();
        foreach ((string path, HashSet<string> fields) in seen)
        {
            foreach (string field in fields.Where(f => !documented.GetValueOrDefault(path, []).Contains(f)))
            {
                problems.Add($"the JSON has `{Join(path, field)}`, which docs/report-schema.md does not document");
            }
        }

        foreach ((string path, HashSet<string> fields) in documented)
        {
            foreach (string field in fields.Where(f => !seen.GetValueOrDefault(path, []).Contains(f) && !unpinned.Contains(Join(path, f))))
            {
                problems.Add($"docs/report-schema.md documents `{Join(path, field)}`, which no golden report has (add a fixture that shows it, or drop it)");
            }
        }

        foreach ((string kind, HashSet<string> metrics) in seenMetrics)
        {
            if (!metricsByKind.TryGetValue(kind, out HashSet<string>? listed))
            {
                problems.Add($"the JSON has findings of kind `{kind}`, whose metrics docs/report-schema.md does not list");
                continue;
            }

            problems.AddRange(metrics.Except(listed).Select(m => $"`{kind}` metric `{m}` is not documented"));
            problems.AddRange(listed.Except(metrics).Select(m => $"`{kind}` metric `{m}` is documented but not in the golden `{kind}` findings"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_doc_describes_the_objects_the_contract_needs()
    {
        (Dictionary<string, HashSet<string>> documented, _, _) = ReadDoc();
        Assert.Contains("severity", documented["findings[]"]);
        Assert.Contains("p99WaitMs", documented["locks[]"]);
        Assert.Contains("truncated", documented["trace"]);
    }

    private static void Collect(JsonElement element, string path, Dictionary<string, HashSet<string>> seen)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when path == MetricsPath:
                return; // checked per kind
            case JsonValueKind.Object:
                bool map = s_maps.Contains(path);
                foreach (JsonProperty p in element.EnumerateObject())
                {
                    if (!map)
                    {
                        Set(seen, path).Add(p.Value.ValueKind == JsonValueKind.Array ? p.Name + "[]" : p.Name);
                    }

                    string child = map ? path + ".*" : Join(path, p.Value.ValueKind == JsonValueKind.Array ? p.Name + "[]" : p.Name);
                    Collect(p.Value, child == "process" ? "processes[]" : child, seen); // `process` has the shape of processes[]
                }

                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Collect(item, path, seen);
                }

                break;
        }
    }

    /// <summary>The doc's tables: heading path → fields (first column), and the metrics table: kind → metrics.</summary>
    private static (Dictionary<string, HashSet<string>> Fields, Dictionary<string, HashSet<string>> Metrics, HashSet<string> Unpinned) ReadDoc()
    {
        var unpinned = new HashSet<string>();
        string doc = Path.Combine(Golden.FixturesDirectory, "..", "..", "docs", "report-schema.md");
        var fields = new Dictionary<string, HashSet<string>>();
        var metrics = new Dictionary<string, HashSet<string>>();
        string? path = null;
        foreach (string line in File.ReadLines(doc))
        {
            if (line.StartsWith('#'))
            {
                Match heading = Backticked().Match(line);
                path = line.Contains("Top level", StringComparison.Ordinal) ? ""
                    : heading.Success && !line.Contains("snapshot", StringComparison.Ordinal) ? heading.Groups[1].Value : null;
                continue;
            }

            if (path is null || !line.StartsWith("| `", StringComparison.Ordinal))
            {
                continue;
            }

            string[] cells = line.Split('|');
            string first = Backticked().Match(cells[1]).Groups[1].Value;
            if (path == MetricsPath)
            {
                Set(metrics, first).UnionWith(Backticked().Matches(cells[2]).Select(m => m.Groups[1].Value));
            }
            else
            {
                Set(fields, path).Add(first);
                if (line.Contains("no golden pins this field", StringComparison.Ordinal))
                {
                    unpinned.Add(Join(path, first));
                }
            }
        }

        return (fields, metrics, unpinned);
    }

    private static HashSet<string> Set(Dictionary<string, HashSet<string>> sets, string key) =>
        sets.TryGetValue(key, out HashSet<string>? set) ? set : sets[key] = [];

    private static string Join(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();
}
