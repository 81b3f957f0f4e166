using Tracer.Corpus.Load;

namespace Tracer.Corpus.Sick;

/// <summary>
/// DiagnosticScenarios' /deadlock: one request starts a thread that takes lock A, starts another that takes lock B and
/// then wants A, and itself wants B: a two-lock cycle. Five seconds later the request starts 300 threads that each want
/// A, and returns. The app goes on serving light traffic on another endpoint until it is stopped.
/// </summary>
internal static class DeadlockApp
{
    private static readonly object s_lockA = new();
    private static readonly object s_lockB = new();

    public static int Run(CorpusOptions options)
    {
        WebApplication app = LoopbackWeb.CreateBuilder().Build();
        app.MapGet("/", () => "ok");
        app.MapGet("/deadlock", Deadlock);
        return LoopbackWeb.RunWithLoad(app, async server =>
        {
            using var client = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
            Console.WriteLine(await client.GetStringAsync("/deadlock"));
            LoadStats stats = await VirtualUsers.RunAsync(server, _ => new HttpRequestMessage(HttpMethod.Get, "/"), options.Duration, users: 2);
            return stats.ToString();
        });
    }

    private static string Deadlock()
    {
        new Thread(TakeAThenB) { Name = "deadlock-a-then-b" }.Start();
        Thread.Sleep(5000);
        for (int i = 0; i < 300; i++)
        {
            new Thread(() =>
            {
                lock (s_lockA)
                {
                    Thread.Sleep(100);
                }
            }).Start();
        }

        return "success:deadlock";
    }

    private static void TakeAThenB()
    {
        lock (s_lockA)
        {
            new Thread(TakeBThenA) { Name = "deadlock-b-then-a" }.Start();
            Thread.Sleep(2000);
            Monitor.Enter(s_lockB);
        }
    }

    private static void TakeBThenA()
    {
        lock (s_lockB)
        {
            Monitor.Enter(s_lockA);
        }
    }
}
