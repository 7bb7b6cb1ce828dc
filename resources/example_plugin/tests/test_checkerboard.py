"""Tests of the example plugin: run them with `python -m pytest tests` after `pip install -e .`."""

import numpy as np
from microgui_example_plugin import generate_checkerboard

from microgui.plugin_host import load_plugins


def test_microgui_finds_the_plugin_through_its_entry_point():
    registry = load_plugins()
    assert "checkerboard" in registry.datasets
    (report,) = [r for r in registry.reports if "checkerboard" in r.dataset_ids]
    assert report.source == "package" and report.status == "ok", report


def test_generate_is_valid_and_deterministic():
    registry = load_plugins()
    first = registry.generate("checkerboard", {"n_samples": 300, "cells": 4}, seed=7)
    again = registry.generate("checkerboard", {"n_samples": 300, "cells": 4}, seed=7)
    assert first.X.shape == (300, 2) and first.task == "binary"
    np.testing.assert_array_equal(first.X, again.X)
    np.testing.assert_array_equal(first.y, again.y)


def test_labels_alternate_like_a_checkerboard():
    data = generate_checkerboard({"n_samples": 500, "cells": 2, "noise": 0.0}, seed=0)
    same_sign = data.X[:, 0] * data.X[:, 1] > 0
    # With 2 x 2 squares, the diagonal squares (same sign) share a colour.
    assert np.all(data.y[same_sign] == 0.0)
    assert np.all(data.y[~same_sign] == 1.0)
