using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;

namespace Tracer.Engine.Collect;

/// <summary>
/// Extra EventSources in dotnet-trace's syntax, comma separated: <c>Name[:Keywords[:Level[:key=value;...]]]</c>.
/// Keywords are hex (0x optional; empty or * for all), the level a number 0-5 or a name (Verbose, Informational, ...;
/// default Verbose), the arguments are the provider's filter data (a value may be double-quoted to hold , ; or :).
/// A provider the tracer enables anyway is merged into its own (keywords or'ed, the more verbose level).
/// </summary>
public static class ProviderSpecs
{
    /// <summary>Parses <paramref name="text"/>; false with one line in <paramref name="error"/> when it does not parse.</summary>
    public static bool TryParse(string text, out IReadOnlyList<EventPipeProvider> providers, out string? error)
    {
        var parsed = new List<EventPipeProvider>();
        providers = parsed;
        error = null;
        foreach (string spec in SplitOutsideQuotes(text, ',', int.MaxValue))
        {
            if (spec.Trim().Length == 0)
            {
                continue;
            }

            if (!TryParseOne(spec.Trim(), out EventPipeProvider? provider, out error))
            {
                return false;
            }

            parsed.Add(provider!);
        }

        if (parsed.Count == 0)
        {
            error = $"'{text}' names no provider (expected Name[:Keywords[:Level[:key=value;...]]], comma separated)";
            return false;
        }

        return true;
    }

    /// <summary>Ours plus the extras; an extra that names one of ours widens it instead of enabling it twice.</summary>
    public static List<EventPipeProvider> Merge(IEnumerable<EventPipeProvider> ours, IEnumerable<EventPipeProvider> extras)
    {
        List<EventPipeProvider> merged = [.. ours];
        foreach (EventPipeProvider extra in extras)
        {
            int at = merged.FindIndex(p => string.Equals(p.Name, extra.Name, StringComparison.OrdinalIgnoreCase));
            if (at < 0)
            {
                merged.Add(extra);
                continue;
            }

            EventPipeProvider mine = merged[at];
            var arguments = new Dictionary<string, string>(mine.Arguments ?? new Dictionary<string, string>());
            foreach ((string key, string value) in extra.Arguments ?? new Dictionary<string, string>())
            {
                arguments[key] = value;
            }

            merged[at] = new EventPipeProvider(mine.Name, (EventLevel)Math.Max((int)mine.EventLevel, (int)extra.EventLevel),
                mine.Keywords | extra.Keywords, arguments.Count == 0 ? null : arguments);
        }

        return merged;
    }

    private static bool TryParseOne(string spec, out EventPipeProvider? provider, out string? error)
    {
        provider = null;
        error = null;
        List<string> parts = SplitOutsideQuotes(spec, ':', 4);
        string name = parts[0].Trim();
        if (name.Length == 0)
        {
            error = $"provider '{spec}' has no name (expected Name[:Keywords[:Level[:key=value;...]]])";
            return false;
        }

        long keywords = -1;
        string keywordText = parts.Count > 1 ? parts[1].Trim() : string.Empty;
        if (keywordText.Length > 0 && keywordText != "*")
        {
            string hex = keywordText.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? keywordText[2..] : keywordText;
            if (!ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong mask))
            {
                error = $"provider '{name}': keywords '{keywordText}' are not a hex number (e.g. 0x4000)";
                return false;
            }

            keywords = unchecked((long)mask);
        }

        EventLevel level = EventLevel.Verbose;
        string levelText = parts.Count > 2 ? parts[2].Trim() : string.Empty;
        if (levelText.Length > 0 && !TryParseLevel(levelText, out level))
        {
            error = $"provider '{name}': level '{levelText}' is not 0-5 or one of Critical, Error, Warning, Informational, Verbose, LogAlways";
            return false;
        }

        Dictionary<string, string>? arguments = null;
        if (parts.Count > 3 && parts[3].Trim().Length > 0)
        {
            arguments = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string pair in SplitOutsideQuotes(parts[3], ';', int.MaxValue).Where(p => p.Trim().Length > 0))
            {
                int equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    error = $"provider '{name}': argument '{pair}' is not key=value";
                    return false;
                }

                arguments[pair[..equals].Trim()] = pair[(equals + 1)..].Trim().Trim('"');
            }
        }

        provider = new EventPipeProvider(name, level, keywords, arguments);
        return true;
    }

    private static bool TryParseLevel(string text, out EventLevel level)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number is >= 0 and <= 5)
        {
            level = (EventLevel)number;
            return true;
        }

        return Enum.TryParse(text, ignoreCase: true, out level) && Enum.IsDefined(level) && !int.TryParse(text, out _);
    }

    /// <summary>Splits on <paramref name="separator"/> outside double quotes, into at most <paramref name="max"/> parts (the last keeps the rest).</summary>
    private static List<string> SplitOutsideQuotes(string text, char separator, int max)
    {
        var parts = new List<string>();
        int start = 0;
        bool quoted = false;
        for (int i = 0; i < text.Length && parts.Count < max - 1; i++)
        {
            if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (text[i] == separator && !quoted)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }
}
