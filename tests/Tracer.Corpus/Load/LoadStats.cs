namespace Tracer.Corpus.Load;

/// <summary>Requests answered and failed, counted by the load generators and printed at the end.</summary>
internal sealed class LoadStats
{
    private long _ok;
    private long _failed;

    public long Ok => Interlocked.Read(ref _ok);
    public long Failed => Interlocked.Read(ref _failed);

    public void Record(bool ok) => Interlocked.Increment(ref ok ? ref _ok : ref _failed);

    public override string ToString() => $"{Ok} requests answered, {Failed} failed";
}
