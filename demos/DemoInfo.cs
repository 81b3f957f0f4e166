namespace Tracer.Demos;

/// <summary>A teaching demo: a small program with a concurrency bug and, behind --fixed, its fix.</summary>
/// <param name="Name">What `dotnet-tracer demo NAME` takes.</param>
/// <param name="Topic">The course topic it belongs to.</param>
/// <param name="Description">One line: the bug, and the fix.</param>
/// <param name="Expect">The finding kind the tracer reports for the bug variant (null: a demo to watch, no finding).</param>
/// <param name="Run">Runs the demo; the argument says whether to run the fixed variant. Returns the exit code.</param>
public sealed record DemoInfo(string Name, string Topic, string Description, string? Expect, Func<bool, int> Run)
{
    /// <summary>Finding kinds at which `dotnet-tracer demo` stops tracing (the bug variant may never end by itself).</summary>
    public IReadOnlyList<string> StopOn { get; init; } = Expect is null ? [] : [Expect];

    /// <summary>How long tracing goes on after the first StopOn finding (related threads may cross a threshold later).</summary>
    public TimeSpan StopOnGrace { get; init; } = TimeSpan.Zero;

    /// <summary>Longest a traced demo runs before the tracer stops it.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>For demos that start copies of themselves: runs `NAME --child ARGS...` (ARGS given). Null: no child mode.</summary>
    public Func<IReadOnlyList<string>, int>? RunChild { get; init; }
}
