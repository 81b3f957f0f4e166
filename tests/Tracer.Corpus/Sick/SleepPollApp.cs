using Tracer.Corpus.Load;

namespace Tracer.Corpus.Sick;

/// <summary>
/// DiagnosticScenarios' /tasksleepwait: each request starts the async query, then polls it with Thread.Sleep(10) on
/// the pool thread until it completes. The pool does not see Thread.Sleep as blocking (unlike .Result), so it injects
/// threads only at the slow starvation rate while requests queue.
/// </summary>
internal static class SleepPollApp
{
    public static int Run(CorpusOptions options)
    {
        // Logging at Warning: at 200 requests/s on a loaded machine, request logging at Information made the console
        // logger's full queue the bottleneck (pool threads blocked in ConsoleLoggerProcessor.Enqueue before they reached
        // the sleep: correctly reported, but not this program's bug).
        WebApplication app = LoopbackWeb.CreateBuilder(LogLevel.Warning).Build();
        app.MapGet("/tasksleepwait", TaskSleepWait);
        return LoopbackWeb.RunWithLoad(app, server => OpenLoopLoad.StartAsync(server, "/tasksleepwait", 200, options.Duration));
    }

    private static string TaskSleepWait()
    {
        Task<string> query = PretendQueryCustomerFromDbAsync("Dana");
        while (!query.IsCompleted)
        {
            Thread.Sleep(10);
        }

        return "success:tasksleepwait";
    }

    private static async Task<string> PretendQueryCustomerFromDbAsync(string customerId)
    {
        await Task.Delay(500);
        return customerId;
    }
}
