namespace Tracer.Engine.Decoding;

/// <summary>
/// Decodes an EventCounters event of System.Runtime from its raw payload (TraceEvent does not name these events in
/// EventPipe traces). The payload is one struct, laid out field by field: a polling counter (CounterType "Mean") or an
/// incrementing one ("Sum"). Each layout is tried and accepted only if its CounterType field reads right.
/// </summary>
internal static class CounterPayload
{
    public static bool TryDecode(ReadOnlySpan<byte> payload, out string name, out double value)
    {
        // Polling: Name, DisplayName, Mean, StandardDeviation, Count, Min, Max, IntervalSec, Series, CounterType, ...
        var reader = new PayloadReader(payload);
        name = reader.Utf16z();
        reader.Utf16z();
        double mean = reader.F64();
        reader.F64();
        reader.U32();
        reader.F64();
        reader.F64();
        reader.U32();
        reader.Utf16z();
        if (reader.Utf16z() == "Mean")
        {
            value = mean;
            return name.Length > 0;
        }

        // Incrementing: Name, DisplayName, DisplayRateTimeScale, Increment, IntervalSec, Metadata, Series, CounterType, ...
        reader = new PayloadReader(payload);
        name = reader.Utf16z();
        reader.Utf16z();
        reader.Utf16z();
        double increment = reader.F64();
        reader.U32();
        // then Metadata, Series, CounterType (the runtime's order; "Sum" was never found when read as Series first)
        for (int i = 0; i < 3; i++)
        {
            if (reader.Utf16z() == "Sum")
            {
                value = increment;
                return name.Length > 0;
            }
        }

        value = 0;
        return false;
    }
}
