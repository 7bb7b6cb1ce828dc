"""Random expression graphs with shared sub-expressions, against PyTorch float64.

Hypothesis draws a few leaves and a list of operations; each operation
reads earlier nodes (any of them, so sub-expressions are reused along
several paths) and appends a new node. The same program runs on engine
Values and on torch tensors; values and gradients of every node must agree
to 1e-9 relative.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine import Value

torch = pytest.importorskip("torch")

# Each op maps (a, b, c) -> a new node; written once for Values and tensors.
# Inputs of log, /, ** are kept inside the domain by construction.
OPS = {
    "add": lambda a, b, c: a + b,
    "sub": lambda a, b, c: a - b,
    "mul": lambda a, b, c: a * b,
    "div": lambda a, b, c: a / (b * b + 1.0),
    "neg": lambda a, b, c: -a,
    "add_const": lambda a, b, c: a + c,
    "rsub_const": lambda a, b, c: c - a,
    "mul_const": lambda a, b, c: c * a,
    "rdiv_const": lambda a, b, c: c / (a * a + 0.5),
    "pow_int": lambda a, b, c: a**2,
    "pow_float": lambda a, b, c: (a * a + 0.25) ** 1.5,
    "pow_value": lambda a, b, c: (a.sigmoid() + 0.5) ** b.tanh(),
    "rpow": lambda a, b, c: 1.7 ** a.tanh(),
    "relu": lambda a, b, c: a.relu(),
    "tanh": lambda a, b, c: a.tanh(),
    "sigmoid": lambda a, b, c: a.sigmoid(),
    "sin": lambda a, b, c: (a * 3.0).sin(),
    "exp": lambda a, b, c: a.tanh().exp(),
    "log": lambda a, b, c: (a * a + 0.1).log(),
    "abs": lambda a, b, c: abs(a),
}

finite = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False, allow_infinity=False)
program = st.tuples(
    st.lists(finite, min_size=1, max_size=4),
    st.lists(
        st.tuples(
            st.sampled_from(sorted(OPS)),
            st.integers(min_value=0, max_value=10_000),
            st.integers(min_value=0, max_value=10_000),
            finite,
        ),
        min_size=1,
        max_size=25,
    ),
)


def run(leaves, steps, make_leaf):
    nodes = [make_leaf(x) for x in leaves]
    for name, i, j, c in steps:
        a = nodes[i % len(nodes)]
        b = nodes[j % len(nodes)]
        nodes.append(OPS[name](a, b, c))
    # The root mixes the last nodes so that most of the graph matters.
    root = nodes[-1]
    for extra in nodes[-4:-1]:
        root = root + extra * 0.5
    return nodes, root


def torch_leaf(x: float):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


@settings(max_examples=150, deadline=None)
@given(program)
def test_random_graphs_match_torch(prog):
    leaves, steps = prog
    nodes, root = run(leaves, steps, Value)
    assume(all(math.isfinite(n.data) and abs(n.data) < 1e8 for n in nodes))
    # Kinks (relu and abs at 0) have no derivative to compare.
    for k, (name, i, _, _) in enumerate(steps):
        if name in ("relu", "abs"):
            assume(nodes[i % (len(leaves) + k)].data != 0.0)
    root.backward()

    tnodes, troot = run(leaves, steps, torch_leaf)
    for t in tnodes:
        if t.requires_grad and not t.is_leaf:
            t.retain_grad()
    troot.backward()

    assert math.isclose(root.data, troot.item(), rel_tol=1e-9, abs_tol=1e-12)
    grads = [n.grad for n in nodes]
    scale = max(1.0, *(abs(g) for g in grads))
    for k, (n, t) in enumerate(zip(nodes, tnodes, strict=True)):
        tg = 0.0 if t.grad is None else t.grad.item()
        assert math.isclose(n.data, t.item(), rel_tol=1e-9, abs_tol=1e-12), k
        assert math.isclose(n.grad, tg, rel_tol=1e-9, abs_tol=1e-12 * scale), (k, n.grad, tg)
