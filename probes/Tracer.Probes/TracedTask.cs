namespace Tracer.Probes;

/// <summary>Tasks whose start and completion are happens-before edges (like <see cref="TracedThread"/>).</summary>
public static class TracedTask
{
    /// <summary>Starts <paramref name="body"/> on the pool; the caller's earlier writes are visible to it.</summary>
    public static Task Run(Action body, string name = "task")
    {
        Task task = null!;
        task = new Task(() =>
        {
            Probe.Wait(task, name);
            body();
            Probe.Signal(task, name);
        });
        Probe.Signal(task, name);
        task.Start(TaskScheduler.Default);
        return task;
    }

    /// <summary>Waits for a task from <see cref="Run"/>; its writes are then visible to the caller.</summary>
    public static void Join(Task task, string name = "task")
    {
        task.Wait();
        Probe.Wait(task, name);
    }

    /// <summary>Call first thing in a continuation (<c>t.ContinueWith(t => { TracedTask.Continued(t); ... })</c>).</summary>
    public static void Continued(Task antecedent, string name = "task") => Probe.Wait(antecedent, name);
}
