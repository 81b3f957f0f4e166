using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tracer.Integration.Tests;

/// <summary>
/// The sick corpus (tests/Tracer.Corpus/Sick): web apps with the bugs of Microsoft's DiagnosticScenarios sample, traced
/// for real. Each must be named as one finding of its kind whose stacks name the blocking method, with at most a
/// handful of findings in all and a text report that fits on two screens, live and replayed.
/// </summary>
[Collection(CorpusCollection.Name)]
public sealed class CorpusSickTests(ITestOutputHelper output)
{
    private const int MaxFindings = 5;
    private const int MaxReportLines = 100;

    [Fact]
    public async Task Sync_over_async_at_500_requests_a_second_is_one_starvation_naming_the_blocking_lambda()
    {
        // 15 s of load, traced for 25 s: a starved app may take minutes to drain its queue, so the tool ends it.
        using CorpusTrace run = await CorpusTrace.RunAsync("sync-over-async", "15", "starvation", "--duration", "25s");

        AssertNamed(run, "sync-over-async web app (`run`)", "starvation", "SyncOverAsyncApp", "GetCustomer");
    }

    [Fact]
    public async Task Two_locks_taken_in_opposite_orders_are_one_deadlock_with_the_300_waiters_under_it()
    {
        using CorpusTrace run = await CorpusTrace.RunAsync("deadlock", "60", "deadlock", "--duration", "15s");

        AssertNamed(run, "deadlock web app (`run`)", "deadlock", "DeadlockApp", "TakeBThenA");
    }

    [Fact]
    public async Task Pool_threads_polling_with_Thread_Sleep_are_one_starvation_naming_the_polling_method()
    {
        // A sleeping thread emits no wait event: only CPU samples show where it sleeps.
        using CorpusTrace run = await CorpusTrace.RunAsync("sleep-poll", "15", "starvation", "--cpu-sampling", "--duration", "25s");

        AssertNamed(run, "sleep-poll web app (`run --cpu-sampling`)", "starvation", "SleepPollApp", "TaskSleepWait");
    }

    [Fact]
    public async Task A_pulse_lost_before_the_consumer_waits_is_one_hang_naming_the_consumer()
    {
        using CorpusTrace run = await CorpusTrace.RunAsync("lost-pulse", "20", "hang", "--duration", "12s");

        AssertNamed(run, "lost-pulse work queue (`run`)", "hang", "LostPulseApp", "ConsumeWork");
    }

    [Fact]
    public async Task Blocking_disk_writes_under_a_lock_are_one_convoy_naming_the_request_handler()
    {
        using CorpusTrace run = await CorpusTrace.RunAsync("locked-io", "12", "convoy", "--duration", "15s");

        AssertNamed(run, "locked-io audit log (`run`)", "convoy", "LockedIoApp", "HandleRequest");
    }

    /// <summary>One <paramref name="kind"/> finding whose stacks have a frame of <paramref name="type"/>.<paramref name="method"/>, live and replayed; few findings; a short report.</summary>
    private void AssertNamed(CorpusTrace run, string program, string kind, string type, string method)
    {
        string expected = $"1 `{kind}` whose stacks name `{method}`; ≤ {MaxFindings} findings; text report ≤ {MaxReportLines} lines";
        string live = Found(run.LiveReport, kind, type, method);
        string replay = Found(run.ReplayReport, kind, type, method);
        int total = CorpusTrace.Findings(run.LiveReport).Count();
        string found = string.Join("; ",
            live == replay ? live : $"live: {live}, replayed: {replay}",
            total <= MaxFindings ? $"≤ {MaxFindings} findings" : $"{total} findings",
            run.ReplayTextLines <= MaxReportLines ? $"text report ≤ {MaxReportLines} lines" : $"text report {run.ReplayTextLines} lines");
        output.WriteLine($"{program}: {found}; {total} findings ({CorpusHealthyTests.Kinds(CorpusTrace.Findings(run.LiveReport))}); " +
            $"text report {run.ReplayTextLines} lines; peak TMPDIR {run.PeakTempBytes / 1024} KiB; {run.ProgramSummary}\n{run.ReplayText}");
        if (FindingsTable.Updating)
        {
            FindingsTable.Check(program, expected, found);
        }

        Assert.True(found == expected, $"{program}: expected {expected}\nfound {found}\nlive findings:\n{run.DescribeAll(run.LiveReport)}");
        Assert.Equal(1, run.Live.ExitCode); // --fail-on KIND
        Assert.Equal(1, run.ReplayExitCode);
        FindingsTable.Check(program, expected, found);
    }

    /// <summary>"1 `starvation` whose stacks name `M`", or what was found instead.</summary>
    private static string Found(JsonDocument report, string kind, string type, string method)
    {
        JsonElement[] ofKind = [.. CorpusTrace.Findings(report).Where(f => f.GetProperty("kind").GetString() == kind)];
        bool named = ofKind.Any(f => f.GetProperty("stacks").EnumerateObject()
            .SelectMany(s => s.Value.EnumerateArray()).Any(frame => frame.GetString()!.Contains(type, StringComparison.Ordinal) && frame.GetString()!.Contains(method, StringComparison.Ordinal)));
        return $"{ofKind.Length} `{kind}` whose stacks {(named ? "name" : "do not name")} `{method}`";
    }
}
