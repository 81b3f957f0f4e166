namespace Tracer.HangTargets;

/// <summary>Live small objects that make the heap large, as a service's caches do (for timing heap walks).</summary>
internal static class Ballast
{
    private static readonly List<object[]> s_kept = [];

    public static void Allocate(string? megabytes)
    {
        if (!int.TryParse(megabytes, out int mb) || mb <= 0)
        {
            return;
        }

        // ~64-byte objects in arrays of 1024: about 16k objects per MiB.
        for (long bytes = 0; bytes < mb * 1048576L; bytes += 1024 * 72)
        {
            var chunk = new object[1024];
            for (int i = 0; i < chunk.Length; i++)
            {
                chunk[i] = new byte[40];
            }

            s_kept.Add(chunk);
        }
    }
}
