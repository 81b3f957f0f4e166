using Tracer.Engine.Snapshot;

namespace Tracer.Engine.Tests.Snapshot;

public sealed class WaitClassifierTests
{
    [Fact]
    public void A_contended_lock_is_Monitor_Enter_at_the_outermost_framework_frame()
    {
        string[] frames = ["System.Threading.Monitor.Enter_Slowpath", "System.Threading.Monitor.Enter", "App.Worker.Transfer", "App.Program.Main"];
        Assert.Equal((WaitKind.MonitorEnter, 1), WaitClassifier.Classify(frames));
    }

    [Fact]
    public void The_API_the_user_called_wins_over_what_it_is_built_on()
    {
        string[] frames =
        [
            "System.Threading.Monitor.Wait", "System.Threading.SemaphoreSlim.WaitUntilCountOrTimeout", "System.Threading.SemaphoreSlim.Wait",
            "App.Pool.Rent", "App.Program.Main",
        ];
        Assert.Equal(WaitKind.SemaphoreSlim, WaitClassifier.Classify(frames).Kind);
    }

    [Theory]
    [InlineData("System.Threading.Tasks.Task`1[System.Int32].get_Result", WaitKind.TaskWait)]
    [InlineData("System.Threading.Tasks.Task<System.Int32>.get_Result", WaitKind.TaskWait)]
    [InlineData("System.Collections.Concurrent.BlockingCollection`1[System.String].Take", WaitKind.CollectionTake)]
    [InlineData("System.Threading.Barrier.SignalAndWait", WaitKind.Barrier)]
    [InlineData("System.Threading.WaitHandle.WaitOneNoCheck", WaitKind.WaitHandle)]
    [InlineData("System.Threading.Thread.Join", WaitKind.ThreadJoin)]
    [InlineData("System.Threading.Thread.Sleep", WaitKind.Sleep)]
    [InlineData("System.IO.StreamReader.ReadLine", WaitKind.None)]
    public void Known_blocking_calls_are_recognised_whatever_their_generic_spelling(string frame, WaitKind expected)
    {
        Assert.Equal(expected, WaitClassifier.Classify([frame, "App.Program.Main"]).Kind);
    }

    [Fact]
    public void A_stack_without_user_code_is_the_runtime_s_own_business()
    {
        string[] idleWorker = ["System.Threading.LowLevelLifoSemaphore.WaitForSignal", "System.Threading.WaitHandle.WaitOneNoCheck", "System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart"];
        Assert.Equal((WaitKind.None, -1), WaitClassifier.Classify(idleWorker));
    }

    [Fact]
    public void A_blocking_call_above_the_first_user_frame_does_not_count()
    {
        // The user frame is innermost: the thread runs user code, called from a framework wait's callback.
        string[] frames = ["App.Worker.Spin", "System.Threading.Monitor.Enter", "App.Program.Main"];
        Assert.Equal(WaitKind.None, WaitClassifier.Classify(frames).Kind);
    }
}
