using Tracer.Engine.Symbols;

namespace Tracer.Engine.Tests.Symbols;

public sealed class PrimitiveClassifierTests
{
    [Theory]
    [InlineData("Barrier.SignalAndWait", "System.Threading.Monitor.Wait", "System.Threading.ManualResetEventSlim.Wait", "System.Threading.Barrier.SignalAndWait", "Demo.Worker.Run")]
    [InlineData("BlockingCollection.Take", "System.Threading.Monitor.Wait", "System.Threading.SemaphoreSlim.Wait", "System.Collections.Concurrent.BlockingCollection`1[System.Int32].Take", "Demo.Consumer")]
    [InlineData("Task.Result", "System.Threading.Monitor.Wait", "System.Threading.Tasks.Task.InternalWaitCore", "System.Threading.Tasks.Task`1[System.String].get_Result", "Demo.Handler")]
    [InlineData("WaitHandle.WaitOne", "System.Threading.WaitHandle.WaitOneNoCheck", "System.Threading.WaitHandle.WaitOne", "Demo.TakeMutexes")]
    [InlineData("Monitor.Wait", "System.Threading.Monitor.Wait", "Demo.Queue.Take")]
    public void Names_the_api_the_user_code_called(string expected, params string[] frames) =>
        Assert.Equal(expected, PrimitiveClassifier.Classify(frames));

    [Fact]
    public void Unknown_frames_give_no_name() =>
        Assert.Null(PrimitiveClassifier.Classify(["0x7f00", "Demo.Main"]));
}
