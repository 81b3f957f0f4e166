using Terminal.Gui.Drawing;
using Tracer.Engine.Model;
using ThreadState = Tracer.Engine.Model.ThreadState;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace Tracer.Cli.Tui;

/// <summary>What a piece of text is, so the theme can colour it (or, under NO_COLOR, only style it).</summary>
internal enum Role
{
    Normal,
    Dim,
    Title,
    Tab,
    ActiveTab,
    Selected,
    Status,
    Critical,
    Warning,
    Running,
    LockWait,
    HandleWait,
    PoolIdle,
    Exited,
    Cursor,
}

/// <summary>
/// Colours per role. Under NO_COLOR (https://no-color.org) or TERM=dumb everything uses the terminal's default colours
/// and only bold / reverse / underline: Terminal.Gui itself would still emit 16 colours there.
/// </summary>
internal sealed class Theme
{
    private readonly Attribute[] _attributes;

    private Theme(bool monochrome)
    {
        Monochrome = monochrome;
        _attributes = monochrome ? Mono() : Colour();
    }

    public bool Monochrome { get; }

    public Attribute this[Role role] => _attributes[(int)role];

    public static Theme Create(bool monochrome) => new(monochrome);

    public static Theme FromEnvironment() =>
        new(Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 } || Environment.GetEnvironmentVariable("TERM") == "dumb");

    public static Role RoleOf(ThreadState state) => state switch
    {
        ThreadState.Running => Role.Running,
        ThreadState.WaitingOnLock => Role.LockWait,
        ThreadState.WaitingOnHandle => Role.HandleWait,
        ThreadState.PoolIdle => Role.PoolIdle,
        _ => Role.Exited,
    };

    private static Attribute[] Colour()
    {
        Color bg = new(ColorName16.Black);
        Attribute On(ColorName16 fg, TextStyle style = TextStyle.None) => new(new Color(fg), bg, style);
        var a = new Attribute[Enum.GetValues<Role>().Length];
        a[(int)Role.Normal] = On(ColorName16.White);
        a[(int)Role.Dim] = On(ColorName16.DarkGray);
        a[(int)Role.Title] = On(ColorName16.BrightCyan, TextStyle.Bold);
        a[(int)Role.Tab] = new Attribute(new Color(ColorName16.Black), new Color(ColorName16.Gray));
        a[(int)Role.ActiveTab] = new Attribute(new Color(ColorName16.White), new Color(ColorName16.Blue), TextStyle.Bold);
        a[(int)Role.Selected] = new Attribute(new Color(ColorName16.Black), new Color(ColorName16.Cyan));
        a[(int)Role.Status] = new Attribute(new Color(ColorName16.Black), new Color(ColorName16.Gray));
        a[(int)Role.Critical] = On(ColorName16.BrightRed, TextStyle.Bold);
        a[(int)Role.Warning] = On(ColorName16.BrightYellow);
        a[(int)Role.Running] = On(ColorName16.Green);
        a[(int)Role.LockWait] = On(ColorName16.BrightRed);
        a[(int)Role.HandleWait] = On(ColorName16.BrightYellow);
        a[(int)Role.PoolIdle] = On(ColorName16.Blue);
        a[(int)Role.Exited] = On(ColorName16.DarkGray);
        a[(int)Role.Cursor] = new Attribute(new Color(ColorName16.Black), new Color(ColorName16.White));
        return a;
    }

    private static Attribute[] Mono()
    {
        Attribute Plain(TextStyle style = TextStyle.None) => new(Color.None, Color.None, style);
        var a = new Attribute[Enum.GetValues<Role>().Length];
        Array.Fill(a, Plain());
        a[(int)Role.Title] = Plain(TextStyle.Bold);
        a[(int)Role.ActiveTab] = Plain(TextStyle.Reverse | TextStyle.Bold);
        a[(int)Role.Selected] = Plain(TextStyle.Reverse);
        a[(int)Role.Status] = Plain(TextStyle.Reverse);
        a[(int)Role.Critical] = Plain(TextStyle.Bold);
        a[(int)Role.Cursor] = Plain(TextStyle.Reverse);
        return a;
    }
}
