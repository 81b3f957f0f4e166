using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests.Demos;

/// <summary>
/// futures-errors (a demo to watch): the tracer names every faulted task with its exception and throw stack in both
/// variants (the tasks fail either way); the difference is whether the program saw them, which the output shows.
/// </summary>
public sealed class FuturesErrorsDemoTests
{
    private static readonly string[] s_errors =
    [
        "InvalidOperationException: job 1: the input file is missing",
        "TimeoutException: job 3: the server did not answer",
        "FormatException: job 4: '12,5' is not a number",
        "UnauthorizedAccessException: background clean-up: cannot delete the temp folder",
    ];

    [Fact]
    public async Task Buggy_variant_sees_one_error_while_the_tracer_names_all_four_faulted_tasks()
    {
        using TracedDemo demo = await TracedDemo.RunAsync("futures-errors", fixedVariant: false);

        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Contains("caught ONE exception", demo.DemoOutput, StringComparison.Ordinal);
        Assert.Equal(1, s_errors.Count(e => demo.DemoOutput.Contains(e, StringComparison.Ordinal)));

        JsonElement finding = Assert.Single(demo.Findings("task-fault"));
        Assert.Equal(4, finding.GetProperty("metrics").GetProperty("faultedTasks").GetInt32());
        string details = string.Join('\n', finding.GetProperty("details").EnumerateArray().Select(d => d.GetString()));
        Assert.All(s_errors, e => Assert.Contains(e, details, StringComparison.Ordinal));
        string[] frames = [.. TracedDemo.Frames(finding)];
        Assert.Contains(frames, f => f.EndsWith("FuturesErrorsDemo.Job", StringComparison.Ordinal) || f.EndsWith("FuturesErrorsDemo.CleanUpInBackground", StringComparison.Ordinal));

        // Replaying the written trace gives the same findings as the live run.
        Assert.Equal(demo.LiveFindings, await demo.ReplayFindingsAsync());
    }

    [Fact]
    public async Task Fixed_variant_prints_every_error_the_tracer_names()
    {
        using TracedDemo demo = await TracedDemo.RunAsync("futures-errors", fixedVariant: true);

        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Equal(0, demo.TargetExitCode);
        Assert.All(s_errors, e => Assert.Contains(e, demo.DemoOutput, StringComparison.Ordinal));
        JsonElement finding = Assert.Single(demo.Findings("task-fault"));
        Assert.Equal(4, finding.GetProperty("metrics").GetProperty("faultedTasks").GetInt32());
    }
}
