"""Fixtures shared by the engine's tests."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture
def graphviz():
    """The graphviz package, skipping the test without it or without Graphviz's dot."""
    module = pytest.importorskip("graphviz")
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot program is not installed")
    return module
