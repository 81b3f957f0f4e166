using Tracer.Cli.Tui;

namespace Tracer.Cli.Tests.Tui;

/// <summary>The UI shortens frames to Type.Method; a frame's source line stays with it.</summary>
public sealed class NamesTests
{
    [Theory]
    [InlineData("Ns.Sub.Outer+Nested.Method", "Nested.Method")]
    [InlineData("Ns.Sub.Outer+Nested.Method (Outer.cs:42)", "Nested.Method (Outer.cs:42)")]
    [InlineData("Ns.Type..ctor (Type.cs:7)", "Type..ctor (Type.cs:7)")]
    [InlineData("Tracer.Demos.Hangs.MutexAbbaDemo+<>c__DisplayClass0_0.<Run>b__0 (MutexAbbaDemo.cs:17)", "<>c__DisplayClass0_0.<Run>b__0 (MutexAbbaDemo.cs:17)")]
    public void A_frame_is_shortened_to_its_type_and_method_and_keeps_its_line(string frame, string shown) =>
        Assert.Equal(shown, Names.Frame(frame));
}
