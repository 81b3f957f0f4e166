using Microsoft.Diagnostics.NETCore.Client;

namespace Tracer.Engine.Collect;

/// <summary>A process attached through its default diagnostic port (Microsoft.Diagnostics.NETCore.Client).</summary>
public sealed class DiagnosticsClientEndpoint(int processId) : IEventPipeEndpoint
{
    private readonly DiagnosticsClient _client = new(processId);

    public int ProcessId { get; } = processId;

    public async Task<EventPipeStream> StartSessionAsync(IReadOnlyList<EventPipeProvider> providers, bool requestRundown, int bufferMegabytes, CancellationToken ct)
    {
        EventPipeSession session = await _client.StartEventPipeSessionAsync(providers, requestRundown, bufferMegabytes, ct).ConfigureAwait(false);
        return new EventPipeStream(session.EventStream, session.StopAsync, session);
    }

    public Task ResumeRuntimeAsync(CancellationToken ct) => Task.Run(_client.ResumeRuntime, ct);
}
