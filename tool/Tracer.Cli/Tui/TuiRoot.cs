using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;
using Tracer.Cli.Tui.Screens;

namespace Tracer.Cli.Tui;

/// <summary>
/// The whole UI: a one-line tab bar, the active screen, a status line. Owns the global keys and the refresh timer
/// that takes snapshots (never more than the decoder's lock for a copy, never blocking intake).
/// </summary>
internal sealed class TuiRoot : Runnable
{
    private static readonly TimeSpan s_refresh = TimeSpan.FromMilliseconds(400);
    /// <summary>While a replay loads, snapshots are taken less often: the decoder waits while one is copied.</summary>
    private static readonly TimeSpan s_loadingRefresh = TimeSpan.FromSeconds(1);
    private readonly System.Diagnostics.Stopwatch _sinceRefresh = System.Diagnostics.Stopwatch.StartNew();
    private readonly IApplication _app;
    private readonly TuiSession _session;
    private readonly SnapshotSource _source;
    private readonly Theme _theme;
    private readonly TabBar _tabs;
    private readonly StatusLine _status;
    private readonly HelpView _help;
    private readonly bool[] _stale;
    private TuiSnapshot _snapshot = TuiSnapshot.Empty;
    private bool _finishedSeen;
    private bool _firstFrameDrawn;
    private bool _confirmingQuit;
    private bool _quitting;
    private object? _timer;

    public TuiRoot(IApplication app, TuiSession session, SnapshotSource source, Theme theme)
    {
        _app = app;
        _session = session;
        _source = source;
        _theme = theme;
        BorderStyle = Terminal.Gui.Drawing.LineStyle.None;
        Screens =
        [
            new OverviewScreen(theme, session),
            new TimelineScreen(theme),
            new LocksScreen(theme),
            new DeadlockScreen(theme),
            new PoolScreen(theme),
            new EventsScreen(theme),
            new ProcessesScreen(theme, session),
        ];
        _stale = new bool[Screens.Count];
        _tabs = new TabBar(theme, Screens.Select(s => s.TabTitle).ToList());
        _status = new StatusLine(theme);
        _help = new HelpView(theme) { Visible = false };
        Add(_tabs);
        foreach (ScreenView screen in Screens)
        {
            screen.Visible = false;
            screen.NavigateRequested += (index, item) => Show(index, item);
            Add(screen);
        }

        Add(_help, _status);
        Show(ScreenIndex.Overview);
        Refresh(force: true);
        app.Keyboard.KeyDown += OnKeyDown;
        app.LayoutAndDrawComplete += OnFrameDrawn;
        UiTimings.Current?.Mark("ui-built");

        _timer = app.AddTimeout(s_refresh, Tick);
    }

    public IReadOnlyList<ScreenView> Screens { get; }
    public int Active { get; private set; }
    public bool HelpShown => _help.Visible;
    public string StatusText => _status.Text;

    public void Show(int index, object? item = null)
    {
        Active = Math.Clamp(index, 0, Screens.Count - 1);
        if (item is ShowProcess process)
        {
            _source.Show(process.Pid);
            Array.Fill(_stale, true);
        }

        for (int i = 0; i < Screens.Count; i++)
        {
            Screens[i].Visible = i == Active;
        }

        if (_stale[Active] || (Screens[Active].WantsEvents && _snapshot.Events.Length == 0 && _snapshot.Report.Events > 0))
        {
            Refresh(force: true);
        }

        Screens[Active].Focus(item);
        _tabs.Active = Active;
        UpdateStatus();
        SetNeedsDraw();
    }

    /// <summary>Takes a new snapshot when something changed (or when forced) and hands it to the visible screen.</summary>
    public void Refresh(bool force = false)
    {
        bool finished = _session.IsFinished();
        if (finished && !_finishedSeen)
        {
            _finishedSeen = true; // names from the sidecar and final findings arrive without new events
            force = true;
        }

        bool tracing = _session.IsLive && !finished;
        if (!force && !tracing && !_source.Changed)
        {
            UpdateStatus();
            return;
        }

        ScreenView active = Screens[Active];
        _snapshot = _source.Take(withEvents: active.WantsEvents, tracing ? _session.NowMs?.Invoke() : null);
        _sinceRefresh.Restart();
        for (int i = 0; i < Screens.Count; i++)
        {
            _stale[i] = i != Active;
        }

        active.Update(_snapshot);
        UpdateStatus();
    }

    private bool Tick()
    {
        if (_session.ExternalStop.IsCancellationRequested || (_quitting && _session.IsFinished()))
        {
            _app.RequestStop();
            return false;
        }

        if (_session.IsLive || _session.IsFinished() || _sinceRefresh.Elapsed >= s_loadingRefresh)
        {
            Refresh(); // redraws only what a new snapshot changed: an idle UI costs next to nothing
        }

        return true;
    }

    private void OnFrameDrawn(object? sender, EventArgs e)
    {
        if (!_firstFrameDrawn)
        {
            _firstFrameDrawn = true;
            _session.FirstFrameDrawn?.Invoke();
        }

        UiTimings.Current?.FrameDrawn(_snapshot.Report.Events, _finishedSeen);
    }

    private void OnKeyDown(object? sender, Key key)
    {
        UiTimings.Current?.KeyReceived(key.ToString());
        key.Handled = HandleKey(key);
        UpdateStatus();
    }

    /// <summary>The global key map; everything else goes to the active screen.</summary>
    public bool HandleKey(Key key)
    {
        if (key == Key.C.WithCtrl)
        {
            Quit(ask: false);
            return true;
        }

        if (_help.Visible)
        {
            _help.Visible = false;
            SetNeedsDraw();
            return true;
        }

        if (_confirmingQuit)
        {
            _confirmingQuit = false;
            if (ScreenView.IsChar(key, 'y') || ScreenView.IsChar(key, 'q') || key == Key.Enter)
            {
                Quit(ask: false);
            }

            return true;
        }

        ScreenView screen = Screens[Active];
        if (screen.CapturesKeys)
        {
            screen.HandleKey(key);
            return true;
        }

        if (key.AsRune.Value is >= '1' and <= '7' && !key.IsCtrl && !key.IsAlt)
        {
            Show(key.AsRune.Value - '1');
        }
        else if (key == Key.Tab)
        {
            Show((Active + 1) % Screens.Count);
        }
        else if (key == Key.Tab.WithShift)
        {
            Show((Active + Screens.Count - 1) % Screens.Count);
        }
        else if (key == Key.F1 || ScreenView.IsChar(key, '?'))
        {
            _help.Visible = true;
            SetNeedsDraw();
        }
        else if (ScreenView.IsChar(key, 'q'))
        {
            Quit(ask: true);
        }
        else
        {
            screen.HandleKey(key);
        }

        return true; // the UI owns the keyboard: no default bindings (Esc quitting, Tab focus moves)
    }

    private void Quit(bool ask)
    {
        if (!_session.IsLive || _session.IsFinished())
        {
            _app.RequestStop();
            return;
        }

        if (ask && !_quitting)
        {
            _confirmingQuit = true;
            return;
        }

        _quitting = true;
        _session.RequestStop?.Invoke();
    }

    private void UpdateStatus()
    {
        string text =
            _confirmingQuit ? "Stop tracing, finish the trace file and quit? y / n"
            : _quitting ? "stopping: finishing the trace file…"
            : Screens[Active].Status;
        string live = !_session.IsLive ? string.Empty
            : !_session.IsFinished() ? "[LIVE] "
            : _session.EndNotice?.Invoke() is { } why ? $"[stopped: {why}] "
            : "[stopped] ";
        _status.Text = $"{live}{(text.Length > 0 ? text : "Tab/1-7 screens")} · F1 help · q quit";
        _status.Highlight = _confirmingQuit;
        _status.SetNeedsDraw();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _app.Keyboard.KeyDown -= OnKeyDown;
            _app.LayoutAndDrawComplete -= OnFrameDrawn;
            if (_timer is not null)
            {
                _app.RemoveTimeout(_timer);
                _timer = null;
            }
        }

        base.Dispose(disposing);
    }
}
