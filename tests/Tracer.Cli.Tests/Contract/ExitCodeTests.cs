using System.CommandLine;
using Xunit;

namespace Tracer.Cli.Tests.Contract;

/// <summary>The README's exit-code table, checked in process through the same entry point the tool uses.</summary>
public sealed class ExitCodeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracer-exit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_report_with_no_named_finding_exits_0_and_a_named_one_exits_1()
    {
        string trace = Golden.TracePath("dining-deadlock");
        Assert.Equal(ExitCodes.Ok, (await Run("report", trace)).Exit);
        Assert.Equal(ExitCodes.Ok, (await Run("report", trace, "--fail-on", "race")).Exit);
        Assert.Equal(ExitCodes.FindingFound, (await Run("report", trace, "--fail-on", "deadlock")).Exit);
        Assert.Equal(ExitCodes.FindingFound, (await Run("report", trace, "--format", "json", "--fail-on", "any")).Exit);
    }

    [Theory]
    [InlineData("report")]
    [InlineData("export")]
    public async Task A_trace_that_ends_early_exits_2_with_one_line_and_still_gives_its_output(string command)
    {
        byte[] whole = File.ReadAllBytes(Golden.TracePath("dining-deadlock"));
        string cut = Path.Combine(_dir, "cut.nettrace");
        File.WriteAllBytes(cut, whole[..(whole.Length * 2 / 3)]);
        string output = Path.Combine(_dir, "cut.json");

        Result r = command == "report" ? await Run("report", cut) : await Run("export", cut, "-o", output);

        Assert.Equal(ExitCodes.UsageError, r.Exit);
        Assert.Contains("ends early", r.Stderr, StringComparison.Ordinal);
        Assert.Contains(r.StderrLines, l => l.Contains("ends early", StringComparison.Ordinal));
        Assert.DoesNotContain(r.StderrLines, l => l.StartsWith("at ", StringComparison.Ordinal)); // no stack trace
        Assert.True(command == "report" ? r.Stdout.Contains("trace:", StringComparison.Ordinal) : File.Exists(output));
    }

    [Fact]
    public async Task Export_writes_an_owner_only_file_and_exits_0()
    {
        string output = Path.Combine(_dir, "out.json");
        Result r = await Run("export", Golden.TracePath("dining-deadlock"), "-o", output);
        Assert.Equal(ExitCodes.Ok, r.Exit);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(output));
        }
    }

    [Theory]
    [InlineData("/proc/self/mem", "cannot read")]
    [InlineData("/nonexistent/x.nettrace", "no such trace file")]
    [InlineData("/etc/hostname", "not a .nettrace")]
    [InlineData("/tmp", "cannot read")]
    public async Task Unreadable_input_is_one_line_and_exit_2(string path, string says)
    {
        Result r = await Run("report", path);
        Assert.Equal(ExitCodes.UsageError, r.Exit);
        Assert.Contains(says, Assert.Single(r.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_as_output_is_named_as_one()
    {
        Result r = await Run("export", Golden.TracePath("dining-deadlock"), "-o", _dir);
        Assert.Equal(ExitCodes.UsageError, r.Exit);
        Assert.Contains("is a directory", Assert.Single(r.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unexpected_exception_is_one_line_and_its_own_exit_code()
    {
        var root = new RootCommand("test");
        var boom = new Command("boom");
        boom.SetAction((_, _) => Task.FromException<int>(new InvalidOperationException("something no one expected\nsecond line")));
        root.Subcommands.Add(boom);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await CommandLineBuilder.InvokeAsync(root, ["boom"], stdout, stderr);

        Assert.Equal(ExitCodes.InternalError, exit);
        string line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("dotnet-tracer: internal error (InvalidOperationException: something no one expected); this is a bug in dotnet-tracer, please report it with the command line", line);
    }

    internal sealed record Result(int Exit, string Stdout, string Stderr)
    {
        public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    internal static async Task<Result> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await CommandLineBuilder.InvokeAsync(CommandLineBuilder.Create(), args, stdout, stderr);
        return new Result(exit, stdout.ToString(), stderr.ToString());
    }
}
