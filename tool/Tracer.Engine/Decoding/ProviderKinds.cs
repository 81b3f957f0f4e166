using Microsoft.Diagnostics.Tracing.Session;

namespace Tracer.Engine.Decoding;

/// <summary>Maps a provider (by GUID, or by name the way TraceEvent derives its GUID) to the providers we decode.</summary>
internal static class ProviderKinds
{
    public static TraceProvider FromGuid(Guid provider)
    {
        if (provider == RuntimeProviders.RuntimeGuid)
        {
            return TraceProvider.Runtime;
        }

        if (provider == RuntimeProviders.RundownGuid)
        {
            return TraceProvider.Rundown;
        }

        if (provider == TplEventDecoder.TplGuid)
        {
            return TraceProvider.Tpl;
        }

        if (provider == RuntimeProviders.EventPipeGuid)
        {
            return TraceProvider.EventPipe;
        }

        if (provider == ProbeEventDecoder.ProviderGuid)
        {
            return TraceProvider.Probes;
        }

        if (provider == RuntimeProviders.SampleProfilerGuid)
        {
            return TraceProvider.SampleProfiler;
        }

        if (provider == ProbeEventDecoder.RacesGuid)
        {
            return TraceProvider.Races;
        }

        return provider == RuntimeProviders.RuntimeCountersGuid ? TraceProvider.RuntimeCounters : TraceProvider.Other;
    }

    /// <summary>
    /// Like TraceEvent for EventPipe metadata (which names providers but has no GUID): the legacy providers and the sampler by
    /// exact name (the others it maps that way are none of ours), every other one by the EventSource name hash.
    /// </summary>
    public static TraceProvider FromName(string name)
    {
        if (name.Length == 0)
        {
            return TraceProvider.Other;
        }

        return name switch
        {
            RuntimeProviders.Runtime => TraceProvider.Runtime,
            RuntimeProviders.Rundown => TraceProvider.Rundown,
            TplEventDecoder.TplProvider => TraceProvider.Tpl,
            RuntimeProviders.SampleProfiler => TraceProvider.SampleProfiler, // a fixed GUID, not the name's hash
            _ => FromGuid(TraceEventProviders.GetEventSourceGuidFromName(name)),
        };
    }
}
