"""engine.graph: topological order, nodes and edges, DOT text."""

from __future__ import annotations

import re

import pytest

from engine import Value
from engine.graph import nodes_and_edges, to_dot, topological_order
from engine.nn import MLP


def small_graph():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    d = c + a  # a reused: a diamond
    d.label = "d"
    e = d * d  # the same parent twice
    e.label = "e"
    return a, b, c, d, e


def test_topological_order_lists_each_node_once_parents_first():
    a, b, c, d, e = small_graph()
    order = topological_order(e)
    assert len(order) == 5
    assert {id(n) for n in order} == {id(n) for n in (a, b, c, d, e)}
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for p in node.parents:
            assert position[id(p)] < position[id(node)]
    assert order[-1] is e


def test_topological_order_of_a_leaf_is_the_leaf():
    x = Value(1.0)
    assert topological_order(x) == [x]


def test_topological_order_of_a_long_chain_is_iterative():
    x = Value(0.0)
    y = x
    for _ in range(50_000):
        y = y + 1.0
    order = topological_order(y)
    assert len(order) == 50_001
    assert order[0] is x and order[-1] is y


def test_nodes_and_edges_match_parents():
    a, b, c, d, e = small_graph()
    nodes, edges = nodes_and_edges(e)
    index = {id(n): i for i, n in enumerate(nodes)}
    expected = {
        (index[id(a)], index[id(c)]),
        (index[id(b)], index[id(c)]),
        (index[id(c)], index[id(d)]),
        (index[id(a)], index[id(d)]),
        (index[id(d)], index[id(e)]),  # d * d gives one edge, as in draw_dot
    }
    assert len(edges) == len(expected)
    assert set(edges) == expected


def test_nodes_and_edges_of_a_fused_mlp_cover_every_parameter():
    model = MLP(2, [3, 1], seed=4)
    out = model([0.5, -1.0])
    nodes, edges = nodes_and_edges(out)
    leaves = [n for n in nodes if not n.parents]
    assert {id(p) for p in model.parameters()} == {id(n) for n in leaves}
    for parent_index, child_index in edges:
        assert nodes[parent_index] in nodes[child_index].parents


NODE_LINE = re.compile(
    r'^\s*(v\d+) \[label="\{ (.*) \| data (\S+) \| grad (\S+) \}", shape=record\];$'
)
OP_LINE = re.compile(r'^\s*(v\d+)_op \[label="(.*)"\];$')
EDGE_LINE = re.compile(r"^\s*(v\d+(?:_op)?) -> (v\d+(?:_op)?);$")


def parse_dot(text):
    records, ops, edges = {}, {}, []
    for line in text.splitlines():
        if m := NODE_LINE.match(line):
            records[m.group(1)] = (m.group(2), float(m.group(3)), float(m.group(4)))
        elif m := OP_LINE.match(line):
            ops[m.group(1)] = m.group(2)
        elif m := EDGE_LINE.match(line):
            edges.append((m.group(1), m.group(2)))
    return records, ops, edges


def test_to_dot_draws_records_ops_and_edges():
    a, _, c, _, e = small_graph()
    e.backward()
    text = to_dot(e)
    assert text.startswith("digraph {") and text.rstrip().endswith("}")
    assert "rankdir=LR;" in text
    records, ops, edges = parse_dot(text)
    _, node_edges = nodes_and_edges(e)
    assert len(records) == 5
    by_label = {label: (data, grad) for label, data, grad in records.values()}
    assert by_label["a"] == (2.0, round(a.grad, 4))
    assert by_label["e"] == (16.0, 1.0)
    assert by_label["c"] == (-6.0, round(c.grad, 4))
    assert sorted(ops.values()) == ["*", "*", "+"]
    # one op -> node edge per op node, one parent -> op edge per graph edge
    assert sum(1 for src, dst in edges if src.endswith("_op")) == 3
    assert sum(1 for src, dst in edges if dst.endswith("_op")) == len(node_edges)
    for src, dst in edges:
        assert src.removesuffix("_op") in records and dst.removesuffix("_op") in records


def test_to_dot_escapes_labels_and_checks_rankdir():
    a = Value(1.0, label='x{1}|<y>"')
    out = a * 2.0
    text = to_dot(out, rankdir="TB")
    assert "rankdir=TB;" in text
    assert r"x\{1\}\|\<y\>\"" in text
    with pytest.raises(ValueError, match="rankdir"):
        to_dot(out, rankdir="sideways")


def test_to_dot_of_hand_built_node_without_op_links_directly():
    a = Value(1.0, label="a")
    b = Value(2.0, (a,), label="b")
    records, ops, edges = parse_dot(to_dot(b))
    assert len(records) == 2 and not ops
    assert edges == [("v0", "v1")]
