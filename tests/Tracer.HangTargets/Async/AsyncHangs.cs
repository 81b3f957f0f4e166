using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Tracer.HangTargets.Async;

/// <summary>
/// Async hangs that leave no thread blocked (and their healthy twins, <c>fixed</c> = true). Each sets its flows going
/// from a method that returns, so nothing but the flows themselves keeps their objects alive; then the main thread
/// sleeps (idle, not hung) and "blocking: ..." is printed once the hang has formed (or the twin is running).
/// </summary>
internal static class AsyncHangs
{
    private const int Requests = 16;

    /// <summary>One request throws between WaitAsync and Release (no finally): the permit leaks, 16 requests queue behind it.</summary>
    public static int SemaphoreLeak(bool fixedVersion)
    {
        Start(() => new GatedService(fixedVersion).ServeAsync(Requests));
        return SleepForever();
    }

    /// <summary>Requests await a cache's TaskCompletionSource that its loader should complete; the loader throws first.</summary>
    public static int CompletionNeverSet(bool fixedVersion)
    {
        Start(() => new ConfigCache(fixedVersion).ServeAsync(4));
        return SleepForever();
    }

    /// <summary>A reader awaits a Channel whose only writer died without completing it (the twin's writer is alive, slow).</summary>
    public static int ChannelWriterDied(bool fixedVersion)
    {
        Start(() => new Pipeline(fixedVersion).RunAsync());
        return SleepForever();
    }

    /// <summary>Two flows take two SemaphoreSlim in opposite order (the twin: same order, forever).</summary>
    public static int SemaphoreCycle(bool fixedVersion)
    {
        Start(() => new Transfers(fixedVersion).RunAsync());
        return SleepForever();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Start(Func<Task> flow) => _ = Task.Run(flow);

    private static int SleepForever()
    {
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }

    private sealed class GatedService(bool fixedVersion)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public async Task ServeAsync(int requests)
        {
            try
            {
                await HandleAsync(-1); // the failing request
            }
            catch (InvalidOperationException)
            {
                // logged and forgotten, as a request handler would
            }

            for (int i = 0; i < requests; i++)
            {
                _ = fixedVersion ? LoopAsync(i) : HandleAsync(i);
            }

            Console.WriteLine($"blocking: {requests} requests await the gate");
        }

        private async Task HandleAsync(int request)
        {
            await _gate.WaitAsync();
            if (fixedVersion)
            {
                try
                {
                    await WorkAsync(request);
                }
                finally
                {
                    _gate.Release();
                }

                return;
            }

            await WorkAsync(request);
            _gate.Release(); // bug: skipped when WorkAsync throws
        }

        private static async Task WorkAsync(int request)
        {
            await Task.Yield();
            if (request < 0)
            {
                throw new InvalidOperationException("request failed before releasing the gate");
            }
        }

        private async Task LoopAsync(int request)
        {
            while (true)
            {
                await _gate.WaitAsync();
                try
                {
                    await Task.Delay(10 + request % 3);
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
    }

    private sealed class ConfigCache(bool fixedVersion)
    {
        private readonly TaskCompletionSource<string> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task ServeAsync(int requests)
        {
            _ = LoadAsync();
            for (int i = 0; i < requests; i++)
            {
                _ = HandleRequestAsync();
            }

            await Task.Yield();
            Console.WriteLine($"blocking: {requests} requests await the configuration");
        }

        private async Task HandleRequestAsync() => Console.WriteLine(await GetConfigAsync());

        private async Task<string> GetConfigAsync() => await _loaded.Task;

        private async Task LoadAsync()
        {
            if (fixedVersion)
            {
                await Task.Delay(TimeSpan.FromMinutes(10)); // slow, but alive: it will complete the source
                _loaded.SetResult("config");
                return;
            }

            await Task.Yield();
            throw new IOException("config file missing"); // bug: _loaded is never completed (no TrySetException)
        }
    }

    private sealed class Pipeline(bool fixedVersion)
    {
        private readonly Channel<int> _items = Channel.CreateBounded<int>(8);

        public async Task RunAsync()
        {
            _ = ProduceAsync();
            await Task.Yield();
            _ = ConsumeAsync();
            Console.WriteLine("blocking: the consumer reads the channel");
        }

        private async Task ProduceAsync()
        {
            for (int i = 0; i < 3; i++)
            {
                await _items.Writer.WriteAsync(i);
            }

            if (fixedVersion)
            {
                await Task.Delay(TimeSpan.FromMinutes(10)); // a quiet producer, still alive
                _items.Writer.Complete();
                return;
            }

            throw new InvalidOperationException("producer crashed"); // bug: the writer is never completed
        }

        private async Task ConsumeAsync()
        {
            while (true)
            {
                int item = await _items.Reader.ReadAsync();
                Console.WriteLine($"item {item}");
            }
        }
    }

    private sealed class Transfers(bool fixedVersion)
    {
        private readonly SemaphoreSlim _accounts = new(1, 1);
        private readonly SemaphoreSlim _ledger = new(1, 1);
        private int _holdingFirst;
        private readonly TaskCompletionSource _bothHoldFirst = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task RunAsync()
        {
            Task debit = DebitAsync();
            Task audit = fixedVersion ? AuditInOrderAsync() : AuditAsync();
            await Task.Yield();
            Console.WriteLine("blocking: debit and audit run");
            await Task.WhenAll(debit, audit);
        }

        private async Task DebitAsync()
        {
            while (true)
            {
                await _accounts.WaitAsync();
                try
                {
                    await BothHoldFirstAsync();
                    await _ledger.WaitAsync();
                    _ledger.Release();
                }
                finally
                {
                    _accounts.Release();
                }
            }
        }

        private async Task AuditAsync()
        {
            await _ledger.WaitAsync(); // bug: ledger before accounts, the opposite order of DebitAsync
            try
            {
                await BothHoldFirstAsync();
                await _accounts.WaitAsync();
                _accounts.Release();
            }
            finally
            {
                _ledger.Release();
            }
        }

        private async Task AuditInOrderAsync()
        {
            while (true)
            {
                await _accounts.WaitAsync();
                try
                {
                    await _ledger.WaitAsync();
                    await Task.Delay(5);
                    _ledger.Release();
                }
                finally
                {
                    _accounts.Release();
                }
            }
        }

        private async Task BothHoldFirstAsync()
        {
            if (fixedVersion || Interlocked.Increment(ref _holdingFirst) == 2)
            {
                _bothHoldFirst.TrySetResult();
            }

            await _bothHoldFirst.Task;
            await Task.Delay(1);
        }
    }
}
