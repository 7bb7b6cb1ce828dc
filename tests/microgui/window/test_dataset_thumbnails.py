"""The dataset chooser shows each dataset's points, drawn off the GUI thread."""

from __future__ import annotations

import threading

import numpy as np
from window_fixtures import WAIT_MS

from microgui.widgets.colors import class_rgb
from microgui.widgets.dataset_thumbnail import THUMBNAIL_PIXELS, thumbnail_rgba


def _drawn_icon(dc, dataset_id: str) -> bool:
    """The chooser's icon of `dataset_id` shows a picture (not the blank placeholder)."""
    icon = dc.combo.itemIcon(dc.combo.findData(dataset_id))
    image = icon.pixmap(dc.combo.iconSize()).toImage()
    return any(
        image.pixelColor(x, y).alpha() > 0
        for x in range(image.width())
        for y in range(image.height())
    )


def test_every_dataset_shows_a_thumbnail_generated_off_the_gui_thread(
    qtbot, make_window, registry, monkeypatch
):
    threads: list[str] = []
    generate = registry.generate

    def recording_generate(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return generate(*args, **kwargs)

    monkeypatch.setattr(registry, "generate", recording_generate)
    window = make_window()
    dc = window.dataset_controls
    expected = {d for d in registry.datasets if d != "csv"}  # csv has no file yet: no picture
    qtbot.waitUntil(lambda: expected <= set(dc.thumbnails), timeout=WAIT_MS)
    for dataset_id in expected:
        assert _drawn_icon(dc, dataset_id), dataset_id
    assert "csv" not in dc.thumbnails and not _drawn_icon(dc, "csv")
    assert threads and "MainThread" not in threads
    # Each is the dataset's own data at its default parameters and the data seed.
    circles = registry.generate("circles", {}, 0)
    np.testing.assert_array_equal(
        dc.thumbnails["circles"], thumbnail_rgba(circles.X, circles.y, circles.task)
    )


def test_the_current_datasets_thumbnail_follows_its_parameters(qtbot, make_window, registry):
    window = make_window()
    c, dc = window.controller, window.dataset_controls
    noise = dc.params.editors["noise"]
    noise.setValue(0.3)
    qtbot.waitUntil(
        lambda: c.can_train() and c.config.dataset_params.get("noise") == 0.3, timeout=WAIT_MS
    )
    data = registry.generate("moons", c.config.dataset_params, c.config.seed)
    wanted = thumbnail_rgba(data.X, data.y, data.task)
    qtbot.waitUntil(lambda: np.array_equal(dc.thumbnails.get("moons"), wanted), timeout=WAIT_MS)


def test_drawn_points_get_their_thumbnail(qtbot, make_window):
    window = make_window()
    dc = window.dataset_controls
    window.view.draw_toolbar.draw_check.setChecked(True)
    qtbot.waitUntil(lambda: "drawn" in dc.thumbnails, timeout=WAIT_MS)
    assert _drawn_icon(dc, "drawn")


def test_a_thumbnail_shows_the_points_in_the_plots_colours():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    y = np.array([0, 1, 2])
    image = thumbnail_rgba(X, y, "multiclass")
    assert image.shape == (THUMBNAIL_PIXELS, THUMBNAIL_PIXELS, 4)
    colours = {tuple(int(v) for v in p[:3]) for p in image.reshape(-1, 4)}
    assert {class_rgb(0), class_rgb(1), class_rgb(2)} <= colours
    # (0, 0) is bottom left, (1, 1) top right: y goes up, as on the plot.
    bottom_left = image[-10:, :10, :3].reshape(-1, 3)
    assert any(tuple(int(v) for v in p) == class_rgb(0) for p in bottom_left)
    top_right = image[:10, -10:, :3].reshape(-1, 3)
    assert any(tuple(int(v) for v in p) == class_rgb(1) for p in top_right)
    x, target = np.linspace(0, 1, 20)[:, None], np.linspace(-1, 1, 20)
    regression = thumbnail_rgba(x, target, "regression")
    assert (regression[..., :3] != 255).any()
