"""to_dot's escaping, read back by Graphviz itself: every label is drawn as written.

A label or op name may hold any text (a column name from a CSV, a custom op); DOT
gives backslashes, quotes and record punctuation a meaning, so to_dot escapes them.
The reference is Graphviz's own parser: the SVG it draws must show the text.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET

import pytest

from engine import Value
from engine.graph import GraphvizUnavailable, draw_dot, to_dot

SVG_TEXT = "{http://www.w3.org/2000/svg}text"
LABEL = 'a\\b "q" {x}|<y>\nz\\n'  # a backslash, quotes, record punctuation, a newline
OP = 'op\\"\ny\\n'


def drawn_texts(graphviz, root: Value) -> list[str]:
    svg = graphviz.Source(to_dot(root)).pipe(format="svg", encoding="utf-8")
    return [t.text for t in ET.fromstring(svg).iter(SVG_TEXT)]


def test_a_value_label_with_dot_punctuation_is_drawn_as_written(graphviz):
    a = Value(1.5, label=LABEL)
    out = a * 2.0
    out.label = "out"
    texts = drawn_texts(graphviz, out)
    assert LABEL.replace("\n", " ") in texts  # one line: the newline becomes a space
    assert "data 1.5000" in texts and "out" in texts


def test_an_op_name_with_quotes_backslashes_and_a_newline_is_drawn_as_written(graphviz):
    a = Value(1.0, label="a")
    b = Value(2.0, (a,), OP, label="b")
    assert drawn_texts(graphviz, b) == [
        "a",
        "data 1.0000",
        "grad 0.0000",
        OP.replace("\n", " "),
        "b",
        "data 2.0000",
        "grad 0.0000",
    ]


def test_a_bad_rankdir_gets_the_whole_message():
    message = "rankdir must be one of LR, TB, RL, BT, got 'sideways'"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        to_dot(Value(1.0), rankdir="sideways")


def test_without_the_graphviz_package_the_whole_message_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz raises ImportError
    message = (
        "draw_dot needs the graphviz Python package: pip install graphviz (and Graphviz's "
        "dot program); engine.graph.to_dot(value) gives the DOT text without it"
    )
    with pytest.raises(GraphvizUnavailable, match=f"^{re.escape(message)}$"):
        draw_dot(Value(1.0))
