"""Fault matrix, files the app writes: every writer goes through engine.atomic_write.

One table of writers (model, session, drawn-data CSV, graph DOT/SVG/PNG, the
``--plot`` PNG and SVG, the window's charts as PNG, SVG and CSV and its screenshot), each
checked the same three ways: a new file gets exactly the mode a model file
gets (the umask's, never 0600), a failure while writing keeps the old file
byte for byte with no temporary file left, and a FIFO or a folder at the
target is refused with one line naming the path and is left as it was.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from child_process import AS_FROM_A_TERMINAL
from fault_helpers import assert_one_line_error

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
    "plot_svg",
    "boundary_png",
    "loss_svg",
    "accuracy_csv",
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
    if name.startswith("plot_"):
        from microgui.commands.plot_file import export_plot
        from microgui.hookspecs import Dataset

        data = Dataset(trainer.X, trainer.y, "binary", ("a", "b"), ("0", "1"))
        return Writer(name, lambda p: export_plot(p, trainer, data), f".{name[5:]}")
    window = request.getfixturevalue("make_window")()
    if name in ("boundary_png", "loss_svg", "accuracy_csv"):
        chart, fmt = name.split("_")
        report: list[tuple[str, str, str]] = []
        window.controller.files.finished.connect(lambda *done: report.append(done))

        def export(p: Path) -> None:
            window.controller.files.export_chart_file(chart, str(p), fmt)
            _raise_on_failure(chart, report)

        return Writer(name, export, f".{fmt}")
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


# ------------------------------------------------------------------ microgui train's output files
# (issue 16, items 5-9): settled before any plugin runs or any step is trained.

MARKER_PLUGIN = """\
import os
from pathlib import Path
Path(os.environ["MICROGUI_TEST_MARKER"]).write_text("a plugin was loaded")
"""


@pytest.fixture
def marker(tmp_path, monkeypatch) -> Path:
    """A drop-in that leaves a file when imported: refused runs must stop before it."""
    folder = tmp_path / "marker_plugin"
    folder.mkdir()
    (folder / "marker.py").write_text(MARKER_PLUGIN)
    mark = tmp_path / "plugin-was-loaded"
    monkeypatch.setenv("MICROGUI_TEST_MARKER", str(mark))
    monkeypatch.setenv("MICROGUI_PLUGIN_PATH", str(folder))
    return mark


@pytest.fixture
def session(tmp_path) -> Path:
    path = tmp_path / "s.json"
    save_session_for_resume(path)
    return path


def save_session_for_resume(path: Path) -> None:
    from microgui.cli import main

    assert main(["train", "-q", "--steps", "2", "--layers", "3", "--session", str(path)]) == 0


def _alias(tmp_path: Path, how: str) -> tuple[str, str]:
    real = tmp_path / "x.json"
    if how == "symlink":
        (tmp_path / "alias.json").symlink_to(real)
        return str(real), str(tmp_path / "alias.json")
    if how == "hard link":
        real.write_text("{}")
        os.link(real, tmp_path / "alias.json")
        return str(real), str(tmp_path / "alias.json")
    return str(real), f"{tmp_path}/./x.json"


@pytest.mark.parametrize(
    ("first", "second", "says"),
    [
        ("--save", "--session", "the session would overwrite the model"),
        ("--save", "--plot", "the plot would overwrite the model"),
        ("--session", "--plot", "the plot would overwrite the session"),
        ("--config", "--save", "the model would overwrite the config"),
    ],
)
@pytest.mark.parametrize("how", ["same text", "symlink", "hard link"])
def test_two_outputs_or_an_output_over_an_input_are_refused_before_anything_runs(
    train_cli, tmp_path, marker, first, second, says, how
):
    a, b = _alias(tmp_path, how)
    if first == "--config":
        Path(a).write_text('{"steps": 2}')
    before = Path(a).read_bytes() if Path(a).exists() else None
    line = assert_one_line_error(train_cli(first, a, second, b), f"{first} and {second}", says)
    assert "give each its own file" in line
    assert not marker.exists()  # before plugins load, so before training
    assert (Path(a).read_bytes() if Path(a).exists() else None) == before


def test_resume_then_save_on_the_session_file_is_refused_and_the_session_kept(
    train_cli, session, marker
):
    before = session.read_bytes()
    assert_one_line_error(
        train_cli("--resume", str(session), "--save", str(session)),
        "--resume and --save name the same file",
        "the model would overwrite the session",
    )
    assert session.read_bytes() == before and not marker.exists()
    # --session on the --resume file keeps it up to date, as documented.
    result = train_cli("--resume", str(session), "--steps", "4", "--session", str(session))
    assert result.code == 0, result.err


def _device(tmp_path: Path) -> Path:
    path = tmp_path / "null"
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD")
    return path


@pytest.mark.parametrize("option", ["--save", "--session", "--plot"])
@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda tmp: (os.mkfifo(tmp / "fifo"), tmp / "fifo")[1], "is a FIFO (named pipe)"),
        (_device, "is a device, not a regular file"),
        (lambda tmp: f"{tmp}/nodir/", "names a folder (it ends with a slash)"),
        (lambda tmp: tmp, "is a folder; give a file name"),
        (lambda tmp: tmp / "missing" / "out.json", "the folder"),
    ],
    ids=["fifo", "device", "trailing slash", "folder", "missing folder"],
)
def test_an_output_that_is_not_a_regular_file_is_refused_before_anything_runs(
    train_cli, tmp_path, marker, option, make, says
):
    target = make(tmp_path)
    kind_before = stat.S_IFMT(os.lstat(target).st_mode) if os.path.lexists(target) else None
    line = assert_one_line_error(train_cli(option, str(target)), f"{option} {target}", says)
    assert "Traceback" not in line and not marker.exists()
    if kind_before is not None:
        assert stat.S_IFMT(os.lstat(target).st_mode) == kind_before  # never replaced
    assert not (tmp_path / "nodir").exists()  # no file named after the folder


def _start_run(tmp_path: Path, session: Path, steps: int = 1_000_000) -> subprocess.Popen:
    """A real `microgui train --json` run writing ``session``; returns once it trains."""
    env = dict(os.environ)
    env.update(XDG_CONFIG_HOME=str(tmp_path / "cfg"), XDG_DATA_HOME=str(tmp_path / "data"))
    env.pop("MICROGUI_PLUGIN_PATH", None)
    process = subprocess.Popen(
        [*AS_FROM_A_TERMINAL, "-m", "microgui", "train", "--json", "-q", "--layers", "4"]
        + ["--steps", str(steps), "--session", str(session)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    first = process.stdout.readline()  # the first step's JSON: it is training now
    assert first.startswith("{"), process.stderr.read()
    return process


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_sigterm_sighup_and_sigint_write_the_session_and_leave_nothing_behind(tmp_path, name):
    import signal as signals

    session = tmp_path / "run.json"
    process = _start_run(tmp_path, session)
    process.send_signal(getattr(signals, name))
    _, err = process.communicate(timeout=120)
    number = getattr(signals, name)
    assert process.returncode == 128 + number, err
    verb = "interrupted" if name == "SIGINT" else f"stopped by {name}"
    assert f"microgui train: {verb} after " in err and "session saved to" in err, err
    from engine.session import read_session

    assert read_session(session).steps_done >= 1
    assert leftovers(tmp_path) == [] and sorted(p.name for p in tmp_path.glob(".*")) == []


def test_a_second_run_on_the_same_session_is_refused_while_the_first_runs(train_cli, tmp_path):
    import signal as signals

    session = tmp_path / "shared.json"
    first = _start_run(tmp_path, session)
    try:
        line = assert_one_line_error(
            train_cli("--steps", "2", "--session", str(session)),
            f"--session {session}: another microgui run (process {first.pid})",
            "wait for it to finish or give another --session file",
        )
        assert "Traceback" not in line
    finally:
        first.send_signal(signals.SIGTERM)
        first.communicate(timeout=120)
    assert first.returncode == 128 + signals.SIGTERM
    # The lock ended with the run: the next one may write the session.
    assert train_cli("--steps", "2", "--layers", "4", "--session", str(session)).code == 0
    assert sorted(p.name for p in tmp_path.glob(".*")) == []  # no lock or temp file left
