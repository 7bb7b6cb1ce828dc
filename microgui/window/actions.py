"""The window's menus and keyboard shortcuts (Space train/pause, S step, R reset)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from engine.presets import preset_names


@dataclass
class WindowActions:
    """Every menu action, so the controller can connect and enable them."""

    open_session: QAction
    open_model: QAction
    save_session: QAction
    export_model: QAction
    export_boundary: QAction
    export_loss: QAction
    export_accuracy: QAction
    save_drawn: QAction
    copy_command: QAction
    quit: QAction
    train: QAction
    step: QAction
    reset: QAction
    log_scale: QAction
    show_test: QAction
    discretize: QAction
    mark_losses: QAction
    presets: dict[str, QAction]
    plugins: QAction


def _action(window: QMainWindow, text: str, tip: str, shortcut: str | None = None) -> QAction:
    action = QAction(text, window)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    return action


def build_actions(window: QMainWindow) -> WindowActions:
    """Create the actions and the File / Train / View menus of `window`."""
    actions = WindowActions(
        open_session=_action(window, "&Open session…", "Load a saved session", "Ctrl+O"),
        open_model=_action(
            window,
            "Open mo&del…",
            "Start from a model file's network and weights, on the data shown",
            "Ctrl+Shift+O",
        ),
        save_session=_action(window, "&Save session…", "Save config, model and history", "Ctrl+S"),
        export_model=_action(window, "Export &model…", "Save the model as JSON (engine.modelio)"),
        export_boundary=_action(
            window, "Export &boundary…", "Save the boundary plot as PNG or SVG, or its data as CSV"
        ),
        export_loss=_action(
            window, "Export &loss chart…", "Save the loss chart as PNG or SVG, or its curves as CSV"
        ),
        export_accuracy=_action(
            window,
            "Export &accuracy chart…",
            "Save the accuracy (or R²) chart as PNG or SVG, or its curves as CSV",
        ),
        save_drawn=_action(window, "Save drawn data as &CSV…", "Save the points you drew"),
        copy_command=_action(
            window,
            "Copy as command &line",
            "Copy a `microgui train …` command that repeats this run without the window",
            "Ctrl+Shift+C",
        ),
        quit=_action(window, "&Quit", "Close microgui", "Ctrl+Q"),
        train=_action(window, "&Train / Pause", "Start or pause training", "Space"),
        step=_action(window, "&Step", "One training step", "S"),
        reset=_action(window, "&Reset", "New initial weights, back to step 0", "R"),
        log_scale=_action(window, "&Log-scale loss", "Logarithmic loss axis"),
        show_test=_action(window, "Show &test points", "Show the held-out points"),
        discretize=_action(window, "&Discretize output", "Hard class regions"),
        mark_losses=_action(
            window,
            "&Mark samples with loss > 0",
            "Ring the training points whose loss is above 0: the ones that still send a "
            "gradient back (with the hinge loss: inside the margin or on the wrong side)",
        ),
        presets={
            name: _action(window, name, f"Start a fresh run with the {name} preset")
            for name in preset_names()
        },
        plugins=_action(window, "&Plugins…", "Every dataset plugin and why a broken one failed"),
    )
    for checkable in (
        actions.log_scale,
        actions.show_test,
        actions.discretize,
        actions.mark_losses,
    ):
        checkable.setCheckable(True)
    actions.show_test.setChecked(True)
    menu_bar = window.menuBar()
    file_menu = menu_bar.addMenu("&File")
    for action in (actions.open_session, actions.open_model, actions.save_session):
        file_menu.addAction(action)
    file_menu.addSeparator()
    for action in (
        actions.export_model,
        actions.export_boundary,
        actions.export_loss,
        actions.export_accuracy,
        actions.save_drawn,
    ):
        file_menu.addAction(action)
    file_menu.addSeparator()
    file_menu.addAction(actions.copy_command)
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)
    train_menu = menu_bar.addMenu("&Train")
    for action in (actions.train, actions.step, actions.reset):
        train_menu.addAction(action)
    train_menu.addSeparator()
    presets_menu = train_menu.addMenu("&Presets")
    for action in actions.presets.values():
        presets_menu.addAction(action)
    view_menu = menu_bar.addMenu("&View")
    for action in (actions.log_scale, actions.show_test, actions.discretize, actions.mark_losses):
        view_menu.addAction(action)
    menu_bar.addMenu("&Help").addAction(actions.plugins)
    for action in (actions.train, actions.step, actions.reset):
        window.addAction(action)  # shortcuts work wherever focus is in the window
    return actions
