using Tracer.Engine.Reports;

namespace Tracer.Engine.Tests.Reports;

public sealed class TextSanitizerTests
{
    [Theory]
    [InlineData("philosopher-0", "philosopher-0")]
    [InlineData("evil\u001b[2Jname", "evil\\x1b[2Jname")]
    [InlineData("bell\u0007", "bell\\x07")]
    [InlineData("c1\u009bcsi", "c1\\x9bcsi")]
    [InlineData("rtl\u202eoverride", "rtl\\u202eoverride")]
    [InlineData("tab\tnew\nline", "tab\\x09new\\x0aline")]
    public void Control_characters_and_escapes_are_shown_escaped(string raw, string expected) =>
        Assert.Equal(expected, TextSanitizer.Clean(raw));

    [Fact]
    public void Null_is_empty() => Assert.Equal(string.Empty, TextSanitizer.Clean(null));
}
