using Tracer.Engine.Events;
using Tracer.Engine.Model;

namespace Tracer.Engine.Tests.Model;

public sealed class PoolHistoryTests
{
    [Theory]
    [InlineData(6, true)]   // Starvation
    [InlineData(8, true)]   // CooperativeBlocking: sync-over-async on .NET 6+
    [InlineData(3, false)]  // ClimbingMove: ordinary hill climbing
    public void Injections_for_blocked_or_starving_pools_are_marked(byte reason, bool marked)
    {
        var history = new PoolHistory();
        history.OnEvent(TraceRecord.Thread(TraceEventKind.PoolAdjustment, 12.5, 1) with { Value = 5, Reason = reason });
        Assert.Equal(marked ? [12.5] : [], history.StarvationAdjustments);
    }
}
