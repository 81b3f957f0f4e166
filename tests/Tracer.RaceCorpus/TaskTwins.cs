namespace Tracer.RaceCorpus;

/// <summary>Race-free twins ordered by thread start/join, tasks, await, continuations, the pool and timers.</summary>
internal static class TaskTwins
{
    public static void ThreadStartJoin()
    {
        var box = new Box { Value = 1 };
        var worker = new Thread(() => box.Value++);
        worker.Start();
        worker.Join();
        box.Value++;
    }

    public static void TaskWaitResult()
    {
        var box = new Box { Value = 1 };
        Task first = Task.Run(() => box.Value++);
        first.Wait();
        box.Value++;
        Task<int> second = Task.Run(() => box.Value * 2);
        Console.WriteLine($"result {second.Result}");
        box.Value = 0;
    }

    public static void ContinueWith()
    {
        var box = new Box();
        Task chain = Task.Run(() => box.Value = 1).ContinueWith(_ => box.Value++);
        chain.Wait();
        box.Value++;
    }

    public static async Task Await()
    {
        var box = new Box { Text = "before" };
        await Task.Run(() => box.Text += " in task");
        box.Text += " after await";
        int length = await Measure(box);
        box.Value = length;
        await Task.Delay(1).ConfigureAwait(false);
        box.Value++;
    }

    private static async Task<int> Measure(Box box)
    {
        await Task.Yield();
        box.Text += "!";
        return box.Text!.Length;
    }

    public static async Task WhenAll()
    {
        Box[] boxes = [new Box(), new Box(), new Box()];
        await Task.WhenAll(boxes.Select(b => Task.Run(() => b.Value = 2)));
        foreach (Box b in boxes)
        {
            b.Value++;
        }
    }

    public static async Task CompletionSource()
    {
        var box = new Box();
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var producer = new Thread(() =>
        {
            box.Value = 4;
            done.SetResult(1);
        });
        producer.Start();
        await done.Task;
        box.Value++;
        producer.Join();
    }

    public static void QueueUserWorkItem()
    {
        var box = new Box { Value = 1 };
        using var done = new ManualResetEventSlim();
        ThreadPool.QueueUserWorkItem(_ =>
        {
            box.Value++;
            done.Set();
        });
        done.Wait();
        box.Value++;
    }

    public static void TimerCallback()
    {
        var box = new Box { Value = 1 }; // set up before the timer exists
        using var done = new ManualResetEventSlim();
        using var timer = new Timer(_ =>
        {
            if (box.Value == 1)
            {
                box.Value = 2;
                done.Set();
            }
        }, null, 10, Timeout.Infinite);
        done.Wait();
        box.Value++;
    }

    public static void TaskStart()
    {
        var box = new Box { Value = 1 };
        var task = new Task(() => box.Value++);
        box.Value = 2; // after the task exists, before Start: Start orders it before the body
        task.Start();
        task.Wait();
        box.Value++;
    }

    public static void SystemTimersTimer()
    {
        var box = new Box { Value = 1 };
        using var done = new ManualResetEventSlim();
        using var timer = new System.Timers.Timer(10) { AutoReset = false };
        timer.Elapsed += (_, _) =>
        {
            box.Value++;
            done.Set();
        };
        box.Value = 2; // after subscribing, before Start: Start orders it before the handler
        timer.Start();
        done.Wait();
        box.Value++;
    }

    public static async Task ForEachAsync()
    {
        var boxes = Enumerable.Range(0, 8).Select(i => new Box { Value = i }).ToArray(); // before the loop
        await Parallel.ForEachAsync(boxes, async (box, ct) =>
        {
            box.Value++;
            await Task.Delay(1, ct);
            box.Value++; // after an await: on another thread
        });
        foreach (Box box in boxes)
        {
            box.Value++; // after the loop's task completed
        }
    }

    public static void AsyncVoid()
    {
        var box = new Box();
        using var done = new ManualResetEventSlim();
        FireAndForget(box, done);
        done.Wait();
        box.Value++;
    }

    private static async void FireAndForget(Box box, ManualResetEventSlim done)
    {
        box.Value++;
        await Task.Delay(1);
        box.Value++; // on another thread: after the first part by the method's own flow
        done.Set();
    }
}
