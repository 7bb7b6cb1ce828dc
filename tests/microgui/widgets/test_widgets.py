"""The stand-alone widgets: each takes data through setters and shows it."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from microgui.widgets import (
    DecisionBoundaryPlot,
    LayerSizesEditor,
    LossPlot,
    MetricPlot,
    NetworkView,
    ParamForm,
    SpeedControl,
    TrainingStatusBar,
)
from microgui.widgets.boundary_grid import BoundaryGrid
from microgui.widgets.boundary_image import boundary_rgba, grid_index, image_rect
from microgui.widgets.validation import invalid_reason, is_invalid


def _binary_grid(n: int = 40) -> BoundaryGrid:
    xs = np.linspace(-2, 2, n)
    gx, gy = np.meshgrid(xs, xs)
    score = gx + 0.0 * gy  # positive right of x = 0
    return BoundaryGrid(
        kind="binary",
        x_range=(-2.0, 2.0),
        y_range=(-2.0, 2.0),
        field=np.tanh(score),
        outputs=score[..., None],
        classes=(score > 0).astype(int),
    )


def test_boundary_image_colours_follow_the_sign_of_the_output():
    grid = _binary_grid()
    rgba = boundary_rgba(grid)
    assert rgba.ndim == 3 and rgba.shape[2] == 4 and rgba.dtype == np.uint8
    m = rgba.shape[0]
    left, right = rgba[m // 2, 0], rgba[m // 2, -1]
    assert left[0] > left[2], "negative side should be orange (red > blue)"
    assert right[2] > right[0], "positive side should be blue"
    hard = boundary_rgba(grid, discretize=True)
    # Discretized: every pixel on one side has the same colour.
    assert len({tuple(p) for p in hard[:, m // 2 + 10 :].reshape(-1, 4)}) == 1


def test_the_heat_map_is_smooth_not_stair_steps():
    """A 40 x 40 grid is drawn as a ~300-pixel image whose class edge moves at most one
    pixel from row to row: no visible cells at an ordinary plot size."""
    n = 40
    xs = np.linspace(-2, 2, n)
    gx, gy = np.meshgrid(xs, xs)
    score = gx - 0.3 * gy  # an oblique boundary
    grid = BoundaryGrid("binary", (-2.0, 2.0), (-2.0, 2.0), np.tanh(score), score[..., None])
    image = boundary_rgba(grid, discretize=True)
    m = image.shape[0]
    assert image.shape[:2] == (m, m) and m >= 250
    blue = image[..., 2] > image[..., 0]
    edge = np.argmax(blue, axis=1)  # first blue column of each row
    assert np.abs(np.diff(edge)).max() <= 1
    # Corners stay on the samples: image_rect puts the first and last pixel centres there.
    x0, _y0, w, _h = image_rect(grid.x_range, grid.y_range, image.shape)
    assert x0 + w / m / 2 == pytest.approx(-2.0) and x0 + w - w / m / 2 == pytest.approx(2.0)


def test_grid_index_maps_data_coordinates_to_cells():
    grid = _binary_grid(40)
    assert grid_index(grid, -2.0, -2.0) == (0, 0)
    assert grid_index(grid, 2.0, 2.0) == (39, 39)
    step = 4.0 / 39
    assert grid_index(grid, -2.0 + 20 * step + 0.4 * step, -1.99) == (0, 20)
    assert grid_index(grid, 3.0, 0.0) is None


def test_boundary_plot_hover_text_reports_output_and_class(qtbot):
    plot = DecisionBoundaryPlot()
    qtbot.addWidget(plot)
    plot.set_points(np.array([[1.0, 1.0]]), np.array([1.0]), class_names=("red", "blue"))
    plot.set_boundary(_binary_grid())
    text = plot.describe_point(1.5, 0.0)
    assert "x = 1.5 " in text and "class blue" in text
    output = float(text.split("output = ")[1].split()[0])
    assert output == pytest.approx(1.5, abs=0.06)  # nearest sample is within half a step


def test_clicking_a_training_point_emits_its_index(qtbot):
    plot = DecisionBoundaryPlot()
    qtbot.addWidget(plot)
    plot.resize(400, 400)
    plot.show()
    qtbot.waitExposed(plot)
    X = np.array([[-1.0, -1.0], [0.5, 0.5], [1.5, -1.0]])
    plot.set_points(X, np.array([0.0, 1.0, 1.0]))
    plot.set_boundary(_binary_grid())
    plot.set_extent((-2.0, 2.0), (-2.0, 2.0))
    qtbot.wait(50)
    pos = plot.data_to_widget(0.5, 0.5)
    with qtbot.waitSignal(plot.pointClicked, timeout=2000) as blocker:
        qtbot.mouseClick(plot.plot_widget.viewport(), Qt.LeftButton, pos=QPoint(pos.x(), pos.y()))
    assert blocker.args == [1]


def test_draw_mode_turns_clicks_into_add_and_remove_requests(qtbot):
    plot = DecisionBoundaryPlot()
    qtbot.addWidget(plot)
    plot.resize(400, 400)
    plot.show()
    qtbot.waitExposed(plot)
    plot.set_extent((-2.0, 2.0), (-2.0, 2.0))
    plot.set_draw_mode(True)
    qtbot.wait(50)
    pos = plot.data_to_widget(1.0, -1.0)
    point = QPoint(pos.x(), pos.y())
    with qtbot.waitSignal(plot.pointAddRequested, timeout=2000) as added:
        qtbot.mouseClick(plot.plot_widget.viewport(), Qt.LeftButton, pos=point)
    assert added.args[0] == pytest.approx(1.0, abs=0.05)
    assert added.args[1] == pytest.approx(-1.0, abs=0.05)
    with qtbot.waitSignal(plot.pointRemoveRequested, timeout=2000):
        qtbot.mouseClick(plot.plot_widget.viewport(), Qt.RightButton, pos=point)


def test_loss_plot_skips_nan_and_supports_log_scale(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    steps = np.arange(5)
    plot.set_history(steps, np.array([1.0, 0.5, np.nan, 0.2, 0.1]), None, np.full(5, 0.1))
    x, _ = plot.train_curve.getData()
    assert list(x) == [0, 1, 3, 4]
    assert plot.plot_item.vb.viewRange()[1][1] > 0.9  # linear: the axis reaches 1.0
    plot.set_log_scale(True)
    # Drawn in log10: the curve runs 0 .. -1 and the axis follows it.
    np.testing.assert_allclose(plot.train_curve.getData()[1], np.log10([1.0, 0.5, 0.2, 0.1]))
    low, high = plot.plot_item.vb.viewRange()[1]
    assert low < -0.9 and high < 0.5
    assert plot.plot_item.getAxis("left").logMode and plot.plot_item.ctrl.logYCheck.isChecked()
    assert len(plot.lr_curve.getData()[0]) == 5
    plot.set_log_scale(False)
    assert plot.plot_item.vb.viewRange()[1][1] > 0.9
    assert not plot.plot_item.ctrl.logYCheck.isChecked()


def test_metric_plot_pins_accuracy_to_unit_range(qtbot):
    plot = MetricPlot()
    qtbot.addWidget(plot)
    plot.set_history(np.arange(3), np.array([0.2, 0.6, 0.9]), np.array([0.1, 0.5, 0.8]))
    assert plot.plot_item.vb.viewRange()[1][0] == pytest.approx(0.0)
    plot.set_metric_name("R²")
    assert plot.plot_item.getAxis("left").labelText == "R²"
    assert plot.plot_item.vb.viewRange()[1][0] == pytest.approx(-1.0)
    assert len(plot.test_curve.getData()[0]) == 3


def test_network_view_hover_pops_up_the_neurons_activation(qtbot):
    view = NetworkView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    rng = np.random.default_rng(0)
    view.set_weights(
        [
            (rng.normal(size=(3, 2)), np.array([0.5, -0.25, 0.0])),
            (rng.normal(size=(1, 3)), np.zeros(1)),
        ]
    )
    assert view.layer_sizes == [2, 3, 1]
    view.set_neuron_maps([rng.normal(size=(n, 8, 8)) for n in (2, 3, 1)])
    centre = view.node_center(1, 1)
    with qtbot.waitSignal(view.neuronHovered, timeout=2000) as hovered:
        qtbot.mouseMove(view, QPoint(int(centre.x()), int(centre.y())))
    assert hovered.args == [1, 1]
    assert view.popup.isVisible()
    assert view.popup.caption.text().startswith("layer 1, neuron 2\nbias -0.250")
    assert view.popup.image_label.pixmap() is not None
    assert not view.popup.image_label.pixmap().isNull()


def test_layer_editor_keeps_text_and_rows_in_sync(qtbot):
    editor = LayerSizesEditor([16, 16])
    qtbot.addWidget(editor)
    with qtbot.waitSignal(editor.layersChanged) as changed:
        editor.set_text("8, 4, 2")
    assert changed.args == [[8, 4, 2]]
    assert [s.value() for s in editor.spins] == [8, 4, 2]
    editor.spins[1].setValue(6)
    assert editor.text() == "8,6,2"
    editor.add_button.click()
    assert editor.sizes() == [8, 6, 2, 2]
    editor.remove_layer(0)
    assert editor.text() == "6,2,2"
    editor.set_text("6,abc")
    assert not editor.is_valid()
    assert is_invalid(editor.text_edit)
    assert "'abc' is not a whole number" in invalid_reason(editor.text_edit)
    assert editor.sizes() == [6, 2, 2]  # the last valid sizes stay
    editor.set_text("3")
    assert editor.is_valid() and editor.sizes() == [3]


class _Spec:
    def __init__(self, name, kind, default, minimum=None, maximum=None, choices=(), help=""):
        self.name, self.kind, self.default = name, kind, default
        self.minimum, self.maximum, self.choices, self.help = minimum, maximum, choices, help


def test_param_form_builds_one_typed_field_per_spec(qtbot, tmp_path):
    form = ParamForm()
    qtbot.addWidget(form)
    form.set_specs(
        [
            _Spec("n_samples", "int", 100, 10, 500, help="how many"),
            _Spec("noise", "float", 0.1, 0.0, 1.0),
            _Spec("shuffle", "bool", True),
            _Spec("shape", "choice", "b", choices=("a", "b")),
            _Spec("column", "str", "y"),
        ]
    )
    assert form.values() == {
        "n_samples": 100,
        "noise": 0.1,
        "shuffle": True,
        "shape": "b",
        "column": "y",
    }
    form.editors["n_samples"].setValue(10_000)  # clamped to the declared maximum
    assert form.values()["n_samples"] == 500
    form.set_values({"noise": 0.3, "shape": "a"})
    assert form.values()["noise"] == pytest.approx(0.3) and form.values()["shape"] == "a"
    assert form.editors["n_samples"].toolTip() == "how many"


def test_param_form_path_field_must_name_an_existing_file(qtbot, tmp_path):
    form = ParamForm()
    qtbot.addWidget(form)
    form.set_specs([_Spec("path", "path", "")])
    assert not form.is_valid()
    existing = tmp_path / "data.csv"
    existing.write_text("x,y\n1,2\n")
    form.set_values({"path": str(existing)})
    assert form.is_valid()
    form.set_values({"path": str(tmp_path / "missing.csv")})
    assert not form.is_valid()
    assert "no file at" in invalid_reason(form.editors["path"].line_edit)


def test_status_bar_and_speed_control(qtbot):
    bar = TrainingStatusBar()
    qtbot.addWidget(bar)
    bar.set_stats(42, 123.4, 5678, 0.0081)
    assert bar.step_label.text() == "step 42"
    assert "123.4" in bar.rate_label.text()
    assert "5,678" in bar.nodes_label.text()
    assert "8.1 ms" in bar.time_label.text()
    bar.set_message("diverged", error=True)
    assert bar.message() == "diverged"
    speed = SpeedControl()
    qtbot.addWidget(speed)
    with qtbot.waitSignal(speed.speedChanged) as changed:
        speed.set_speed(10)
    assert changed.args == [10.0]
    speed.set_speed(0)
    assert speed.speed() == 0.0


def test_chart_ranges_change_rarely():
    from microgui.widgets.sticky_range import StickyRange, step_range

    assert step_range(0) == (0.0, 50.0)
    assert step_range(100) == (0.0, 100.0)
    assert step_range(101) == (0.0, 200.0)
    sticky = StickyRange()
    first = sticky.update(np.array([1.0, 0.5]), from_zero=True)
    assert first[0] == 0.0 and first[1] > 1.0
    assert sticky.update(np.array([1.0, 0.1]), from_zero=True) is None  # fits: no rebuild
    assert sticky.update(np.array([2.0]), from_zero=True) is not None  # left the range
    assert sticky.update(np.array([0.01, 0.02]), from_zero=True) is not None  # shrink
    assert StickyRange().update(np.array([-3.0, -1.0]))[0] < -3.0  # log10 values


def test_a_status_bar_notice_outlives_ordinary_messages_but_not_errors(qtbot):
    bar = TrainingStatusBar()
    qtbot.addWidget(bar)
    bar.set_message("Ready")
    bar.show_notice("Steps: 0 is out of range", ms=200)
    bar.set_message("Running: loss 0.5")  # the run summary must not wipe it
    assert bar.message() == "Steps: 0 is out of range" and bar.notice_active()
    qtbot.waitUntil(lambda: not bar.notice_active(), timeout=5000)
    assert bar.message() == "Running: loss 0.5"  # the newest ordinary message comes back
    bar.show_notice("Seed: -1 is out of range", ms=60_000)
    bar.set_message("diverged at step 3", error=True)  # an error is never held back
    assert bar.message() == "diverged at step 3" and not bar.notice_active()


STRICT_SPIN_REFUSALS = {  # typed -> the message, in full
    "-3": "Count: -3 is out of range; use a whole number from 0 to 1,000 (kept 7)",
    "2.5": "Count: 2.5 is not a whole number; use a whole number from 0 to 1,000 (kept 7)",
    "1e3": "Count: 1e3 is not written as a whole number (type 1000); use a whole number "
    "from 0 to 1,000 (kept 7)",
    "5000": "Count: 5000 is out of range; use a whole number from 0 to 1,000 (kept 7)",
    "abc": "Count takes numbers only; use a whole number from 0 to 1,000",
}


@pytest.mark.parametrize("text", list(STRICT_SPIN_REFUSALS))
def test_strict_spin_box_reverts_a_bad_number_instead_of_misreading_it(qtbot, text):
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    from microgui.widgets.strict_spin import StrictSpinBox

    holder = QWidget()
    qtbot.addWidget(holder)
    spin = StrictSpinBox()
    spin.setRange(0, 1000)
    spin.setValue(7)
    spin.setAccessibleName("Count")
    messages = []
    spin.valueRejected.connect(messages.append)
    layout = QVBoxLayout(holder)
    layout.addWidget(spin)
    layout.addWidget(QLineEdit())
    holder.show()
    qtbot.waitExposed(holder)
    holder.activateWindow()
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key_Return)
    assert spin.value() == 7
    assert set(messages) == {STRICT_SPIN_REFUSALS[text]}  # "abc": once per refused key
    messages.clear()
    spin.selectAll()
    qtbot.keyClicks(spin, "12")
    qtbot.keyClick(spin, Qt.Key_Return)
    assert spin.value() == 12
    assert messages == []  # a good number is not refused


def test_layer_text_messages_name_the_problem():
    from microgui.widgets.layer_sizes_editor import parse_layer_text

    assert parse_layer_text("16, 8") == ([16, 8], "")
    assert "size 2 is empty" in parse_layer_text("16,,16")[1]
    assert "1..512" in parse_layer_text("-4")[1]
    assert "not a whole number" in parse_layer_text("4.5")[1]
