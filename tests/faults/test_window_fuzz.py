"""UI fuzz: 60 s of random real actions on the window, then the controls must match the trainer.

Actions are what a user does: Train, Pause, Step, Reset, choose a dataset, Regenerate, type
layer sizes and learning rates (valid and invalid), type numbers into spin boxes (refused ones
too), change combos and the speed, Cancel a dataset being generated, load the micrograd-demo
preset, export the model and open an earlier one (File > Open model), click training points on
the boundary plot, open the Graph tab and click nodes, collapse and expand, open the
Playground and type expressions. After each action the event loop runs for a random short
while; the worker must take every command (no deadlock) within a generous bound. pytest-qt
fails the test on any exception in a slot or virtual method; thread exceptions are recorded too.
At the end the form is repaired where it is invalid, one Step is taken, and what the controls
show (dataset, parameters, seed, split, network, loss, optimizer, lr, ...) must be exactly the
config the worker's trainer runs, on exactly the data that config generates.

MICROGUI_FUZZ_SECONDS (default 60) sets the duration, MICROGUI_FUZZ_SEED (default below) the
seed of ``random.Random``; the seed is printed first and in every failure message.
"""

from __future__ import annotations

import faulthandler
import os
import random
import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from window_fixtures import WAIT_MS, wait_ready_state

from engine.config import LOSS_NAMES
from engine.tasks import COMPATIBLE_LOSSES
from microgui.widgets.validation import is_invalid
from microgui.window.config_form import config_from_fields

FUZZ_SECONDS = float(os.environ.get("MICROGUI_FUZZ_SECONDS", "60"))
SEED = int(os.environ.get("MICROGUI_FUZZ_SEED", "20251126"))
HANG_LIMIT_S = FUZZ_SECONDS + 240  # a frozen GUI thread ends the run with every stack
LAYER_TEXTS_VALID = ("2", "4", "3,3", "6,2", "8,4,2", "1", "5,5")
LAYER_TEXTS_BAD = ("", "abc", "16,,16", "0", "-4", "1e9", "16;16", "10000", ",".join(["512"] * 8))
LR_TEXTS = ("0.1", "0.05", "1e-3", "0.3", "0", "-1", "nan", "inf", "1,5", "x")
SPIN_TEXTS = ("0.3", "0", "1", "-2", "abc", "2.5", "50", "100000", "0.255")
EXPRESSIONS = (
    "a * b + b**3",
    "(a*b).relu() - a/2",
    "c = a + b\nd = c * c\nd.tanh()",
    "sigmoid(a) * log(b + 3)",
    "a +* b",
    "__import__('os')",
    "a.__class__",
    "[x for x in y]",
    "",
)
# Compared after the final Step: every TrainConfig field the window shows.
SHOWN_FIELDS = (
    "dataset", "dataset_params", "seed", "test_fraction", "layers", "activation", "init",
    "loss", "reg", "reg_strength", "optimizer", "lr", "momentum", "schedule", "final_lr",
    "step_size", "gamma", "batch_size", "steps",
)  # fmt: skip


class Fuzzer:
    """Picks and performs random user actions on one window (with Graph and Playground tabs)."""

    def __init__(self, qtbot, window, rng: random.Random, folder) -> None:
        self.qtbot, self.w, self.rng, self.folder = qtbot, window, rng, folder
        self.c = window.controller
        self.log: list[str] = []
        self.models: list = []  # model files exported so far (other networks, other data)
        self.datasets = [d for d in window.registry.datasets if d != "csv"]
        self.actions = [
            (6, self.train), (4, self.pause), (6, self.step), (3, self.reset),
            (3, self.choose_dataset), (1, self.regenerate), (4, self.type_layers),
            (3, self.type_lr), (2, self.choose_combo), (1, self.choose_speed),
            (1, self.toggle_view), (4, self.click_point), (4, self.click_node),
            (2, self.collapse), (3, self.type_expression), (2, self.show_training),
            (3, self.type_number), (1, self.cancel_generation), (1, self.preset),
            (2, self.model_file), (2, self.refused_setting),
        ]  # fmt: skip

    # -------------------------------------------------------------- driving
    def run(self, seconds: float) -> int:
        weights = [w for w, _ in self.actions]
        actions = [a for _, a in self.actions]
        end = time.monotonic() + seconds
        count = 0
        while time.monotonic() < end:
            action = self.rng.choices(actions, weights)[0]
            note = action() or ""
            self.log.append(f"{count}: {action.__name__} {note}".rstrip())
            self.qtbot.wait(self.rng.randint(0, 40))  # the event loop runs between actions
            self.worker_takes_commands()
            count += 1
        return count

    def worker_takes_commands(self) -> None:
        """No deadlock: the worker empties its command queue within a generous bound."""
        worker = self.c.worker
        self.qtbot.waitUntil(lambda: worker._commands.empty(), timeout=WAIT_MS)
        assert self.c.handle.thread.isRunning(), "the worker thread ended"

    def click(self, button) -> None:
        self.qtbot.mouseClick(button, Qt.LeftButton)

    def type_into(self, line_edit, text: str) -> None:
        # Into the field with the focus, as a user types: Space, S and R typed while another
        # widget has the focus are the window's shortcuts (window/shortcut_guard.py).
        line_edit.setFocus()
        line_edit.selectAll()
        self.qtbot.keyClick(line_edit, Qt.Key_Backspace)
        if text:
            self.qtbot.keyClicks(line_edit, text)

    # -------------------------------------------------------------- actions
    def train(self) -> str:
        if self.c.state != "running":
            self.click(self.w.run_controls.train_button)
            self.qtbot.wait(self.rng.randint(50, 400))  # let it train while the next actions come
        return self.c.state

    def pause(self) -> str:
        if self.c.state == "running":
            self.click(self.w.run_controls.train_button)
        return self.c.state

    def step(self) -> None:
        self.click(self.w.run_controls.step_button)

    def reset(self) -> None:
        self.click(self.w.run_controls.reset_button)

    def choose_dataset(self) -> str:
        combo = self.w.dataset_controls.combo
        dataset = self.rng.choice(self.datasets)
        combo.setCurrentIndex(combo.findData(dataset))
        return dataset

    def regenerate(self) -> None:
        self.click(self.w.dataset_controls.regenerate)

    def type_layers(self) -> str:
        texts = LAYER_TEXTS_VALID if self.rng.random() < 0.7 else LAYER_TEXTS_BAD
        text = self.rng.choice(texts)
        self.type_into(self.w.model_controls.layers.text_edit, text)
        return repr(text)

    def type_number(self) -> str:
        """Type into a spin box and leave it: refused numbers are put back and said."""
        self.show_training()
        dc, tc = self.w.dataset_controls, self.w.training_controls
        spin = self.rng.choice([dc.test_fraction, tc.batch_size, tc.steps])
        text = self.rng.choice(SPIN_TEXTS)
        self.w.activateWindow()
        spin.setFocus()
        spin.selectAll()
        self.qtbot.keyClicks(spin, text)
        self.qtbot.keyClick(spin, Qt.Key_Tab)
        return f"{spin.accessibleName()} {text!r}"

    def cancel_generation(self) -> str:
        """Choose a dataset and press Cancel while it is being generated."""
        self.show_training()
        note = self.choose_dataset()
        self.c.apply_changes()  # the debounce fires now: the generation starts
        cancel = self.w.dataset_controls.cancel
        if not cancel.isVisible():
            return f"{note}, nothing to cancel"
        self.click(cancel)
        return f"{note}, cancelled"

    def preset(self) -> None:
        self.w.actions.presets["micrograd-demo"].trigger()

    def model_file(self) -> str:
        """Export the model, or open one exported earlier (it may not fit the data now)."""
        files = self.c.files
        if self.models and self.rng.random() < 0.6:
            path = self.rng.choice(self.models)
            files.open_model_file(str(path))
            return f"open {path.name}"
        path = self.folder / f"model-{len(self.models)}.json"
        files.export_model_file(str(path))
        self.models.append(path)
        return f"export {path.name}"

    def type_lr(self) -> str:
        text = self.rng.choice(LR_TEXTS)
        self.type_into(self.w.training_controls.lr, text)
        return repr(text)

    def choose_combo(self) -> str:
        tc, mc = self.w.training_controls, self.w.model_controls
        combo = self.rng.choice(
            [mc.activation, mc.init, tc.loss, tc.optimizer, tc.schedule, tc.regularization]
        )
        combo.setCurrentIndex(self.rng.randrange(combo.count()))  # a misfit loss included
        return combo.currentText()

    def refused_setting(self) -> str:
        """A setting the worker refuses for this data: a loss that does not fit its task, or
        (two classes fit every loss) the biggest network the layer field allows."""
        data = self.c.data
        if data is not None and data.task != "binary":
            misfits = [n for n in LOSS_NAMES if n not in ("auto", *COMPATIBLE_LOSSES[data.task])]
            loss = self.rng.choice(misfits)
            self.w.training_controls.loss.setCurrentText(loss)
            return f"loss {loss} on {data.task} data"
        self.type_into(self.w.model_controls.layers.text_edit, LAYER_TEXTS_BAD[-1])
        return "layers 512 x 8"

    def choose_speed(self) -> str:
        combo = self.w.run_controls.speed.combo
        combo.setCurrentIndex(self.rng.randrange(combo.count()))
        return combo.currentText()

    def toggle_view(self) -> None:
        view = self.w.view
        self.click(self.rng.choice([view.log_check, view.discretize_check, view.show_test_check]))

    def show_training(self) -> None:
        self.w.tabs.setCurrentWidget(self.w.training_tab)

    def click_point(self) -> str:
        """A mouse click on a training point of the boundary plot (opens its graph)."""
        self.show_training()
        boundary = self.w.view.boundary
        if not len(boundary.train_xy):
            return "no points"
        index = self.rng.randrange(len(boundary.train_xy))
        x, y = boundary.train_xy[index]
        pos = boundary.data_to_widget(float(x), float(y))
        self.qtbot.mouseClick(
            boundary.plot_widget.viewport(), Qt.LeftButton, pos=QPoint(int(pos.x()), int(pos.y()))
        )
        return f"point {index}"

    def click_node(self) -> str:
        explorer = self.w.graph_explorer
        self.w.tabs.setCurrentWidget(explorer)
        if explorer.snapshot is None or explorer.presenter.layout is None:
            return "no graph yet"
        node_id = self.rng.randrange(len(explorer.snapshot))
        view = explorer.view
        box = explorer.presenter.box_of(node_id)
        view.center_on_box(box)
        pos = view.mapFromScene(view.box_center(box))
        click = self.qtbot.mouseDClick if self.rng.random() < 0.2 else self.qtbot.mouseClick
        click(view.viewport(), Qt.LeftButton, pos=QPoint(pos.x(), pos.y()))
        return f"node {node_id}"

    def collapse(self) -> str:
        explorer = self.w.graph_explorer
        self.w.tabs.setCurrentWidget(explorer)
        action = self.rng.choice(explorer.controls.collapse_button.menu().actions())
        action.trigger()
        return action.text()

    def type_expression(self) -> str:
        playground = self.w.playground
        self.w.tabs.setCurrentWidget(playground)
        text = self.rng.choice(EXPRESSIONS)
        playground.editor.setFocus()  # typed where the focus is, as in type_into
        playground.editor.clear()
        for number, line in enumerate(text.splitlines()):
            if number:
                self.qtbot.keyClick(playground.editor, Qt.Key_Return)  # QTest cannot type "\n"
            self.qtbot.keyClicks(playground.editor, line)
        return repr(text)

    # -------------------------------------------------------------- the end
    def repair_and_pause(self) -> None:
        """Pause, and put a good value in every field that holds a bad one, as a user would."""
        self.pause()
        self.qtbot.waitUntil(lambda: self.c.state != "running", timeout=WAIT_MS)
        tc, layers = self.w.training_controls, self.w.model_controls.layers.text_edit
        for _ in range(4):  # a fix may reveal the next refusal (the size guard, the loss)
            self.settle()
            if self.c.can_train():
                return
            if is_invalid(layers) or not any(map(is_invalid, self.c.field_widgets().values())):
                self.type_into(layers, "4")
            if is_invalid(tc.lr):
                self.type_into(tc.lr, "0.1")
            if is_invalid(tc.loss):
                tc.loss.setCurrentText("auto")
        wait_ready_state(self.qtbot, self.w)

    def settle(self) -> None:
        c = self.c
        self.qtbot.waitUntil(lambda: not c._timer.isActive() and not c.loader.busy, timeout=WAIT_MS)
        self.worker_takes_commands()
        self.qtbot.wait(50)

    def final_step(self) -> None:
        c = self.c
        if c.state in ("finished", "diverged"):
            self.reset()
            self.qtbot.waitUntil(lambda: c.snapshot.step == 0, timeout=WAIT_MS)
        step = c.snapshot.step
        self.step()
        self.qtbot.waitUntil(lambda: c.snapshot.step == step + 1, timeout=WAIT_MS)


def effect_counters(window) -> dict[str, int]:
    """How often each kind of action took effect, counted from the app's own signals."""
    effects = dict.fromkeys(
        ("steps", "points clicked", "nodes selected", "layouts", "expressions", "refused"), 0
    )

    def count(name: str):
        return lambda *args: effects.__setitem__(name, effects[name] + 1)

    window.snapshotChanged.connect(lambda s: s.step and count("steps")())
    window.sampleClicked.connect(count("points clicked"))
    window.graph_explorer.nodeSelected.connect(count("nodes selected"))
    window.graph_explorer.layoutChanged.connect(count("layouts"))
    window.playground.evaluated.connect(count("expressions"))
    window.controller.worker.configFailed.connect(count("refused"))
    return effects


def describe(window) -> str:
    """The window's state, for a failure message."""
    c = window.controller
    marked = [name for name, widget in c.field_widgets().items() if is_invalid(widget)]
    trainer = c.worker.trainer
    runs = (trainer.config.dataset, trainer.task) if trainer is not None else None
    return (
        f"shown dataset {window.dataset_controls.dataset_id()!r}, asked {c.config.dataset!r}, "
        f"trainer runs {runs}, data task {c.data.task if c.data else None}; "
        f"state {c.state!r}, configured {c.configured_ok}, loader busy {c.loader.busy}, "
        f"marked fields {marked}, dataset form valid {window.dataset_controls.is_valid()}, "
        f"message {window.run_controls.error_label.text()!r}, status {window.status.message()!r}"
    )


def assert_controls_match_the_trainer(window) -> None:
    c = window.controller
    trainer = c.worker.trainer
    shown = config_from_fields(c.raw_fields(), c.base_config)
    runs = trainer.config
    for name in SHOWN_FIELDS:
        assert getattr(shown, name) == getattr(runs, name), (name, shown, runs)
    assert c.config == shown  # the controller's idea agrees too
    data = window.registry.generate(runs.dataset, runs.dataset_params, runs.seed)
    np.testing.assert_array_equal(trainer.X, data.X)
    np.testing.assert_array_equal(trainer.y, data.y)
    sizes = [trainer.X.shape[1], *runs.layers, trainer.nout]
    assert window.view.network.layer_sizes == sizes
    assert c.snapshot.step == trainer.steps_done
    assert window.status.step_label.text() == f"step {trainer.steps_done}"
    np.testing.assert_array_equal(c.data.X_train, trainer.X_train)
    assert window.run_controls.train_button.isEnabled()


@pytest.mark.slow
def test_random_ui_actions_leave_a_consistent_window(
    qtbot, make_window, monkeypatch, capsys, terminal_stderr, tmp_path
):
    from microgui.graph_explorer import install_graph_explorer

    with capsys.disabled():
        print(f"\nUI fuzz: MICROGUI_FUZZ_SEED={SEED}, {FUZZ_SECONDS:g} s")
    thread_errors: list[str] = []
    monkeypatch.setattr(
        threading, "excepthook", lambda args: thread_errors.append(repr(args.exc_value))
    )
    window = make_window()
    install_graph_explorer(window)
    fuzzer = Fuzzer(qtbot, window, random.Random(SEED), tmp_path)
    effects = effect_counters(window)

    def hung() -> None:
        print(f"UI fuzz hung: MICROGUI_FUZZ_SEED={SEED}; last actions:", file=terminal_stderr)
        print("\n".join(fuzzer.log[-30:]), file=terminal_stderr, flush=True)
        faulthandler.dump_traceback(file=terminal_stderr)
        os._exit(1)

    watchdog = threading.Timer(HANG_LIMIT_S, hung)
    watchdog.daemon = True
    watchdog.start()
    # The backstop needs no GIL (a deadlock may hold it): every stack, then exit.
    faulthandler.dump_traceback_later(HANG_LIMIT_S + 30, exit=True, file=terminal_stderr)
    try:
        count = fuzzer.run(FUZZ_SECONDS)
        fuzzer.repair_and_pause()
        fuzzer.final_step()
        assert_controls_match_the_trainer(window)
        assert thread_errors == []
        # The actions reached the app: each kind of effect happened (else the fuzz tests nothing).
        assert all(effects.values()), effects
    except BaseException as exc:
        last = "\n".join(fuzzer.log[-30:])
        raise AssertionError(
            f"UI fuzz failed with MICROGUI_FUZZ_SEED={SEED}: {exc!r}\n{describe(window)}\n"
            f"last actions:\n{last}"
        ) from exc
    finally:
        watchdog.cancel()  # the backstop stays armed through teardown (conftest cancels it)
    print(f"UI fuzz: {count} actions, seed {SEED}, effects {effects}")
    assert count > 50
