using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Tracer.HangTargets.Async;

/// <summary>Sync over async: a thread blocks on a task whose completion needs that very thread.</summary>
internal static class SyncOverAsyncHangs
{
    /// <summary>
    /// A UI-style thread with a single-threaded SynchronizationContext blocks in GetAwaiter().GetResult() on an async
    /// method whose continuation is posted back to that context (the twin uses ConfigureAwait(false) and finishes).
    /// </summary>
    public static int SingleThreadedContext(bool fixedVersion)
    {
        var ui = new Thread(() =>
        {
            var context = new SingleThreadContext();
            SynchronizationContext.SetSynchronizationContext(context);
            context.Post(_ => OnClick(fixedVersion), null);
            context.RunUntilEmpty();
            Console.WriteLine("blocking: the ui thread is idle");
        }) { Name = "ui" };
        ui.Start();
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    /// <summary>
    /// dotnet/runtime#80697: a scoped service's constructor runs Task.Run(() => provider.GetRequiredService) and blocks on
    /// it; the pool thread needs the scope's lock, which the blocked main thread holds (the twin resolves inline).
    /// </summary>
    public static int DependencyInjectionScope(bool fixedVersion)
    {
        ServiceProvider provider = new ServiceCollection()
            .AddScoped(sp => new ReportService(sp, fixedVersion))
            .AddScoped<Clock>()
            .BuildServiceProvider();
        using (IServiceScope scope = provider.CreateScope())
        {
            Console.WriteLine("blocking: main resolves ReportService");
            scope.ServiceProvider.GetRequiredService<ReportService>();
        }

        Console.WriteLine("blocking: resolved, main is idle");
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    private static void OnClick(bool fixedVersion)
    {
        Console.WriteLine("blocking: the ui thread waits for LoadAsync");
        string text = LoadAsync(fixedVersion).GetAwaiter().GetResult(); // bug: blocks the thread the continuation needs
        Console.WriteLine(text);
    }

    private static async Task<string> LoadAsync(bool fixedVersion)
    {
        if (fixedVersion)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }
        else
        {
            await Task.Delay(50);
        }

        return "loaded";
    }

    private sealed class ReportService
    {
        public ReportService(IServiceProvider provider, bool fixedVersion)
        {
            Clock = fixedVersion
                ? provider.GetRequiredService<Clock>()
                : Task.Run(() => provider.GetRequiredService<Clock>()).GetAwaiter().GetResult();
        }

        public Clock Clock { get; }
    }

    private sealed class Clock;

    /// <summary>Runs posted callbacks on the thread that calls <see cref="RunUntilEmpty"/>, one at a time.</summary>
    private sealed class SingleThreadContext : SynchronizationContext
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];

        public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

        public void RunUntilEmpty()
        {
            while (_queue.TryTake(out var item, TimeSpan.FromMilliseconds(200)))
            {
                item.Callback(item.State);
            }
        }
    }
}
