"""draw_dot and Value._repr_svg_: the graph in Jupyter, drawn by Graphviz, or one clear line."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

import pytest
from micrograd_readme_example import readme_example

import engine.graph
from engine import Value
from engine.graph import SVG_NODE_LIMIT, GraphvizUnavailable, draw_dot, nodes_and_edges, to_dot

SVG = "{http://www.w3.org/2000/svg}"


def neuron_graph():
    """micrograd's trace_graph notebook: a 2-input tanh neuron."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def test_draw_dot_is_a_graphviz_source_of_to_dot(graphviz):
    o = neuron_graph()
    drawing = draw_dot(o)
    assert isinstance(drawing, graphviz.Source)
    assert drawing.source == to_dot(o) and drawing.format == "svg"
    tb = draw_dot(o, format="png", rankdir="TB")
    assert tb.source == to_dot(o, "TB") and tb.format == "png"
    assert tb.pipe()[:8] == b"\x89PNG\r\n\x1a\n"


def test_graphviz_draws_every_value_and_op_with_data_and_grad(graphviz):
    o = neuron_graph()
    svg = ET.fromstring(draw_dot(o).pipe(format="svg", encoding="utf-8"))
    drawn = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "node"]
    nodes, edges = nodes_and_edges(o)
    ops = [n for n in nodes if n.op]
    assert len(drawn) == len(nodes) + len(ops)
    arrows = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "edge"]
    assert len(arrows) == len(edges) + len(ops)
    texts = {t.text.strip() for t in svg.iter(f"{SVG}text") if t.text}
    assert {"x1", "w1", "b", "n", "o", "tanh"} <= texts
    assert f"data {o.data:.4f}" in texts and "grad 1.0000" in texts
    assert f"grad {o.parents[0].grad:.4f}" in texts  # n's gradient, 1 - tanh²


def test_a_value_shows_its_graph_in_jupyter(graphviz):
    _, _, g = readme_example(Value)
    svg = g._repr_svg_()
    assert svg is not None and svg.lstrip().startswith("<?xml")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    drawn = [e for e in root.iter(f"{SVG}g") if e.get("class") == "node"]
    nodes, _ = nodes_and_edges(g)
    assert len(drawn) == len(nodes) + sum(1 for n in nodes if n.op)


def test_a_graph_too_big_to_draw_shows_the_text_repr(graphviz, monkeypatch):
    x = Value(0.5)
    for _ in range(SVG_NODE_LIMIT):
        x = x * 1.0
    assert x._repr_svg_() is None  # 501 nodes: Jupyter falls back to repr()

    def must_not_run(*args, **kwargs):
        raise AssertionError("a big graph must not be handed to dot")

    monkeypatch.setattr(engine.graph, "draw_dot", must_not_run)
    assert x._repr_svg_() is None
    small = Value(1.0) * 2.0
    with pytest.raises(AssertionError, match="must not be handed"):
        small._repr_svg_()


def test_without_the_dot_program_one_line_says_what_to_install(monkeypatch, tmp_path):
    pytest.importorskip("graphviz")
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no dot
    o = neuron_graph()
    with pytest.raises(GraphvizUnavailable) as info:
        draw_dot(o)
    message = str(info.value)
    assert "\n" not in message
    assert "needs Graphviz's dot program on PATH" in message and "apt install graphviz" in message
    with pytest.warns(UserWarning, match="needs Graphviz's dot program"):
        assert o._repr_svg_() is None


def test_without_the_graphviz_package_one_line_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz raises ImportError
    o = neuron_graph()
    with pytest.raises(GraphvizUnavailable, match=r"pip install graphviz") as info:
        draw_dot(o)
    assert "\n" not in str(info.value) and "to_dot" in str(info.value)
    with pytest.warns(UserWarning, match="needs the graphviz Python package"):
        assert o._repr_svg_() is None
