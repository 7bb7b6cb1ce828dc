"""The boundary plot's plane as the worker draws it: the axes (which features) and a
fixed domain (drawn data keeps its canvas), also while a run goes on."""

from __future__ import annotations

from test_worker import _config, moons
from window_fixtures import WAIT_MS
from worker_events import last_snapshot, running_from, worker

__all__ = ["moons", "worker"]  # fixtures, used here by name


def test_swapping_the_axes_while_training_redraws_and_the_run_goes_on(qtbot, worker, moons):
    w = worker.worker
    w.configure(_config(steps=1_000_000), moons)
    w.start()
    last_snapshot(qtbot, worker, running_from(2))
    assert worker.received[-1].boundary.axes == (0, 1)
    w.set_axes((1, 0))
    qtbot.waitUntil(lambda: worker.received[-1].boundary.axes == (1, 0), timeout=WAIT_MS)
    swapped = next(s for s in worker.received if s.boundary.axes == (1, 0))  # its answer
    assert (swapped.state, swapped.message) == ("running", "")
    assert w.running
    qtbot.waitUntil(lambda: worker.received[-1].step > swapped.step + 2, timeout=WAIT_MS)
    w.pause()


def test_a_fixed_domain_is_the_plane_of_the_next_configure(qtbot, worker, moons):
    w = worker.worker
    canvas = ((-3.0, 5.0), (-2.0, 1.5))
    w.set_domain(canvas)  # no answer of its own: the configure that follows draws on it
    w.configure(_config(), moons)
    qtbot.waitUntil(lambda: bool(worker.received), timeout=WAIT_MS)
    assert len(worker.received) == 1
    boundary = worker.received[0].boundary
    assert (boundary.x_range, boundary.y_range) == canvas
    w.set_domain(None)  # back to the data's own extent
    w.configure(_config(), moons)
    qtbot.waitUntil(lambda: len(worker.received) == 2, timeout=WAIT_MS)
    own = worker.received[1].boundary
    assert own.x_range != canvas[0]
    assert own.x_range[0] < moons.X[:, 0].min() and own.x_range[1] > moons.X[:, 0].max()
