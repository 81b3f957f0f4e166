using Tracer.Engine.Model;
using ThreadState = Tracer.Engine.Model.ThreadState;

namespace Tracer.Engine.Tests.Model;

public sealed class TimelineBoundTests
{
    [Fact]
    public void A_long_timeline_keeps_its_newest_points_in_bounded_memory()
    {
        var timeline = new ThreadTimeline();
        int changes = ThreadTimeline.MaxPoints * 3;
        for (int i = 0; i < changes; i++)
        {
            timeline.Set(i, i % 2 == 0 ? ThreadState.Running : ThreadState.WaitingOnLock, 1);
        }

        Assert.InRange(timeline.Count, ThreadTimeline.MaxPoints / 2, ThreadTimeline.MaxPoints);
        Assert.True(timeline.Generation > 0);
        Assert.Equal(changes - 1, timeline.Points[^1].TimeMs); // the newest change is kept
        Assert.Equal(timeline.Points[0].TimeMs, timeline.DroppedBeforeMs);
        Assert.Equal(ThreadState.WaitingOnLock, timeline.At(changes - 1)!.Value.State);
    }

    [Fact]
    public void A_short_timeline_keeps_everything()
    {
        var timeline = new ThreadTimeline();
        timeline.Set(1, ThreadState.Running);
        timeline.Set(2, ThreadState.WaitingOnHandle, 9);
        Assert.Equal(2, timeline.Count);
        Assert.Equal(0, timeline.Generation);
        Assert.True(double.IsNaN(timeline.DroppedBeforeMs));
    }
}
