"""Start the Qt application and the main training window.

`run_gui(args)` is what the `microgui` command calls without a subcommand.
With --steps N it trains N steps in the worker as soon as the data is
ready; with --screenshot PATH it then saves `window.grab()` of the whole
window (works offscreen, where a screen grab would be black) and exits 0.
--show TAB opens that tab; with --screenshot the picture is taken once the
tab shows the final state (the Graph tab: the largest-loss sample's graph
built, laid out and painted).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from engine.config import ConfigError, TrainConfig, parse_layers

SCREENSHOT_TIMEOUT_MS = 180_000
SETTLE_TIMEOUT_S = 60.0  # the Graph tab's build before a screenshot; then it is taken anyway
# After the window closed: how long a step in progress and the files asked for may take.
STOPPING_WAIT_S = 60


def initial_config(args: argparse.Namespace) -> TrainConfig | None:
    """The config asked for on the command line (--preset, --dataset, --layers, --steps).

    None when nothing was asked: the window then starts from the last session's config.
    """
    preset = getattr(args, "preset", None)
    dataset = getattr(args, "dataset", None)
    layers = getattr(args, "layers", None)
    if not (preset or dataset or layers):
        return None
    if preset:
        from engine.presets import preset_config

        config = preset_config(preset)
    else:
        from microgui.window.training_controller import default_config

        config = default_config()
    changes: dict = {}
    if dataset:
        changes["dataset"] = dataset
        if dataset != config.dataset:
            changes["dataset_params"] = {}
    if layers:
        changes["layers"] = parse_layers(layers)
        _check_window_layers(changes["layers"], layers)
    if getattr(args, "steps", None) and args.steps > config.steps:
        changes["steps"] = int(args.steps)
    return config.replace(**changes) if changes else config


def _check_window_layers(sizes: tuple[int, ...], text: str) -> None:
    """The window's own limits (its layer field allows no more): refused before it opens."""
    from microgui.widgets.layer_sizes_editor import MAX_LAYERS, MAX_NEURONS

    if len(sizes) > MAX_LAYERS or max(sizes) > MAX_NEURONS:
        raise ConfigError(
            "layers",
            f"{text!r}: the window trains at most {MAX_LAYERS} hidden layers of at most "
            f"{MAX_NEURONS} neurons; train it with 'microgui train --layers {text}' (no window)",
        )


def _screenshot_target(path: str | None) -> str | None:
    """--screenshot checked and made absolute before plugins load (one may call os.chdir)."""
    if not path:
        return None
    from engine.atomic_write import check_writable_target

    check_writable_target(path, "screenshot")  # WriteError: one line naming the path
    return os.path.abspath(path)


def _application():
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from microgui.desktop.paths import resource_path

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("microgui")
    app.setApplicationName("microgui")
    app.setApplicationDisplayName("microgui")
    icon_path = resource_path("icons", "microgui.svg")
    if icon_path.is_file():
        app.setWindowIcon(QIcon(str(icon_path)))
    style_path = resource_path("style.qss")
    if style_path.is_file():
        app.setStyleSheet(style_path.read_text(encoding="utf-8"))
    return app


def _add_graph_tabs(window) -> None:
    """The Graph and Playground tabs (issue 7), when that part of microgui is installed."""
    try:
        from microgui.graph_explorer import install_graph_explorer
    except ImportError:
        return
    install_graph_explorer(window)


def _show_tab(window, show: str) -> None:
    """Open the tab --show names (the Training tab is already open)."""
    widget = {
        "graph": getattr(window, "graph_explorer", None),
        "gradients": getattr(window, "gradient_flow", None),
        "playground": getattr(window, "playground", None),
    }.get(show)
    if widget is not None:
        window.tabs.setCurrentWidget(widget)


def _settle_for(window, show: str):
    """For --screenshot: wait until the tab shows the final state, then call ``done``."""
    explorer = getattr(window, "graph_explorer", None)
    if show != "graph" or explorer is None:
        return None

    def settle(done) -> None:
        import time

        from PySide6.QtCore import QTimer

        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        explorer.show_largest_loss_sample()  # the final weights' worst sample

        def poll() -> None:
            if explorer.is_settled() or time.monotonic() > deadline:
                explorer.view.finish_rendering()
                done()
            else:
                QTimer.singleShot(50, poll)

        poll()

    return settle


def run_gui(args: argparse.Namespace) -> int:
    """Open the window; return the process exit code."""
    from engine.atomic_write import WriteError

    try:
        config = initial_config(args)
        screenshot = _screenshot_target(args.screenshot)
    except (ConfigError, WriteError) as exc:
        print(
            f"microgui: {'--screenshot: ' if isinstance(exc, WriteError) else ''}{exc}",
            file=sys.stderr,
        )
        return 2
    app = _application()
    from microgui.plugin_host.manager import load_plugins
    from microgui.plugin_host.reporting import missing_dataset_message

    # A Ctrl-C while the plugins load still stops the program (a KeyboardInterrupt);
    # from here on a stop signal closes the window as its close button does.
    registry = load_plugins(getattr(args, "plugins_dir", None))
    if config is not None and config.dataset not in registry.datasets:
        print(
            f"microgui: --dataset: {missing_dataset_message(registry, config.dataset)}",
            file=sys.stderr,
        )
        return 2
    stop_signals = _close_on_stop_signals(app)
    try:
        code = _run_window(
            app,
            registry=registry,
            config=config,
            show=getattr(args, "show", "training") or "training",
            steps=args.steps or 0,
            screenshot=screenshot,
        )
    finally:
        stop_signals.uninstall()
    if _let_the_worker_finish() == "interrupted":
        from microgui.desktop.signal_exit import signal_exit_code

        return signal_exit_code(signal.SIGINT)  # Ctrl-C ended the wait
    # A stop signal's code (128 + signum) wins over the window's own, as a shell would report it.
    return code if stop_signals.exit_code is None else stop_signals.exit_code


def _let_the_worker_finish() -> str:
    """The window closed while the worker was inside a long step with a save or export
    queued behind it (or writing one): wait for it (at most STOPPING_WAIT_S; Ctrl-C
    leaves at once), so that the file reaches the disk, and say so on the terminal.

    With nothing to write there is nothing to wait for: the program leaves at once
    (``cli.run`` does not tear Qt down around the running thread).
    Returns "written", "nothing to write", "timed out" or "interrupted".
    """
    from microgui.training_run.worker import stopping_workers, wait_for_stopping_workers

    files = [path for handle in stopping_workers() for path in handle.worker.pending_writes]
    if not files:
        return "nothing to write"
    print(
        "microgui: the window closed during a training step; waiting for it to end, "
        f"then to write {', '.join(files)} (at most {STOPPING_WAIT_S} s; Ctrl-C to leave now)",
        file=sys.stderr,
        flush=True,
    )
    try:
        outcome = "written" if wait_for_stopping_workers(STOPPING_WAIT_S) else "timed out"
    except KeyboardInterrupt:
        outcome = "interrupted"
    if outcome != "written":
        left = [path for handle in stopping_workers() for path in handle.worker.pending_writes]
        lost = f"; not written: {', '.join(left)}" if left else ""
        print(f"microgui: left before the training step ended{lost}", file=sys.stderr)
    return outcome


def _close_on_stop_signals(app):
    """Ctrl-C, SIGTERM, SIGHUP: close every window (settings saved), exit 128 + signum."""
    from microgui.desktop.signal_exit import signal_exit_code
    from microgui.desktop.stop_signals import CloseOnSignals

    def close(signum: int) -> None:
        app.closeAllWindows()
        app.exit(signal_exit_code(signum))

    return CloseOnSignals(close).install()


def _run_window(
    app, *, registry, config: TrainConfig | None, show: str, steps: int, screenshot: str | None
) -> int:
    """Show the main window on ``show``'s tab and run the event loop; the window's exit code.

    ``steps`` > 0 trains that many steps as soon as the data is ready; ``screenshot`` (an
    absolute path, or None) saves the window there once they are done and ends the run
    (``window.auto_run``).
    """
    from microgui.desktop.error_handler import ExceptionHandler
    from microgui.window.main_window import MainWindow

    window = MainWindow(registry, config=config)
    _add_graph_tabs(window)
    _show_tab(window, show)
    handler = ExceptionHandler(lambda: window, show_dialog=not screenshot).install()
    window.show()
    try:
        if screenshot or steps:
            from microgui.window.auto_run import AutoRun

            runner = AutoRun(
                window, steps, screenshot, SCREENSHOT_TIMEOUT_MS, settle=_settle_for(window, show)
            )
            runner.begin()
        code = app.exec()
        if screenshot:
            return code or runner.exit_code
        return code
    finally:
        handler.uninstall()
