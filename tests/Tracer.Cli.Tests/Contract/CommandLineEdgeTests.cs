using Xunit;
using static Tracer.Cli.Tests.Contract.ExitCodeTests;

namespace Tracer.Cli.Tests.Contract;

/// <summary>Every usage error is one line naming what is wrong in the user's terms, and exit 2.</summary>
public sealed class CommandLineEdgeTests
{
    [Theory]
    [InlineData(new[] { "reprot", "x.nettrace" }, "dotnet-tracer: unknown command 'reprot'; did you mean 'report'? (see --help)")]
    [InlineData(new[] { "colect", "-p", "1" }, "dotnet-tracer: unknown command 'colect'; did you mean 'collect'? (see --help)")]
    [InlineData(new[] { "frobnicate" }, "dotnet-tracer: unknown command 'frobnicate' (commands: ps, collect, ")]
    [InlineData(new[] { "report", "x", "--format", "yaml" }, "dotnet-tracer: 'yaml' is not a --format value (accepted: text, json) (see --help)")]
    [InlineData(new[] { "export", "x", "--format", "svg" }, "dotnet-tracer: 'svg' is not a --format value (accepted: chromium) (see --help)")]
    [InlineData(new[] { "collect", "-p", "abc" }, "dotnet-tracer: 'abc' is not a process id (a positive number; see: dotnet-tracer ps) (see --help)")]
    [InlineData(new[] { "snapshot", "-p", "-4" }, "dotnet-tracer: '-4' is not a process id (a positive number; see: dotnet-tracer ps) (see --help)")]
    [InlineData(new[] { "collect", "-p", "1", "--buffer-size", "lots" }, "dotnet-tracer: --buffer-size must be at least 1 (MiB), not 'lots' (see --help)")]
    [InlineData(new[] { "collect", "-p", "1", "--stop-on", "deadlok" }, "dotnet-tracer: unknown finding kind 'deadlok' for --stop-on; did you mean 'deadlock'? (known: deadlock, ")]
    [InlineData(new[] { "demo", "dining-philosopher" }, "dotnet-tracer: no demo named 'dining-philosopher'; did you mean 'dining-philosophers'? (see: dotnet-tracer demo list)")]
    [InlineData(new[] { "run", "--tasks", "--", "true" }, "dotnet-tracer: unknown option '--tasks' for run (run's options go before --, the program and its arguments after it; see run --help)")]
    public async Task Usage_errors_are_one_line_in_the_users_terms(string[] args, string expected)
    {
        Result r = await Run(args);
        Assert.Equal(ExitCodes.UsageError, r.Exit);
        Assert.StartsWith(expected, Assert.Single(r.StderrLines), StringComparison.Ordinal); // lists that grow are cut off
        Assert.DoesNotContain("System.", r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:05", 5_000)]
    [InlineData("00:01:30.5", 90_500)]
    [InlineData("0:00:00:02", 2_000)]
    public void Durations_in_the_reference_tools_style_parse(string text, double ms)
    {
        Assert.True(Commands.CommonOptions.TryParseDuration(text, out TimeSpan value));
        Assert.Equal(ms, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("ps")]
    [InlineData("collect")]
    [InlineData("run")]
    [InlineData("report")]
    [InlineData("replay")]
    [InlineData("export")]
    [InlineData("demo")]
    [InlineData("snapshot")]
    public async Task Every_commands_help_has_an_example_and_no_default_in_a_form_the_option_rejects(string command)
    {
        Result r = await Run(command, "--help");
        Assert.Equal(ExitCodes.Ok, r.Exit);
        Assert.Contains($"Examples:", r.Stdout, StringComparison.Ordinal);
        Assert.Contains($"dotnet-tracer {command}", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[default: Text]", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[default: Chromium]", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[default: 00:", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_on_lists_its_kinds_and_demo_help_lists_the_demos()
    {
        Result collect = await Run("collect", "--help");
        string stopOn = collect.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith("--stop-on", StringComparison.Ordinal));
        foreach (string kind in Engine.Analysis.FindingKinds.All)
        {
            Assert.Contains(kind, stopOn, StringComparison.Ordinal);
        }

        Result demo = await Run("demo", "--help");
        foreach (Demos.DemoInfo d in Demos.DemoCatalog.All)
        {
            Assert.Contains(d.Name, demo.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Replay_accepts_the_no_tui_it_advises()
    {
        Assert.Contains("--no-tui", Tracer.Cli.Tui.TuiHost.NotATerminal, StringComparison.Ordinal);
        Result r = await Run("replay", "--no-tui", Golden.TracePath("dining-deadlock"));
        Assert.Equal(ExitCodes.Ok, r.Exit);
        Assert.Contains("DEADLOCK", r.Stdout, StringComparison.Ordinal);
        Assert.Equal("", r.Stderr);
    }
}
