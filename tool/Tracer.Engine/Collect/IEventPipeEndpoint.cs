using Microsoft.Diagnostics.NETCore.Client;

namespace Tracer.Engine.Collect;

/// <summary>A runtime we can start EventPipe sessions on: attached by PID, or connected to our reversed port.</summary>
public interface IEventPipeEndpoint
{
    int ProcessId { get; }

    /// <summary>Starts a session; the returned stream carries the .nettrace until the session is stopped or the process ends.</summary>
    Task<EventPipeStream> StartSessionAsync(IReadOnlyList<EventPipeProvider> providers, bool requestRundown, int bufferMegabytes, CancellationToken ct);

    /// <summary>Lets a runtime suspended at startup run (no-op when it is not suspended).</summary>
    Task ResumeRuntimeAsync(CancellationToken ct);
}

/// <summary>A running session: its event stream, and how to ask the runtime to stop it.</summary>
public sealed class EventPipeStream(Stream stream, Func<CancellationToken, Task> stop, IDisposable? owner = null) : IDisposable
{
    public Stream Stream { get; } = stream;

    /// <summary>Asks the runtime to end the session: it writes its rundown and closes the stream.</summary>
    public Task StopAsync(CancellationToken ct) => stop(ct);

    public void Dispose()
    {
        Stream.Dispose();
        owner?.Dispose();
    }
}
