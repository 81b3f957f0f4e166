using System.Text.Json;
using Tracer.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tracer.Integration.Tests;

/// <summary>
/// A web service whose async database gate leaked its permits under load (tests/Tracer.Corpus async-gate-leak): no
/// thread blocks and no lock is contended, so only the heap shows the hang. `run` names it in its look at the stop,
/// `collect -p` in its snapshot once the locks fall quiet; one finding, naming the awaiting method.
/// </summary>
public sealed class AsyncServiceTests(ITestOutputHelper output)
{
    private const string Named = "flows in Inventory.ReserveAsync await SemaphoreSlim.WaitAsync of SemaphoreSlim 0x";

    [Fact]
    public async Task Run_of_a_service_whose_async_gate_leaked_is_one_hang_naming_the_awaiting_method()
    {
        using CorpusTrace run = await CorpusTrace.RunAsync("async-gate-leak", "20", "hang", "--duration", "12s");

        AssertOneHang(run, "`run`");
    }

    [Fact]
    public async Task Collect_on_a_service_whose_async_gate_leaked_is_one_hang_naming_the_awaiting_method()
    {
        using CorpusTrace run = await CorpusTrace.CollectAsync("async-gate-leak", "20", "10s", "hang");

        AssertOneHang(run, "`collect -p`");
    }

    private void AssertOneHang(CorpusTrace run, string how)
    {
        output.WriteLine($"async-gate-leak ({how}): {run.DescribeAll(run.LiveReport)}\n{run.ReplayText}");
        JsonElement[] serious = CorpusTrace.Serious(run.LiveReport);
        JsonElement hang = Assert.Single(serious);
        Assert.Equal("hang", hang.GetProperty("kind").GetString());
        Assert.Contains(Named, hang.GetProperty("summary").GetString()!, StringComparison.Ordinal);
        Assert.Equal(run.DescribeAll(run.LiveReport), run.DescribeAll(run.ReplayReport));
        Assert.Equal(1, run.Live.ExitCode); // --fail-on hang
    }
}
