using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;

namespace Tracer.Integration.Tests;

/// <summary>The probe demos on real traced processes: the bug variant is named with both stacks, the fix reports nothing.</summary>
public sealed class ProbeDemoTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Lost_updates_gets_a_race_naming_the_counter_with_both_stacks()
    {
        JsonElement race = Assert.Single(await FindingsOf("lost-updates"), f => Kind(f) == "race");
        Assert.Contains("'counter'", race.GetProperty("summary").GetString(), StringComparison.Ordinal);
        JsonElement[] threads = [.. race.GetProperty("threads").EnumerateArray()];
        Assert.Equal(2, threads.Length);
        Assert.NotEqual(threads[0].GetProperty("id").GetInt32(), threads[1].GetProperty("id").GetInt32());
        Assert.All(threads, t => Assert.Contains("'counter'", t.GetProperty("role").GetString(), StringComparison.Ordinal));
        AssertEachStackHas(race, "Counter.AddRacily", expectedStacks: 2);
    }

    [Fact]
    public async Task A_lock_order_inversion_that_completes_is_a_potential_deadlock_with_both_acquisition_sites()
    {
        JsonElement finding = Assert.Single(await FindingsOf("lock-order"), f => Kind(f) == "potential-deadlock");
        string summary = finding.GetProperty("summary").GetString()!;
        Assert.Contains("'account-1'", summary, StringComparison.Ordinal);
        Assert.Contains("'account-2'", summary, StringComparison.Ordinal);
        string[] roles = [.. finding.GetProperty("threads").EnumerateArray().Select(t => t.GetProperty("role").GetString()!)];
        Assert.Contains("takes 'account-2' while holding 'account-1'", roles);
        Assert.Contains("takes 'account-1' while holding 'account-2'", roles);
        AssertEachStackHas(finding, "LockOrderDemo.Transfer", expectedStacks: 2);
    }

    [Theory]
    [InlineData("timer-race", "tick-count")]
    [InlineData("double-checked", "instance")]
    public async Task Other_probe_demos_get_a_race_on_their_location(string demo, string location)
    {
        JsonElement[] findings = await FindingsOf(demo);
        Assert.Contains(findings, f => Kind(f) == "race" && f.GetProperty("summary").GetString()!.Contains($"'{location}'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("lost-updates")]
    [InlineData("timer-race")]
    [InlineData("double-checked")]
    [InlineData("lock-order")]
    public async Task Fixed_variants_report_nothing_and_exit_0(string demo)
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        ToolResult result = await ChildProcess.RunToolAsync(s_timeout, "demo", demo, "--fixed", "--no-tui", "--format", "json", "-o", dir.File("fixed.nettrace"));
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stderr}");
        using JsonDocument report = JsonDocument.Parse(result.Stdout);
        Assert.DoesNotContain(report.RootElement.GetProperty("findings").EnumerateArray(), f => Kind(f) is "race" or "potential-deadlock");
        Assert.Equal(0, report.RootElement.GetProperty("process").GetProperty("exitCode").GetInt32());
    }

    private static async Task<JsonElement[]> FindingsOf(string demo)
    {
        using TempDirectory dir = ToolPaths.NewTempDirectory();
        ToolResult result = await ChildProcess.RunToolAsync(s_timeout, "demo", demo, "--no-tui", "--format", "json", "-o", dir.File("demo.nettrace"));
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Stderr}");
        using JsonDocument report = JsonDocument.Parse(result.Stdout);
        return [.. report.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.Clone())];
    }

    private static void AssertEachStackHas(JsonElement finding, string frameSuffix, int expectedStacks)
    {
        JsonProperty[] stacks = [.. finding.GetProperty("stacks").EnumerateObject()];
        Assert.Equal(expectedStacks, stacks.Length);
        foreach (JsonProperty stack in stacks)
        {
            Assert.Contains(stack.Value.EnumerateArray(), f => f.GetString()!.EndsWith(frameSuffix, StringComparison.Ordinal));
        }
    }

    private static string? Kind(JsonElement finding) => finding.GetProperty("kind").GetString();
}
