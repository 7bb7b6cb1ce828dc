"""`microgui --offscreen --screenshot`: the real app path, in process."""

from __future__ import annotations

import argparse

import pytest
from PySide6.QtGui import QImage

from microgui.app import initial_config, run_gui
from microgui.window.main_window import DEFAULT_SIZE


def _args(**values):
    base = dict(
        offscreen=True,
        screenshot=None,
        preset=None,
        steps=None,
        dataset=None,
        layers=None,
        plugins_dir=None,
    )
    base.update(values)
    return argparse.Namespace(**base)


def test_command_line_options_make_the_initial_config():
    assert initial_config(_args()) is None
    demo = initial_config(_args(preset="micrograd-demo"))
    assert demo.lr == 1.0 and demo.schedule == "linear" and demo.loss == "hinge"
    custom = initial_config(_args(dataset="circles", layers="8,4", steps=50_000))
    assert custom.dataset == "circles" and custom.layers == (8, 4)
    assert custom.steps == 50_000  # the run is at least as long as the steps asked for


def test_a_bad_option_exits_2(capsys):
    assert run_gui(_args(layers="abc")) == 2
    assert "layers" in capsys.readouterr().err


@pytest.mark.slow
def test_screenshot_of_the_whole_window_after_training(qtbot, tmp_path):
    path = tmp_path / "window.png"
    code = run_gui(_args(screenshot=str(path), preset="micrograd-demo", steps=3))
    assert code == 0
    image = QImage(str(path))
    assert not image.isNull()
    assert (image.width(), image.height()) == DEFAULT_SIZE
    # Not a blank grab: the picture has many distinct colours (plots, heat map, text).
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 50
