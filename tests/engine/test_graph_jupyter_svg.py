"""Value._repr_svg_ in Jupyter: drawn up to the node limit exactly; a failing dot says so once."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

import engine.graph
import engine.value
from engine import Value
from engine.graph import nodes_and_edges, repr_svg

DOT_ERROR = "Error: <stdin>: syntax error in line 1"


@pytest.fixture
def failing_dot(tmp_path, monkeypatch):
    """A dot program on PATH that refuses its input, as a broken Graphviz install does."""
    pytest.importorskip("graphviz")
    dot = tmp_path / "dot"
    dot.write_text(f'#!/bin/sh\necho "{DOT_ERROR}" >&2\nexit 1\n')
    dot.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))


def chain(nodes: int) -> Value:
    """A graph of exactly ``nodes`` nodes: x * 1.0 * 1.0 ... (a constant factor is no node)."""
    x = Value(0.5)
    for _ in range(nodes - 1):
        x = x * 1.0
    assert len(nodes_and_edges(x)[0]) == nodes
    return x


def test_a_graph_of_exactly_the_limit_is_drawn(graphviz):
    x = chain(5)
    svg = repr_svg(x, limit=5)
    assert svg is not None and "<svg" in svg
    assert repr_svg(x, limit=4) is None


def pointed_at_by(caught: warnings.WarningMessage) -> Path:
    return Path(caught.filename).resolve()


def asked_here(path: Path) -> bool:
    """The line that asked for the picture: this test. Under mutation testing, mutmut's
    trampolines add frames to every call, so the same stack level lands on
    Value._repr_svg_'s line or in mutmut's trampoline module instead."""
    here = {Path(__file__).resolve(), Path(engine.value.__file__).resolve()}
    return path in here or (path.name == "trampoline.py" and "mutmut" in path.parts)


def test_a_dot_that_fails_gives_one_warning_with_its_error_and_no_picture(failing_dot):
    x = Value(2.0, label="x") * 3.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert x._repr_svg_() is None
    assert len(caught) == 1 and caught[0].category is UserWarning
    message = str(caught[0].message)
    assert message.startswith("Graphviz could not draw the graph: Command ")
    assert "returned non-zero exit status 1" in message and DOT_ERROR in message
    assert "\n" not in message
    # Pointed at the caller, not at engine/graph.py: shown once per place that shows a Value.
    assert pointed_at_by(caught[0]) != Path(engine.graph.__file__).resolve()
    assert asked_here(pointed_at_by(caught[0]))


def test_without_graphviz_the_warning_points_at_the_caller(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz raises ImportError
    x = Value(2.0) * 3.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert x._repr_svg_() is None
    assert len(caught) == 1 and "needs the graphviz Python package" in str(caught[0].message)
    assert pointed_at_by(caught[0]) != Path(engine.graph.__file__).resolve()
    assert asked_here(pointed_at_by(caught[0]))
