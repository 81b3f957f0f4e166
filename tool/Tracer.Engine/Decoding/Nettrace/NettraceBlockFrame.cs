namespace Tracer.Engine.Decoding.Nettrace;

/// <summary>
/// A block's frame as <see cref="NettraceBlockWalker"/> read it: the object's type, versions, where it starts and how
/// many payload bytes follow (already checked against <see cref="NettraceBlockWalker.MaxBlockBytes"/>).
/// </summary>
internal readonly record struct NettraceBlockFrame(string Type, int Version, int MinimumReaderVersion, long Start, int Size)
{
    public NettraceBlockKind Kind => Type switch
    {
        "EventBlock" => NettraceBlockKind.Event,
        "StackBlock" => NettraceBlockKind.Stack,
        "MetadataBlock" => NettraceBlockKind.Metadata,
        "SPBlock" => NettraceBlockKind.SequencePoint,
        _ => NettraceBlockKind.Other,
    };
}
