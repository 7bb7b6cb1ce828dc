"""The boundary plot can ring the training samples whose loss is above 0 (issue 12, point 3)."""

from __future__ import annotations

import numpy as np
from engine_oracle import scalar_mlp
from window_fixtures import WAIT_MS

from engine import Value
from engine.losses import LOSSES
from microgui.widgets.boundary_plot import DecisionBoundaryPlot


def test_marks_follow_the_losses_and_the_toggle(qtbot):
    plot = DecisionBoundaryPlot()
    qtbot.addWidget(plot)
    xy = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5], [-1.0, 0.3]])
    plot.set_points(xy, np.array([0, 1, 0, 1]))
    plot.set_sample_losses(np.array([0.0, 0.5, 0.0, 2.0]))
    assert plot.marked_points().tolist() == []  # off until asked for
    plot.set_mark_losses(True)
    assert plot.marked_points().tolist() == [1, 3]
    np.testing.assert_array_equal(np.column_stack(plot.loss_marks.getData()), xy[[1, 3]])
    plot.set_sample_losses(np.zeros(4))
    assert len(plot.loss_marks.getData()[0]) == 0
    plot.set_sample_losses(np.ones(3))  # the losses of another split: no marks
    assert plot.marked_points().tolist() == []


def test_in_the_window_the_ringed_points_are_those_the_engine_gives_a_loss(qtbot, make_window):
    window = make_window(test_fraction=0.0, lr=1.0)
    controller, boundary = window.controller, window.view.boundary
    controller.start(until_step=60)  # by then some samples are beyond the margin
    qtbot.waitUntil(
        lambda: controller.snapshot.step == 60 and controller.snapshot.state == "paused",
        timeout=WAIT_MS,
    )
    window.actions.mark_losses.trigger()  # View > Mark samples with loss > 0
    model = scalar_mlp(controller.snapshot.weights)
    data = controller.data
    expected = [
        i
        for i, (x, y) in enumerate(zip(data.X_train, data.y_train, strict=True))
        if LOSSES["hinge"]([model([Value(float(v)) for v in x])], [1.0 if y > 0.5 else -1.0]).data
        > 0
    ]
    assert 0 < len(expected) < len(data.y_train)
    assert boundary.marked_points().tolist() == expected
    window.actions.mark_losses.trigger()
    assert boundary.marked_points().tolist() == []
