"""`microgui --offscreen --screenshot`: the real app path, in process."""

from __future__ import annotations

import argparse

import numpy as np
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
        show="training",
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


@pytest.mark.slow
@pytest.mark.parametrize("show", ["graph", "gradients"])
def test_show_opens_the_tab_and_the_screenshot_waits_for_what_a_user_first_sees(
    qtbot, tmp_path, monkeypatch, show
):
    """`microgui --preset micrograd-demo --steps 5 --show graph --screenshot g.png`."""
    import microgui.app as app_module

    seen: dict = {}
    original = app_module._settle_for

    def spy(window, tab):
        settle = original(window, tab)

        def watched(done):
            def check():
                explorer, controller = window.graph_explorer, window.controller
                seen["tab"] = window.tabs.tabText(window.tabs.currentIndex())
                seen["step"] = controller.snapshot.step
                if tab == "graph":
                    seen["settled"] = explorer.is_settled()
                    seen["sample"] = explorer.sample[0]
                    seen["largest"] = int(np.argmax(controller.snapshot.sample_losses))
                    seen["kinds"] = set(explorer.presenter.layout.graph.kinds)
                    seen["tiles_pending"] = explorer.view.edges.pending
                done()

            if settle is None:
                check()
            else:
                settle(check)

        return watched

    monkeypatch.setattr(app_module, "_settle_for", spy)
    path = tmp_path / f"{show}.png"
    code = run_gui(_args(screenshot=str(path), preset="micrograd-demo", steps=5, show=show))
    assert code == 0
    image = QImage(str(path))
    assert (image.width(), image.height()) == DEFAULT_SIZE
    assert seen["step"] == 5
    assert seen["tab"] == {"graph": "Graph", "gradients": "Gradients"}[show]
    if show == "graph":
        # the final weights' largest-loss sample, at neuron level, built and painted
        assert seen["settled"] and seen["sample"] == seen["largest"]
        assert seen["kinds"] == {"node", "neuron", "loss"} and seen["tiles_pending"] == 0


@pytest.mark.slow
def test_the_screenshot_waits_for_a_network_picture_that_is_slow_to_draw(
    qtbot, tmp_path, monkeypatch
):
    # The network is drawn on a background thread; a fixed 200 ms pause sometimes
    # grabbed the window before the picture arrived (an empty network panel).
    import time

    import microgui.widgets.network_render as network_render
    import microgui.window.auto_run as auto_run

    draw = network_render.render_network

    def slow_draw(scene):
        time.sleep(0.8)
        return draw(scene)

    monkeypatch.setattr(network_render, "render_network", slow_draw)
    at_grab: dict = {}
    save = auto_run.save_widget_png

    def spy(window, path, what):
        network = window.view.network
        at_grab["pending"] = network.picture_pending
        image = network.grab().toImage()
        at_grab["colours"] = len(
            {
                image.pixel(x, y)
                for x in range(0, image.width(), 5)
                for y in range(0, image.height(), 5)
            }
        )
        save(window, path, what)

    monkeypatch.setattr(auto_run, "save_widget_png", spy)
    path = tmp_path / "window.png"
    assert run_gui(_args(screenshot=str(path), preset="micrograd-demo", steps=3)) == 0
    assert at_grab["pending"] is False
    assert at_grab["colours"] > 20  # the neurons' maps and the weights' colours, not a blank panel
