namespace Tracer.Engine.Collect;

/// <summary>Parent/child relations of live processes, from /proc.</summary>
public static class ProcessTree
{
    /// <summary>True when <paramref name="pid"/> is <paramref name="ancestor"/> or below it (walks parent links, bounded).</summary>
    public static bool IsSelfOrDescendant(int pid, int ancestor)
    {
        int current = pid;
        for (int depth = 0; depth < 64 && current > 1; depth++)
        {
            if (current == ancestor)
            {
                return true;
            }

            int? parent = ProcFs.ParentId(current);
            if (parent is null)
            {
                return false;
            }

            current = parent.Value;
        }

        return false;
    }
}
