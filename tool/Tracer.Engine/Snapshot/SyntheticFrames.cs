using Tracer.Engine.Model;

namespace Tracer.Engine.Snapshot;

/// <summary>
/// Gives each distinct frame text of a snapshot a made-up code address registered in the model's method table, so that
/// snapshot stacks intern, resolve and render exactly like stacks from a trace.
/// </summary>
internal sealed class SyntheticFrames(TraceModel model)
{
    private const ulong Base = 0x1000;
    private readonly Dictionary<string, ulong> _addresses = new(StringComparer.Ordinal);

    public int Intern(IReadOnlyList<string> frames)
    {
        var addresses = new ulong[frames.Count];
        for (int i = 0; i < frames.Count; i++)
        {
            if (!_addresses.TryGetValue(frames[i], out ulong address))
            {
                address = Base + ((ulong)_addresses.Count * 0x10);
                _addresses.Add(frames[i], address);
                model.Methods.Add(address, 0x10, string.Empty, frames[i]);
            }

            addresses[i] = address;
        }

        return model.Stacks.Intern(addresses);
    }
}
