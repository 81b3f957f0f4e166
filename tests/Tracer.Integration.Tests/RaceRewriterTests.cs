using System.Security.Cryptography;
using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>
/// run --races on the race corpus (no annotations), for real: each racy case's race is found with both sites (file:line
/// from the PDB), each race-free twin (one per synchronisation primitive) gives no race and no potential deadlock, and a
/// lock-order inversion that completed is a potential deadlock.
/// </summary>
public sealed class RaceRewriterTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData("racy-lost-update", "field 'Box.Value'")]
    [InlineData("racy-check-then-act", "field 'RacyCases.s_instance'")]
    [InlineData("racy-publication", "field 'Box.Next'")]
    [InlineData("racy-static-field", "field 'RacyCases.s_count'")]
    [InlineData("racy-after-await", "field 'Box.Text'")]
    [InlineData("racy-after-timer-start", "field 'Box.Value'")]
    [InlineData("racy-dictionary-parallel", "on a Dictionary: Dictionary.set_Item (write) and Dictionary.set_Item (write)")]
    [InlineData("racy-list-parallel", "on a List: List.Add (write) and List.Add (write)")]
    public async Task A_racy_case_gets_a_race_naming_both_sites(string name, string summary)
    {
        (JsonElement[] findings, _) = await RunCaseAsync(name);
        JsonElement race = Assert.Single(findings, f => Kind(f) == "race" && Summary(f).Contains(summary, StringComparison.Ordinal));
        JsonElement[] threads = [.. race.GetProperty("threads").EnumerateArray()];
        Assert.Equal(2, threads.Length);
        Assert.NotEqual(threads[0].GetProperty("id").GetInt32(), threads[1].GetProperty("id").GetInt32());
        Assert.All(threads, t => Assert.Matches(@"at \S+ \+IL_[0-9a-f]{4} \((RacyCases)\.cs:\d+\)", t.GetProperty("role").GetString()));
        Assert.Equal(1, race.GetProperty("metrics").GetProperty("inProcess").GetDouble());
    }

    [Fact]
    public async Task A_lock_order_inversion_that_did_not_deadlock_is_a_potential_deadlock_with_both_orders()
    {
        (JsonElement[] findings, _) = await RunCaseAsync("order-inversion");
        JsonElement finding = Assert.Single(findings, f => Kind(f) == "potential-deadlock");
        string[] roles = [.. finding.GetProperty("threads").EnumerateArray().Select(t => t.GetProperty("role").GetString()!)];
        Assert.Contains(roles, r => r.StartsWith("takes 'RacyCases.second' at ", StringComparison.Ordinal) && r.Contains("while holding 'RacyCases.first'", StringComparison.Ordinal));
        Assert.Contains(roles, r => r.StartsWith("takes 'RacyCases.first' at ", StringComparison.Ordinal) && r.Contains("while holding 'RacyCases.second'", StringComparison.Ordinal));
        Assert.All(roles, r => Assert.Contains("RacyCases.cs:", r, StringComparison.Ordinal));
    }

    public static TheoryData<string> RaceFreeTwins() => [.. CorpusCases().Where(c => c.StartsWith("free-", StringComparison.Ordinal))];

    [Theory]
    [MemberData(nameof(RaceFreeTwins))]
    public async Task A_race_free_twin_gets_no_race_and_no_potential_deadlock(string name)
    {
        (JsonElement[] findings, ToolResult result) = await RunCaseAsync(name);
        Assert.DoesNotContain(findings, f => Kind(f) is "race" or "potential-deadlock");
        Assert.Contains($"{name}: done", result.Stderr, StringComparison.Ordinal); // the case ran to its end
    }

    [Fact]
    public async Task The_private_copy_is_removed_and_the_program_files_are_untouched()
    {
        string[] before = Copies();
        byte[] hash = SHA256.HashData(File.ReadAllBytes(CorpusDll));
        (_, ToolResult result) = await RunCaseAsync("free-monitor");
        Assert.Contains("--races: instrumented Tracer.RaceCorpus.dll", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(hash, SHA256.HashData(File.ReadAllBytes(CorpusDll)));
        Assert.Empty(Copies().Except(before));
    }

    [Fact]
    public async Task A_native_executable_is_refused_in_one_line_with_exit_2()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        ToolResult result = await ChildProcess.RunToolAsync(s_timeout, "run", "--races", "--no-tui", "-o", dir.File("t.nettrace"), "--", "/bin/true");
        Assert.Equal(2, result.ExitCode);
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("single-file and NativeAOT", line, StringComparison.Ordinal);
    }

    /// <summary>A ReadyToRun-published app started through its apphost: precompiled code must not bypass the checks.</summary>
    [Fact]
    public async Task A_ReadyToRun_app_started_by_its_apphost_is_checked_too()
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        string project = Path.Combine(Path.GetDirectoryName(CorpusDll)!, "..", "..", "..", "Tracer.RaceCorpus.csproj");
        string rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        using ChildProcess publish = ChildProcess.Start(ToolPaths.Dotnet, ["publish", project, "-c", "Release", "-r", rid, "--self-contained", "false",
            "-p:PublishReadyToRun=true", "-o", dir.File("app"), "-nologo", "-v", "q"]);
        Assert.Equal(0, await publish.WaitForExitAsync(TimeSpan.FromSeconds(240)));
        ToolResult result = await ChildProcess.RunToolAsync(s_timeout, "run", "--races", "--no-tui", "--format", "json", "-o", dir.File("r2r.nettrace"),
            "--", dir.File("app/Tracer.RaceCorpus"), "racy-lost-update");
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stderr}");
        using JsonDocument report = JsonDocument.Parse(result.Stdout);
        Assert.Contains(report.RootElement.GetProperty("findings").EnumerateArray(), f => Kind(f) == "race" && Summary(f).Contains("field 'Box.Value'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("lost-updates", "field 'LostUpdatesDemo.Counter._count'")]
    [InlineData("double-checked", "field 'Shared._value'")]
    [InlineData("timer-race", "field 'Shared._value'")]
    public async Task The_race_demos_find_their_race_in_the_unprobed_code(string demo, string summary)
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        ToolResult result = await ChildProcess.RunToolAsync(s_timeout, "demo", demo, "--races", "--no-tui", "--format", "json", "-o", dir.File("demo.nettrace"));
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stderr}");
        using JsonDocument report = JsonDocument.Parse(result.Stdout);
        Assert.Contains(report.RootElement.GetProperty("findings").EnumerateArray(),
            f => Kind(f) == "race" && Summary(f).Contains(summary, StringComparison.Ordinal) && f.GetProperty("metrics").TryGetProperty("inProcess", out _));
    }

    [Theory]
    [InlineData("lost-updates")]
    [InlineData("double-checked")]
    [InlineData("timer-race")]
    public async Task The_fixed_race_demos_get_no_race(string demo)
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        ToolResult result = await ChildProcess.RunToolAsync(s_timeout, "demo", demo, "--fixed", "--races", "--no-tui", "--format", "json", "-o", dir.File("demo.nettrace"));
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stderr}");
        using JsonDocument report = JsonDocument.Parse(result.Stdout);
        Assert.DoesNotContain(report.RootElement.GetProperty("findings").EnumerateArray(), f => Kind(f) is "race" or "potential-deadlock");
    }

    private static async Task<(JsonElement[] Findings, ToolResult Result)> RunCaseAsync(string name)
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        ToolResult result = await ChildProcess.RunToolAsync(s_timeout, "run", "--races", "--no-tui", "--format", "json", "-o", dir.File(name + ".nettrace"),
            "--", CorpusDll, name);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stderr}");
        using JsonDocument report = JsonDocument.Parse(result.Stdout);
        return ([.. report.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.Clone())], result);
    }

    /// <summary>The corpus in its own build output (tests/Tracer.RaceCorpus/bin/CONFIG/net10.0), same configuration as the tests.</summary>
    private static string CorpusDll => ToolPaths.OwnOutput("Tracer.RaceCorpus");

    private static IEnumerable<string> CorpusCases()
    {
        // The case names, from the corpus itself (so a new twin is tested without editing this list).
        string source = File.ReadAllText(Path.Combine(Path.GetDirectoryName(CorpusDll)!, "..", "..", "..", "Cases.cs"));
        return System.Text.RegularExpressions.Regex.Matches(source, "\\[\"([a-z-]+)\"\\] =").Select(m => m.Groups[1].Value);
    }

    private static string[] Copies() => [.. Directory.EnumerateDirectories(Path.GetTempPath(), "dotnet-tracer-races-*")];

    private static string? Kind(JsonElement finding) => finding.GetProperty("kind").GetString();

    private static string Summary(JsonElement finding) => finding.GetProperty("summary").GetString()!;
}
