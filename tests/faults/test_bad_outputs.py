"""Fault matrix, files the app writes: every writer goes through engine.atomic_write.

One table of writers (model, session, drawn-data CSV, graph DOT/SVG/PNG, the
``--plot`` PNG, the window's boundary/plots PNG and its screenshot), each
checked the same three ways: a new file gets exactly the mode a model file
gets (the umask's, never 0600), a failure while writing keeps the old file
byte for byte with no temporary file left, and a FIFO or a folder at the
target is refused with one line naming the path and is left as it was.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from engine.atomic_write import is_temporary_name
from engine.config import TrainConfig
from engine.modelio import save_model
from engine.nn import MLP
from engine.session import save_session
from engine.train import Trainer

UMASK = 0o027  # unusual on purpose: 0640 is neither the old 0600 nor a default 0644


@dataclass
class Writer:
    name: str
    write: Callable[[Path], None]
    suffix: str


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if is_temporary_name(p.name))


@pytest.fixture(scope="module")
def trainer() -> Trainer:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    y = (X[:, 0] > 0).astype(float)
    trainer = Trainer(TrainConfig(layers=(3,), steps=10), X, y, "binary")
    trainer.step()
    return trainer


@pytest.fixture
def graph_explorer(qtbot):
    from engine.nn import MLP as Net
    from microgui.graph_explorer.explorer import GraphExplorer

    widget = GraphExplorer()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    weights = {n: p.data for n, p in Net(2, [3, 1], seed=1).named_parameters()}
    widget.set_model(weights, 2, [3, 1], "relu", "hinge", "binary")
    with qtbot.waitSignal(widget.graphShown, timeout=20_000):
        widget.show_sample(0, (0.5, -0.5), 1.0)
    yield widget
    widget.shutdown()


def _raise_on_failure(kind: str, report: list[tuple[str, str, str]]) -> None:
    errors = [error for done_kind, _path, error in report if done_kind == kind and error]
    if errors:
        raise OSError(errors[-1])


WRITERS = [
    "model",
    "session",
    "drawn_csv",
    "graph_dot",
    "graph_svg",
    "graph_png",
    "plot_png",
    "boundary_png",
    "screenshot",
]


@pytest.fixture(params=WRITERS)
def writer(request, trainer) -> Writer:
    name = request.param
    if name == "model":
        return Writer(name, lambda p: save_model(MLP(2, [3, 1], seed=0), p), ".json")
    if name == "session":
        return Writer(name, lambda p: save_session(trainer, p), ".json")
    if name == "drawn_csv":
        from microgui.window.drawn_data import DrawnData

        drawn = DrawnData(X=np.array([[0.1, 0.2], [0.3, 0.4]]), y=np.array([0.0, 1.0]))
        return Writer(name, drawn.save_csv, ".csv")
    if name.startswith("graph_"):
        explorer = request.getfixturevalue("graph_explorer")
        kind = name.removeprefix("graph_")
        return Writer(name, lambda p: getattr(explorer, f"export_{kind}")(str(p)), f".{kind}")
    if name == "plot_png":
        from microgui.commands.plot_export import export_plot

        return Writer(name, lambda p: export_plot(p, trainer, ("a", "b"), ("0", "1")), ".png")
    window = request.getfixturevalue("make_window")()
    if name == "boundary_png":
        report: list[tuple[str, str, str]] = []
        window.controller.files.finished.connect(lambda *done: report.append(done))

        def boundary(p: Path) -> None:
            window.controller.files.export_boundary_png(str(p))
            _raise_on_failure("boundary", report)

        return Writer(name, boundary, ".png")
    from microgui.window.widget_png import save_widget_png

    return Writer(name, lambda p: save_widget_png(window, p, "screenshot"), ".png")


def test_every_writer_gives_a_new_file_the_mode_a_model_file_gets(writer, tmp_path):
    old = os.umask(UMASK)
    try:
        save_model(MLP(2, [1], seed=0), tmp_path / "reference.json")
        writer.write(tmp_path / f"out{writer.suffix}")
    finally:
        os.umask(old)
    reference = stat.S_IMODE((tmp_path / "reference.json").stat().st_mode)
    assert reference == 0o640
    assert stat.S_IMODE((tmp_path / f"out{writer.suffix}").stat().st_mode) == reference
    assert (tmp_path / f"out{writer.suffix}").stat().st_size > 0
    assert leftovers(tmp_path) == []


def test_every_writer_keeps_the_old_file_when_the_disk_fills_up(writer, tmp_path, monkeypatch):
    target = tmp_path / f"out{writer.suffix}"
    target.write_bytes(b"the previous file")

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises((OSError, ValueError, Exception)) as caught:
        writer.write(target)
    message = str(caught.value)
    assert "No space left on device" in message and str(target) in message, message
    assert "\n" not in message
    assert target.read_bytes() == b"the previous file"
    assert leftovers(tmp_path) == []


def test_every_writer_refuses_a_fifo_or_a_folder_and_leaves_it_alone(writer, tmp_path):
    fifo = tmp_path / f"pipe{writer.suffix}"
    os.mkfifo(fifo)
    with pytest.raises(Exception) as caught:
        writer.write(fifo)
    assert "FIFO" in str(caught.value) and str(fifo) in str(caught.value)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    folder = tmp_path / f"folder{writer.suffix}"
    folder.mkdir()
    with pytest.raises(Exception, match="folder"):
        writer.write(folder)
    assert folder.is_dir() and not any(folder.iterdir())
    assert leftovers(tmp_path) == []
