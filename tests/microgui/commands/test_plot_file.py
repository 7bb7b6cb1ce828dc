"""`microgui train --plot`: the window's charts, drawn offscreen, saved by pyqtgraph's exporters."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage
from PySide6.QtSvg import QSvgRenderer

from engine.atomic_write import atomic_path
from engine.config import TrainConfig
from engine.train import Trainer
from microgui.cli import main
from microgui.commands.plot_file import render_plot
from microgui.plugin_host.manager import load_plugins
from microgui.widgets.colors import class_rgb
from microgui.widgets.plot_export import save_plot


@pytest.fixture(scope="module")
def registry():
    return load_plugins(include_default_dirs=False)


def _trained(registry, steps: int = 40, **settings) -> tuple[Trainer, object]:
    config = TrainConfig.from_dict({"steps": steps, **settings})
    data = registry.generate(config.dataset, config.dataset_params, config.seed)
    n_classes = len(data.class_names) if data.task == "multiclass" else None
    trainer = Trainer(config, data.X, data.y, data.task, n_classes)
    trainer.run()
    return trainer, data


def _pixel(report, image: QImage, x: float, y: float) -> QColor:
    """The colour the exported image has at data point (x, y) of the boundary chart."""
    scene = report.boundary.plot_item.vb.mapViewToScene(QPointF(x, y))
    pos = report.widget.mapFromScene(scene)
    return image.pixelColor(pos.x(), pos.y())


def test_plot_writes_png_and_svg_by_the_file_name(qtbot, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("run.png", "run.svg"):
        args = ["train", "--preset", "micrograd-demo", "--steps", "5", "--quiet", "--plot", name]
        code = main(args)
        assert code == 0, capsys.readouterr().err
    image = QImage(str(tmp_path / "run.png"))
    assert (image.width(), image.height()) == (1280, 620)
    svg = QSvgRenderer(str(tmp_path / "run.svg"))
    assert svg.isValid() and (svg.defaultSize().width(), svg.defaultSize().height()) == (1280, 620)
    text = (tmp_path / "run.svg").read_text()
    assert "Decision boundary" in text and "Loss" in text and "Accuracy" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.png", "run.svg"]


def test_plot_refuses_another_format_before_training(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = main(["train", "--preset", "micrograd-demo", "--quiet", "--plot", "run.jpg"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == "microgui train: error: --plot run.jpg: end the file name in .png or .svg\n"
    assert list(tmp_path.iterdir()) == []


def test_regression_colours_are_the_windows(qtbot, registry, tmp_path):
    """Low predictions orange, high ones blue, as the window draws them (the old renderer
    drew low blue and high red)."""
    trainer, data = _trained(registry, 150, dataset="plane", optimizer="adam", lr=0.02)
    report = render_plot(trainer, data)
    path = tmp_path / "plane.png"
    save_plot(report.scene(), path, atomic_path)
    image = QImage(str(path))
    prediction = trainer.predict(trainer.X)[:, 0]
    low, high = trainer.X[np.argmin(prediction)], trainer.X[np.argmax(prediction)]
    # Just outside the data (not on a point): the heat map's own colour there.
    centre = trainer.X.mean(axis=0)
    left = _pixel(report, image, *(low + 0.08 * (low - centre)))
    right = _pixel(report, image, *(high + 0.08 * (high - centre)))
    assert left.red() > left.blue() + 40, left.getRgb()
    assert right.blue() > right.red() + 40, right.getRgb()
    report.close()


def test_class_colours_are_the_windows_also_past_the_fifth_class(qtbot, registry, tmp_path):
    trainer, data = _trained(
        registry, 30, dataset="blobs", dataset_params={"k": 7, "n_samples": 140}, test_fraction=0
    )
    report = render_plot(trainer, data)
    path = tmp_path / "blobs.png"
    save_plot(report.scene(), path, atomic_path)
    image = QImage(str(path))
    X, y = trainer.X_train, trainer.y_train
    checked = set()
    for label in range(7):
        # The point of this class farthest from any other point: its centre pixel is its own.
        mine = np.flatnonzero(y == label)
        gaps = [np.sort(np.hypot(*(X - X[i]).T))[1] for i in mine]
        x, yy = X[mine[int(np.argmax(gaps))]]
        colour = _pixel(report, image, x, yy)
        assert colour.getRgb()[:3] == class_rgb(label), (label, colour.getRgb())
        checked.add(label)
    assert checked == set(range(7))
    report.close()
