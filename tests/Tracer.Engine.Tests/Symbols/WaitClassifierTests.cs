using Tracer.Engine.Symbols;

namespace Tracer.Engine.Tests.Symbols;

public sealed class WaitClassifierTests
{
    [Fact]
    public void A_contended_lock_is_Monitor_Enter_at_the_outermost_framework_frame()
    {
        string[] frames = ["System.Threading.Monitor.Enter_Slowpath", "System.Threading.Monitor.Enter", "App.Worker.Transfer", "App.Program.Main"];
        Assert.Equal((WaitKind.MonitorEnter, "Monitor.Enter (lock)", 1), (WaitClassifier.Classify(frames).Kind, WaitClassifier.Classify(frames).Primitive, WaitClassifier.Classify(frames).FrameIndex));
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
        WaitClass what = WaitClassifier.Classify(idleWorker);
        Assert.Equal((WaitKind.None, -1, IdlePoint.RuntimeThread), (what.Kind, what.FrameIndex, what.Idle));
    }

    [Fact]
    public void A_blocking_call_above_the_first_user_frame_does_not_count()
    {
        // The user frame is innermost: the thread runs user code, called from a framework wait's callback.
        string[] frames = ["App.Worker.Spin", "System.Threading.Monitor.Enter", "App.Program.Main"];
        Assert.Equal(WaitKind.None, WaitClassifier.Classify(frames).Kind);
    }

    [Theory]
    [InlineData("Barrier.SignalAndWait", "System.Threading.Monitor.Wait", "System.Threading.ManualResetEventSlim.Wait", "System.Threading.Barrier.SignalAndWait", "Demo.Worker.Run")]
    [InlineData("BlockingCollection.Take", "System.Threading.Monitor.Wait", "System.Threading.SemaphoreSlim.Wait", "System.Collections.Concurrent.BlockingCollection`1[System.Int32].Take", "Demo.Consumer")]
    [InlineData("Task.Result", "System.Threading.Monitor.Wait", "System.Threading.Tasks.Task.InternalWaitCore", "System.Threading.Tasks.Task`1[System.String].get_Result", "Demo.Handler")]
    [InlineData("WaitHandle.WaitOne", "System.Threading.WaitHandle.WaitOneNoCheck", "System.Threading.WaitHandle.WaitOne", "Demo.TakeMutexes")]
    [InlineData("Monitor.Wait", "System.Threading.Monitor.Wait", "Demo.Queue.Take")]
    [InlineData("Task.WaitAll", "System.Threading.Tasks.Task.WaitAllCore", "System.Threading.Tasks.Task.WaitAll", "Demo.Main")]
    public void Names_the_api_the_user_code_called(string expected, params string[] frames) =>
        Assert.Equal(expected, WaitClassifier.Primitive(frames));

    [Fact]
    public void Unknown_frames_give_no_name_and_no_frames_give_nothing_to_judge()
    {
        Assert.Null(WaitClassifier.Primitive(["0x7f00", "Demo.Main"]));
        Assert.Equal(WaitClass.Unknown, WaitClassifier.Classify([]));
        Assert.False(WaitClassifier.Classify([]).IsIdle);
    }

    [Theory]
    [InlineData(IdlePoint.RuntimeThread, "System.Threading.WaitHandle.WaitOneNoCheck", "System.Threading.PortableThreadPool+GateThread.GateThreadStart")]
    [InlineData(IdlePoint.RuntimeThread, "System.Threading.Thread.Sleep", "Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Infrastructure.Heartbeat.TimerLoop", "System.Threading.Thread.StartCallback")]
    [InlineData(IdlePoint.RuntimeThread, "0x7f0012", "0x7f0034")]
    [InlineData(IdlePoint.HostLifetime, "System.Threading.ManualResetEventSlim.Wait", "System.Threading.Tasks.Task.InternalWaitCore", "System.Runtime.CompilerServices.TaskAwaiter.GetResult",
        "Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.Run", "Microsoft.AspNetCore.Builder.WebApplication.Run", "Program.<Main>$")]
    [InlineData(IdlePoint.HostLifetime, "System.Threading.ManualResetEventSlim.Wait", "System.Runtime.CompilerServices.TaskAwaiter.GetResult", "Program.<Main>(System.String[])")]
    [InlineData(IdlePoint.QueueConsumer, "System.Threading.SemaphoreSlim.Wait", "System.Collections.Concurrent.BlockingCollection`1[System.Int32].Take", "Demo.Consumer.Run")]
    [InlineData(IdlePoint.None, "System.Threading.SemaphoreSlim.Wait", "Demo.Pool.Rent")]
    [InlineData(IdlePoint.None, "System.Runtime.CompilerServices.TaskAwaiter.GetResult", "Demo.Program.Main")]
    public void Idle_points_are_recognised_by_their_stack(IdlePoint expected, params string[] frames) =>
        Assert.Equal(expected, WaitClassifier.Classify(frames).Idle);

    [Fact]
    public void Only_Barrier_waits_in_slices_and_joins_and_task_waits_wait_for_other_work()
    {
        Assert.True(WaitClassifier.Classify(["System.Threading.Barrier.SignalAndWait", "Demo.Run"]).WaitsInSlices);
        Assert.False(WaitClassifier.Classify(["System.Threading.WaitHandle.WaitOne", "Demo.Run"]).WaitsInSlices);
        Assert.True(WaitClassifier.Classify(["System.Threading.Thread.Join", "Demo.Run"]).WaitsForOtherWork);
        Assert.True(WaitClassifier.Classify(["System.Threading.Tasks.Task.Wait", "Demo.Run"]).WaitsForOtherWork);
        Assert.False(WaitClassifier.Classify(["System.Threading.SemaphoreSlim.Wait", "Demo.Run"]).WaitsForOtherWork);
    }

    [Fact]
    public void The_counter_poller_is_recognised_by_its_stack()
    {
        Assert.True(WaitClassifier.IsCounterPoller(["System.Threading.Monitor.Enter_Slowpath", "System.Diagnostics.Tracing.CounterGroup.PollForValues", "System.Threading.Thread.StartCallback"]));
        Assert.False(WaitClassifier.IsCounterPoller(["System.Threading.Monitor.Enter", "App.Worker.Run"]));
    }

    /// <summary>Snapshot frames carry their source lines; the same waits must read the same with them.</summary>
    [Theory]
    [InlineData("System.Threading.Monitor.Enter_Slowpath", "System.Threading.Monitor.Enter", "App.Worker.Transfer", "App.Program.Main")]
    [InlineData("System.Threading.Monitor.Wait", "System.Threading.SemaphoreSlim.Wait", "System.Collections.Concurrent.BlockingCollection`1[System.Int32].Take", "Demo.Consumer.Run")]
    [InlineData("System.Threading.ManualResetEventSlim.Wait", "Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.Run", "Program.<Main>$")]
    [InlineData("System.Threading.Tasks.Task.InternalWaitCore", "System.Runtime.CompilerServices.TaskAwaiter.GetResult", "Program.<Main>")]
    [InlineData("App.Worker.Spin", "System.Threading.Monitor.Enter", "App.Program.Main")]
    public void Source_lines_on_user_frames_change_neither_the_primitive_nor_the_idle_point(params string[] frames)
    {
        string[] withLines = [.. frames.Select((f, i) => StackResolver.IsFrameworkFrame(f) ? f : SourceLine.Frame(f, new SourceLine("Program.cs", 10 + i)))];
        Assert.NotEqual(frames, withLines);
        Assert.Equal(WaitClassifier.Classify(frames), WaitClassifier.Classify(withLines));
        Assert.Equal(Engine.Reports.ThreadGroups.PlaceOf(frames), SourceLine.Split(Engine.Reports.ThreadGroups.PlaceOf(withLines)!).Method);
    }
}
