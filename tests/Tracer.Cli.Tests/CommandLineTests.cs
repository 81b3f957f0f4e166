using System.CommandLine;
using Tracer.Cli;
using Tracer.Cli.Commands;

namespace Tracer.Cli.Tests;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("7", 7_000)]
    public void Durations_parse(string text, double expectedMs)
    {
        Assert.True(CommonOptions.TryParseDuration(text, out TimeSpan value));
        Assert.Equal(expectedMs, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5s")]
    [InlineData("1e400s")]
    public void Bad_durations_are_rejected(string text) => Assert.False(CommonOptions.TryParseDuration(text, out _));

    [Fact]
    public async Task Help_lists_every_command()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await CommandLineBuilder.InvokeAsync(CommandLineBuilder.Create(), ["--help"], stdout, stderr);
        Assert.Equal(0, exit);
        foreach (string command in new[] { "ps", "collect", "run", "report", "demo" })
        {
            Assert.Contains($"  {command}", stdout.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Bad_duration_is_one_line_and_exit_2()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await CommandLineBuilder.InvokeAsync(CommandLineBuilder.Create(), ["collect", "-p", "1", "--duration", "soon"], stdout, stderr);
        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains("'soon' is not a duration", stderr.ToString(), StringComparison.Ordinal);
        Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("collect", "0")]
    [InlineData("run", "-3")]
    public async Task A_buffer_size_under_1_MiB_is_one_line_and_exit_2(string command, string size)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] target = command == "collect" ? ["-p", "1"] : ["--", "true"];
        int exit = await CommandLineBuilder.InvokeAsync(CommandLineBuilder.Create(), [command, "--buffer-size", size, .. target], stdout, stderr);
        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains("--buffer-size must be at least 1", stderr.ToString(), StringComparison.Ordinal);
        Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("report")]
    [InlineData("replay")]
    [InlineData("export")]
    public async Task An_unknown_option_where_the_trace_file_goes_is_named_as_an_option(string command)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await CommandLineBuilder.InvokeAsync(CommandLineBuilder.Create(), [command, "--bogus"], stdout, stderr);
        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Equal("dotnet-tracer: unknown option '--bogus' (see --help)", stderr.ToString().Trim());
    }

    [Fact]
    public async Task Bad_flight_recorder_window_is_one_line_and_exit_2()
    {
        var stderr = new StringWriter();
        int exit = await CommandLineBuilder.InvokeAsync(CommandLineBuilder.Create(), ["collect", "-p", "1", "--flight-recorder", "0s"], new StringWriter(), stderr);
        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains("'0s' is not a duration", stderr.ToString(), StringComparison.Ordinal);
        Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData(new[] { "--flight-recorder", "30s" }, 30.0, "deadlock,race,starvation")]
    [InlineData(new[] { "--flight-recorder", "30s", "--stop-on", "hang" }, 30.0, "hang")]
    [InlineData(new string[0], null, "")]
    public void Flight_recorder_stops_on_the_serious_findings_unless_told_otherwise(string[] args, double? windowSeconds, string stopOn)
    {
        var command = new Command("collect");
        LiveOptions options = LiveOptions.AddTo(command);
        Tracing.LiveSettings settings = options.Read(command.Parse(args));
        Assert.Equal(windowSeconds, settings.FlightRecorder?.TotalSeconds);
        Assert.Equal(stopOn, string.Join(",", settings.StopOn.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task Demo_list_names_the_dining_philosophers()
    {
        var stdout = new StringWriter();
        int exit = await CommandLineBuilder.InvokeAsync(CommandLineBuilder.Create(), ["demo", "list"], stdout, new StringWriter());
        Assert.Equal(0, exit);
        Assert.Contains("dining-philosophers", stdout.ToString(), StringComparison.Ordinal);
    }
}
