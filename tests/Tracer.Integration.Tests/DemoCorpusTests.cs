using System.Text.Json;
using Tracer.Demos;
using Tracer.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tracer.Integration.Tests;

/// <summary>
/// The demos as corpus programs: every fixed variant is healthy (no finding of severity warning or worse, live and
/// replayed); every bug with an expected finding is named by it first (causes before the symptoms that wait on them),
/// with at most a handful of findings.
/// </summary>
public sealed class DemoCorpusTests(ITestOutputHelper output)
{
    private const int MaxFindings = 5;

    public static TheoryData<string> Demos => [.. DemoCatalog.All.Select(d => d.Name)];

    public static TheoryData<string, string> Bugs
    {
        get
        {
            var bugs = new TheoryData<string, string>();
            foreach (DemoInfo demo in DemoCatalog.All.Where(d => d.Expect is not null))
            {
                bugs.Add(demo.Name, demo.Expect!);
            }

            return bugs;
        }
    }

    [Theory]
    [MemberData(nameof(Demos))]
    public async Task A_fixed_demo_gets_no_finding(string demo)
    {
        using CorpusTrace run = await CorpusTrace.FixedDemoAsync(demo, CorpusTrace.HealthyFailOn);

        CorpusHealthyTests.AssertHealthy(output, run, $"demo {demo} --fixed");
        Assert.Equal(0, run.LiveReport.RootElement.GetProperty("process").GetProperty("exitCode").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Bugs))]
    public async Task A_demo_bug_is_named_first_among_a_handful_of_findings(string demo, string kind)
    {
        using CorpusTrace run = await CorpusTrace.BugDemoAsync(demo, kind);

        string program = $"demo {demo}";
        // A main thread joining the stuck threads is a symptom: the hang of the threads it waits for must come first.
        string expected = $"`{kind}`{(kind == "hang" ? " (not in Thread.Join)" : "")} first; ≤ {MaxFindings} findings, live and replayed";
        string found = string.Join("; ",
            First(run.LiveReport) == First(run.ReplayReport) ? $"{Quote(First(run.LiveReport))} first" : $"{Quote(First(run.LiveReport))} first live, {Quote(First(run.ReplayReport))} replayed",
            Count(run.LiveReport) <= MaxFindings && Count(run.ReplayReport) <= MaxFindings
                ? $"≤ {MaxFindings} findings, live and replayed"
                : $"{Count(run.LiveReport)} findings live, {Count(run.ReplayReport)} replayed");
        output.WriteLine($"{program}: {found}; {CorpusHealthyTests.Kinds(CorpusTrace.Findings(run.LiveReport))}; text report {run.ReplayTextLines} lines\n{run.ReplayText}");
        if (FindingsTable.Updating)
        {
            FindingsTable.Check(program, expected, found);
        }

        Assert.True(found == expected, $"{program}: expected {expected}\nfound {found}\nlive findings:\n{run.DescribeAll(run.LiveReport)}");
        FindingsTable.Check(program, expected, found);
    }

    /// <summary>The first finding's kind, with "in Thread.Join" when it is a hang of joining threads only.</summary>
    private static string First(JsonDocument report)
    {
        JsonElement? first = CorpusTrace.Findings(report).Select(f => (JsonElement?)f).FirstOrDefault();
        if (first is not { } f)
        {
            return "none";
        }

        string kind = f.GetProperty("kind").GetString()!;
        if (kind != "hang")
        {
            return kind;
        }

        bool joins = f.GetProperty("threads").EnumerateArray()
            .All(t => t.TryGetProperty("primitive", out JsonElement p) && p.GetString() == "Thread.Join");
        return joins ? "hang (in Thread.Join)" : "hang (not in Thread.Join)";
    }

    /// <summary>"hang (in Thread.Join)" as "`hang` (in Thread.Join)".</summary>
    private static string Quote(string first) => first.Split(' ', 2) is [string kind, string rest] ? $"`{kind}` {rest}" : $"`{first}`";

    private static int Count(JsonDocument report) => CorpusTrace.Findings(report).Count();
}
