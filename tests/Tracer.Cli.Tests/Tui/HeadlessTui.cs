using System.Text;
using Terminal.Gui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Tracer.Cli.Tui;
using Tracer.Engine.Analysis;
using Tracer.Engine.Reports;

namespace Tracer.Cli.Tests.Tui;

/// <summary>The real UI on Terminal.Gui's ANSI driver with a fixed screen size and no terminal: keys in, text out.</summary>
internal sealed class HeadlessTui : IDisposable
{
    private readonly IApplication _app;
    private readonly SessionToken? _token;

    /// <param name="children">Child-process traces of a traced process tree, as replay loads them after the root.</param>
    public HeadlessTui(TraceAnalyzer analyzer, int width = 80, int height = 24, bool monochrome = false, string file = "fixture.nettrace",
        IReadOnlyList<ReportPart>? children = null)
    {
        _app = Application.Create();
        _app.Init(DriverRegistry.Names.ANSI);
        _app.Driver!.SetScreenSize(width, height);
        var session = new TuiSession { IsLive = false, Title = $"replay of {file}", IsFinished = () => true };
        var source = new SnapshotSource(analyzer, file);
        source.SetChildren(children ?? []);
        Root = new TuiRoot(_app, session, source, Theme.Create(monochrome));
        _token = _app.Begin(Root);
        _app.LayoutAndDraw(true);
    }

    public TuiRoot Root { get; }

    public Cell[,] Cells => _app.Driver!.Contents!;

    public void Press(params Key[] keys)
    {
        foreach (Key key in keys)
        {
            _app.Keyboard.RaiseKeyDownEvent(key);
        }

        _app.LayoutAndDraw(true);
    }

    /// <summary>Like <see cref="Press"/>, but draws as the running UI does: only what changed, over the last frame.</summary>
    public void PressIncrementally(Key key)
    {
        _app.Keyboard.RaiseKeyDownEvent(key);
        _app.LayoutAndDraw(false);
    }

    /// <summary>Draws everything again from a cleared screen.</summary>
    public void Redraw() => _app.LayoutAndDraw(true);

    public void Type(string text) => Press([.. text.Select(c => new Key(c))]);

    public void Resize(int width, int height)
    {
        _app.Driver!.SetScreenSize(width, height);
        _app.LayoutAndDraw(true);
    }

    /// <summary>The screen as text, one line per row, trailing spaces trimmed.</summary>
    public string Screen()
    {
        Cell[,] cells = Cells;
        var text = new StringBuilder();
        for (int row = 0; row < cells.GetLength(0); row++)
        {
            var line = new StringBuilder();
            for (int col = 0; col < cells.GetLength(1); col++)
            {
                line.Append(cells[row, col].Grapheme is { Length: > 0 } g ? g : " ");
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    public string[] Lines() => Screen().Split('\n');

    /// <summary>Every cell's text and colours, to compare two frames exactly.</summary>
    public string[] CellsWithColours()
    {
        Cell[,] cells = Cells;
        var result = new string[cells.Length];
        int i = 0;
        foreach (Cell cell in cells)
        {
            result[i] = $"{i / cells.GetLength(1)},{i % cells.GetLength(1)}: '{(cell.Grapheme is { Length: > 0 } g ? g : " ")}' {cell.Attribute}";
            i++;
        }

        return result;
    }

    public void Dispose()
    {
        if (_token is not null)
        {
            _app.End(_token);
        }

        Root.Dispose();
        _app.Dispose();
    }
}
