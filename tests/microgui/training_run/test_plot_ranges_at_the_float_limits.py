"""The boundary plot's ranges for data near the float limits: finite, drawable, unchanged
for ordinary data.

Data spanning more than the largest float gave the range [-inf, inf]
(pyqtgraph raised "Cannot set range"); subnormal data (~1e-323) gave a width
whose pixels per unit overflowed (Qt crashed with a segmentation fault on
``microgui train --plot``; the window raised in every paint).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from microgui.training_run.boundary_compute import EXTENT_MARGIN, plane_domain, plot_extent

BIG = sys.float_info.max


def drawable(extent: tuple[float, float], data: np.ndarray) -> None:
    lo, hi = extent
    assert np.isfinite([lo, hi, hi - lo]).all(), extent
    middle = lo / 2 + hi / 2
    assert hi - lo >= max(2e-300, abs(middle) * 2e-12) * (1 - 1e-9), extent
    assert lo <= float(np.min(data)) / 2 + float(np.max(data)) / 2 <= hi  # centred on the data


@pytest.mark.parametrize(
    "data",
    [
        [-1.7e308, 1.7e308],
        [-BIG, BIG, 0.0],
        [1.7e308, 1.79e308],
        [-1.79e308, -1.79e308],
        [0.0, 5e-324, 4.4e-323],
        [1e300, 1e300],
        [-1e-310, 1e-310],
    ],
)
def test_data_near_the_float_limits_gets_a_drawable_range(data):
    data = np.array(data)
    drawable(plot_extent(data), data)
    table = np.column_stack([data, data[::-1] * 0.5])
    x_range, y_range = plane_domain(table)
    drawable(x_range, table[:, 0])
    drawable(y_range, table[:, 1])


def test_the_widest_drawable_range_still_holds_data_up_to_a_quarter_of_the_largest_float():
    data = np.array([-4e307, 4e307])
    lo, hi = plot_extent(data)
    assert lo <= -4e307 and hi >= 4e307


def test_ordinary_data_keeps_its_margin_bit_for_bit():
    rng = np.random.default_rng(5)
    for _ in range(500):
        column = rng.normal(size=rng.integers(1, 30)) * 10.0 ** rng.uniform(-8, 8)
        lo, hi = float(column.min()), float(column.max())
        pad = (hi - lo) * EXTENT_MARGIN or 1.0
        assert plot_extent(column) == (lo - pad, hi + pad)


@pytest.mark.parametrize("scale", [5e-324, 1.7e308 / 4.5])
def test_plotting_data_near_the_float_limits_writes_the_figure(tmp_path, scale):
    data = tmp_path / "extreme.csv"
    rows = "".join(f"{(k - 4.5) * scale!r},{k % 2}\n" for k in range(10))
    data.write_text("x,label\n" + rows, encoding="utf-8")
    plot = tmp_path / "plot.png"
    done = subprocess.run(
        [sys.executable, "-m", "microgui", "train", "--dataset", "csv", "--dataset-param",
         f"path={data}", "--layers", "3", "--steps", "3", "--quiet", "--plot", str(plot)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert plot.stat().st_size > 10_000


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("task", ["binary", "regression"])
def test_a_thumbnail_of_data_near_the_largest_float_spreads_its_points(task):
    from microgui.widgets.dataset_thumbnail import thumbnail_rgba

    X = np.array([[-1.7e308], [0.0], [1.7e308]])  # its span overflowed: every dot at one pixel
    y = np.array([0, 1, 0]) if task == "binary" else np.array([-1.7e308, 0.0, 1.7e308])
    image = thumbnail_rgba(X, y, task)
    drawn_columns = np.flatnonzero(
        (image[..., 3] > 0).any(axis=0) & (image[..., :3] < 200).any(axis=(0, 2))
    )
    assert drawn_columns.max() - drawn_columns.min() > image.shape[1] // 2
