"""The ``op`` each operation records: the graph view prints it in every node's box.

micrograd 0.1.0 names its own ops ("+", "*", "**k", "ReLU") and these must
match it; the ops micrograd builds from others (``-``, ``/``, ``neg``) and
engine's additions each get their own name, so a node says what computed it.
"""

from __future__ import annotations

import pytest

from engine import Value
from engine.value import vsum

micrograd_engine = pytest.importorskip("micrograd.engine")


@pytest.mark.parametrize(
    ("build", "op"),
    [
        (lambda a, b: a + b, "+"),
        (lambda a, b: a * b, "*"),
        (lambda a, b: a**2, "**2"),
        (lambda a, b: a.relu(), "ReLU"),
        (lambda a, b: b.relu(), "ReLU"),  # inactive: another branch
    ],
)
def test_micrograd_ops_are_named_as_micrograd_names_them(build, op):
    ours = build(Value(1.5), Value(-2.0))
    theirs = build(micrograd_engine.Value(1.5), micrograd_engine.Value(-2.0))
    assert ours.op == theirs._op == op


@pytest.mark.parametrize(
    "build",
    [lambda a: a + 2.0, lambda a: 2.0 + a, lambda a: a * 2.0, lambda a: 2.0 * a],
)
def test_with_a_constant_operand_the_op_is_micrograds_too(build):
    # micrograd wraps the constant in a Value; engine folds it in, under the same name
    ours, theirs = build(Value(1.5)), build(micrograd_engine.Value(1.5))
    assert ours.op == theirs._op and ours.data == theirs.data


OWN_OPS = {
    "-": [lambda a, b: a - b, lambda a, b: a - 1.0, lambda a, b: 1.0 - a],
    "/": [lambda a, b: a / b, lambda a, b: a / 3.0, lambda a, b: 3.0 / a],
    "**": [lambda a, b: a**b, lambda a, b: 2.0**a],
    "neg": [lambda a, b: -a],
    "abs": [lambda a, b: abs(a)],
    "sin": [lambda a, b: a.sin()],
    "exp": [lambda a, b: a.exp()],
    "log": [lambda a, b: a.log()],
    "tanh": [lambda a, b: a.tanh()],
    "sigmoid": [lambda a, b: a.sigmoid()],
    "sum": [lambda a, b: vsum([a, b])],
}


@pytest.mark.parametrize(
    ("op", "build"), [(op, build) for op, builds in OWN_OPS.items() for build in builds]
)
def test_every_other_operation_records_its_own_name(op, build):
    assert build(Value(1.5), Value(-2.0)).op == op


def test_an_integer_exponent_is_written_as_an_integer_below_1e15_and_as_a_float_from_there():
    # "**2" like micrograd's "**2" (not "**2.0"), but never fifteen digits and more.
    assert (Value(1.0) ** (1e15 - 1)).op == "**999999999999999"
    assert (Value(1.0) ** 1e15).op == f"**{1e15}"
    assert (Value(1.0) ** -3.0).op == "**-3"
    assert (Value(1.0) ** 0.5).op == "**0.5"


def test_vsum_takes_the_name_it_is_given():
    assert vsum([Value(1.0), 2.0], op="batch").op == "batch"


def test_the_repr_is_micrograds_and_names_the_label_only_when_there_is_one():
    theirs = micrograd_engine.Value(2.5)
    theirs.grad = 0.0  # micrograd starts from the int 0, engine from 0.0
    assert repr(Value(2.5)) == repr(theirs)
    assert repr(Value(2.5, label="w")) == "Value(data=2.5, grad=0.0, label='w')"


def test_vsum_names_the_type_it_cannot_add():
    with pytest.raises(TypeError, match="got str"):
        vsum([Value(1.0), "2"])


def test_a_computed_node_starts_without_a_label():
    # labels name parameters and inputs; an interior node has none until given one
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    for node in (a + b, a * b, a.tanh(), a.relu(), a**2, vsum([a, b])):
        assert node.label == ""
        assert "label" not in repr(node)
