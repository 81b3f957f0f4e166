using System.Runtime.InteropServices;

namespace Tracer.Cli.Tracing;

/// <summary>
/// First Ctrl+C / SIGTERM: stop tracing cleanly (the runtime finishes the file). A second one: stop at once,
/// keeping what was written. Either way the process is not killed by the signal itself.
/// </summary>
internal sealed class InterruptSignals : IDisposable
{
    private readonly CancellationTokenSource _interrupt = new();
    private readonly CancellationTokenSource _force = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _count;

    public InterruptSignals(TextWriter stderr)
    {
        foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                if (Interlocked.Increment(ref _count) == 1)
                {
                    stderr.WriteLine();
                    stderr.WriteLine("dotnet-tracer: stopping, finishing the trace file (press Ctrl+C again to stop at once)");
                    _interrupt.Cancel();
                }
                else
                {
                    _force.Cancel();
                }
            }));
        }
    }

    public CancellationToken Interrupt => _interrupt.Token;
    public CancellationToken Force => _force.Token;

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }

        _interrupt.Dispose();
        _force.Dispose();
    }
}
