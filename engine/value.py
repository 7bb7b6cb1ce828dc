"""A scalar value that remembers how it was computed: the autograd node.

This is micrograd's ``Value`` rebuilt for speed while keeping its API
(``from engine import Value`` runs micrograd's README example unchanged).

How it differs inside, and why:

* Each node stores the *local* partial derivatives of its output with
  respect to each parent (``_dprev``, a tuple aligned with ``_prev``),
  computed during the forward pass. Backward is then one generic loop,
  ``parent.grad += node.grad * local``, instead of one closure per node.
  Closures referred back to their own node and made every node part of a
  reference cycle, so micrograd's graphs waited for the cyclic garbage
  collector. Here a node refers only to its parents: when the last
  reference to the root goes, the whole graph is freed at once by
  reference counting.
* An empty derivative tuple means "every local derivative is exactly
  zero" (an inactive ReLU): nothing is sent to the parents, even an
  infinite or NaN upstream gradient (PyTorch's ``where`` semantics).
* A fused node (a whole neuron, see engine.nn) keeps its parents in two
  parts that it shares with other nodes instead of copying: ``_leaves``,
  parents known to be leaves (the neuron's weights and bias, shared by all
  the nodes this neuron makes) with derivatives ``_dleaves`` (the inputs and
  1.0, shared by all the neurons of a layer for one sample), and ``_prev``
  / ``_dprev`` (the layer's inputs and the weights). So a neuron node costs
  one object, and walking the graph skips the weights. ``parents`` and
  ``local_derivatives`` present both parts as one.
* Plain numbers are constants: ``v + 2.0`` makes one node with one parent;
  the 2.0 is folded in, not stored as a node (and not drawn by the graph
  view).
* ``backward()`` walks the graph iteratively, so a chain of a million nodes
  does not hit Python's recursion limit.
* A node whose upstream gradient is exactly 0.0 is skipped in backward
  (its parents receive nothing). PyTorch would add ``0 * local`` there,
  which differs only when ``local`` is infinite or NaN.

Gradient accumulation (as in micrograd and PyTorch): every call of
``root.backward()`` *adds* d(root)/d(node) to ``node.grad`` for every node
of the graph, the root included (its grad grows by 1.0). Call
``zero_grad()`` on the model (or set ``grad = 0.0``) between steps.

Floating-point edge cases follow IEEE 754 like PyTorch instead of raising
Python exceptions, so that training can detect non-finite values:
``log(0) = -inf``, ``log(x < 0) = nan``, ``exp(1000) = inf``,
``x / 0 = ±inf`` (``0 / 0 = nan``), ``0 ** -1 = inf``, ``(-8) ** 0.5 = nan``,
overflow in ``**`` gives ``±inf`` and an int beyond the float range
(``10 ** 400``) is ``inf``. No ``ZeroDivisionError``, ``OverflowError`` or
``ValueError`` comes out of arithmetic.

Local derivatives hold over the whole double range: each is formed so that
no intermediate over- or underflows where the derivative itself does not
(d(a/b)/db is ``-(a/b)/b``, as PyTorch computes it, not ``-a/(b*b)``), and
tanh's and sigmoid's are computed from the input, to a few ulp, where
PyTorch's come from the rounded output and cancel near saturation
(``1 - t*t`` is 1e-8 off at x = 10). ``abs`` passes a zero gradient at 0
and at NaN, like PyTorch. The one difference left is built into storing
derivatives: PyTorch divides the upstream gradient by ``b`` while a node
here multiplies it by ``1/b``, which is ``inf`` for a subnormal ``b``
(|b| < 5.6e-309) even where the quotient would be finite.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence

from engine.ieee import ieee_div, ieee_exp, ieee_float, ieee_log, ieee_pow, stable_sigmoid

__all__ = ["Value", "fused_node", "vsum"]

_tanh = math.tanh
_exp = math.exp

# Shared local-derivative tuples: most nodes have one of these, and sharing
# them saves an allocation per node.
_ONE = (1.0,)
_MINUS_ONE = (-1.0,)
_ONE_ONE = (1.0, 1.0)
_ONE_MINUS_ONE = (1.0, -1.0)
_NO_FLOW = ()


def _as_constant(other: object) -> float | None:
    """A plain real number as float (±inf beyond the float range), or None if not one."""
    if type(other) is float:
        return other
    if isinstance(other, numbers.Real):
        return ieee_float(other)
    return None


class Value:
    """One scalar in a computation graph: its value, gradient and origin.

    Attributes: ``data`` (float), ``grad`` (float, d root / d self after
    ``backward``), ``label`` (free text for display), ``op`` (the operation
    that produced it, "" for a leaf) and ``parents`` (the Values it was
    computed from). A Value built directly with ``_children`` has no local
    derivatives (gradient does not flow through it) unless ``_local`` is
    given.
    """

    # _prev/_dprev: parents (that may have parents of their own) and the
    # local derivatives for them; _leaves/_dleaves: parents known to be
    # leaves, used by fused nodes only (see the module docstring).
    __slots__ = ("_dleaves", "_dprev", "_leaves", "_op", "_prev", "data", "grad", "label")

    def __init__(
        self,
        data: float,
        _children: Iterable[Value] = (),
        _op: str = "",
        label: str = "",
        *,
        _local: Sequence[float] | None = None,
    ) -> None:
        self.data = ieee_float(data)
        self.grad = 0.0
        self.label = label
        self._prev = tuple(_children)
        self._op = _op
        self._leaves = self._dleaves = _NO_FLOW
        if _local is None:
            self._dprev = _NO_FLOW
        else:
            self._dprev = tuple(float(d) for d in _local)
            if len(self._dprev) != len(self._prev):
                raise ValueError(
                    f"_local has {len(self._dprev)} derivatives but there are "
                    f"{len(self._prev)} children; give one per child"
                )

    # -- read-only views for the GUI -------------------------------------
    @property
    def op(self) -> str:
        """The operation that produced this node ("" for a leaf)."""
        return self._op

    @property
    def parents(self) -> tuple[Value, ...]:
        """The nodes this one was computed from (micrograd's ``_prev``)."""
        return self._leaves + self._prev if self._leaves else self._prev

    @property
    def local_derivatives(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each of ``parents``, as computed in the forward pass.

        All zeros where no gradient flows (an inactive ReLU).
        """
        dprev = self._dprev or (0.0,) * len(self._prev)
        if not self._leaves:
            return dprev
        return (self._dleaves or (0.0,) * len(self._leaves)) + dprev

    # The first layout kept one derivative tuple, ``_local``, aligned with
    # ``parents``; code written against it keeps working through this alias.
    _local = local_derivatives

    # -- arithmetic: forward value and local derivatives side by side ----
    def __add__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            return _node(self.data + other.data, (self, other), _ONE_ONE, "+")
        c = _as_constant(other)
        if c is None:
            return NotImplemented
        return _node(self.data + c, (self,), _ONE, "+")

    def __radd__(self, other: float) -> Value:  # other + self
        c = _as_constant(other)
        if c is None:
            return NotImplemented
        return _node(c + self.data, (self,), _ONE, "+")

    def __sub__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            return _node(self.data - other.data, (self, other), _ONE_MINUS_ONE, "-")
        c = _as_constant(other)
        if c is None:
            return NotImplemented
        return _node(self.data - c, (self,), _ONE, "-")

    def __rsub__(self, other: float) -> Value:  # other - self
        c = _as_constant(other)
        if c is None:
            return NotImplemented
        return _node(c - self.data, (self,), _MINUS_ONE, "-")

    def __mul__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            # d(ab)/da = b, d(ab)/db = a
            return _node(self.data * other.data, (self, other), (other.data, self.data), "*")
        c = _as_constant(other)
        if c is None:
            return NotImplemented
        return _node(self.data * c, (self,), (c,), "*")

    def __rmul__(self, other: float) -> Value:  # other * self
        c = _as_constant(other)
        if c is None:
            return NotImplemented
        return _node(c * self.data, (self,), (c,), "*")

    def __truediv__(self, other: Value | float) -> Value:
        a = self.data
        if isinstance(other, Value):
            b = other.data
            out = ieee_div(a, b)
            # d(a/b)/da = 1/b, d(a/b)/db = -a/b², computed as -(a/b)/b like PyTorch:
            # b*b over- or underflows long before a/b² does (a = b = 1e-300).
            local = (ieee_div(1.0, b), ieee_div(-out, b))
            return _node(out, (self, other), local, "/")
        c = _as_constant(other)
        if c is None:
            return NotImplemented
        return _node(ieee_div(a, c), (self,), (ieee_div(1.0, c),), "/")

    def __rtruediv__(self, other: float) -> Value:  # other / self
        c = _as_constant(other)
        if c is None:
            return NotImplemented
        a = self.data
        out = ieee_div(c, a)
        return _node(out, (self,), (ieee_div(-out, a),), "/")  # -(c/a)/a, as in a/b

    def __pow__(self, other: Value | float) -> Value:
        a = self.data
        if isinstance(other, Value):
            b = other.data
            out = ieee_pow(a, b)
            # PyTorch's rules: d/da is 0 where b == 0; d/db is 0 where a == 0 and b >= 0.
            d_base = 0.0 if b == 0.0 else b * ieee_pow(a, b - 1.0)
            d_exp = 0.0 if (a == 0.0 and b >= 0.0) else out * ieee_log(a)
            return _node(out, (self, other), (d_base, d_exp), "**")
        c = _as_constant(other)
        if c is None:
            return NotImplemented
        d_base = 0.0 if c == 0.0 else c * ieee_pow(a, c - 1.0)
        # "**2" rather than "**2.0"; but "**1e+300", not three hundred digits
        exponent = int(c) if c.is_integer() and abs(c) < 1e15 else c
        return _node(ieee_pow(a, c), (self,), (d_base,), f"**{exponent}")

    def __rpow__(self, other: float) -> Value:  # other ** self
        c = _as_constant(other)
        if c is None:
            return NotImplemented
        b = self.data
        out = ieee_pow(c, b)
        d_exp = 0.0 if (c == 0.0 and b >= 0.0) else out * ieee_log(c)
        return _node(out, (self,), (d_exp,), "**")

    def __neg__(self) -> Value:
        return _node(-self.data, (self,), _MINUS_ONE, "neg")

    def __abs__(self) -> Value:
        a = self.data
        sign = 1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0  # 0 at 0 and at NaN, like torch
        return _node(abs(a), (self,), (sign,), "abs")

    # -- activations and elementary functions ----------------------------
    def relu(self) -> Value:
        a = self.data
        if a <= 0.0:
            return _node(0.0, (self,), _NO_FLOW, "ReLU")
        return _node(a, (self,), _ONE, "ReLU")  # NaN passes through, like PyTorch

    def tanh(self) -> Value:
        x = self.data
        # 1 - tanh(x)² = 4e / (1 + e)² with e = exp(-2|x|), from x itself: 1 - t*t from
        # the rounded t cancels as t -> ±1 (1e-8 off at x = 10, and 0 from x = 19 on).
        e = _exp(-2.0 * abs(x))
        return _node(_tanh(x), (self,), (4.0 * e / ((1.0 + e) * (1.0 + e)),), "tanh")

    def sigmoid(self) -> Value:
        x = self.data
        # s(1 - s) = e / (1 + e)² with e = exp(-|x|), from x (1 - s cancels as s -> 1).
        e = _exp(-abs(x))
        return _node(stable_sigmoid(x), (self,), (e / ((1.0 + e) * (1.0 + e)),), "sigmoid")

    def exp(self) -> Value:
        e = ieee_exp(self.data)
        return _node(e, (self,), (e,), "exp")

    def log(self) -> Value:
        a = self.data
        return _node(ieee_log(a), (self,), (ieee_div(1.0, a),), "log")

    # -- backward ----------------------------------------------------------
    def backward(self) -> None:
        """Add d(self)/d(node) to ``node.grad`` for every node of the graph.

        Iterative (no recursion limit). Gradients accumulate across calls;
        intermediate nodes accumulate too, so calling backward twice on the
        same graph gives every node exactly twice the gradient.
        """
        order = _interior_reverse_topological(self)
        if not order:  # a leaf: d self / d self = 1
            self.grad += 1.0
            return
        previous = [node.grad for node in order]
        accumulated = any(previous)
        if accumulated:
            # Propagate this call's gradient alone; add earlier calls back after.
            for node in order:
                node.grad = 0.0
        self.grad = 1.0
        for node in order:
            g = node.grad
            if g == 0.0:
                continue
            # An empty derivative tuple (no gradient flows) is shorter than its
            # parents, so zip must not be strict; and a keyword argument makes
            # zip() ~3x slower to create, which this hottest loop cannot afford.
            for parent, d in zip(node._prev, node._dprev):  # noqa: B905
                parent.grad += g * d
            if node._leaves:
                for parent, d in zip(node._leaves, node._dleaves):  # noqa: B905
                    parent.grad += g * d
        if accumulated:
            for node, g0 in zip(order, previous, strict=True):
                node.grad += g0

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}, grad={self.grad}{label})"

    def _repr_svg_(self) -> str | None:
        """Jupyter draws the graph under this Value inline (None: the text repr instead).

        See engine.graph.repr_svg: needs Graphviz, and skips graphs too big to draw.
        """
        from engine.graph import repr_svg  # engine.graph imports this module

        return repr_svg(self)


_new_value = object.__new__


def _node(data: float, prev: tuple, local: tuple, op: str) -> Value:
    """Make an interior node without the checks of ``Value.__init__`` (hot path)."""
    v = _new_value(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v._prev = prev
    v._dprev = local
    v._leaves = v._dleaves = _NO_FLOW
    v._op = op
    return v


def _split_node(
    data: float, op: str, leaves: tuple, dleaves: tuple, prev: tuple, dprev: tuple
) -> Value:
    """A fused node whose parents are ``leaves + prev`` (shared, not copied).

    Every parent in ``leaves`` must be a leaf: the topological sort skips them.
    """
    v = _new_value(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v._prev = prev
    v._dprev = dprev
    v._leaves = leaves
    v._dleaves = dleaves
    v._op = op
    return v


def fused_node(data: float, parents: Sequence[Value], local: Sequence[float], op: str) -> Value:
    """A node computed outside Value's operators, e.g. a whole neuron or loss.

    ``local[i]`` is d(data)/d(parents[i]); an empty ``local`` means all are
    zero. The caller is responsible for the math (engine.nn and
    engine.losses build their fused nodes the same way).
    """
    parents, local = tuple(parents), tuple(local)
    if local and len(local) != len(parents):
        raise ValueError(f"{len(local)} local derivatives for {len(parents)} parents")
    return _node(float(data), parents, local, op)


def vsum(values: Iterable[Value | float], op: str = "sum") -> Value:
    """Sum as one node, added left to right like ``sum(values)`` on Values.

    Plain numbers are added as constants. The order of additions is exactly
    micrograd's ``sum(...)`` (0 + v0 + v1 + ...), so results match it bit
    for bit; Python's own float ``sum`` may compensate rounding (3.12+).
    """
    total = 0.0
    parents = []
    for v in values:
        if isinstance(v, Value):
            total += v.data
            parents.append(v)
        else:
            c = _as_constant(v)
            if c is None:
                raise TypeError(f"vsum() needs Values or numbers, got {type(v).__name__}")
            total += c
    return _node(total, tuple(parents), _ONE * len(parents), op)


def _interior_reverse_topological(root: Value) -> list[Value]:
    """Nodes with parents reachable from root, children before parents.

    Leaves are left out: backward has nothing to do for them (they only
    receive gradient), and a fused node's ``_leaves`` are not walked at all.
    Iterative depth-first search with an explicit stack of (node, iterator
    over its ``_prev``).

    The neurons of a layer share one ``_prev`` tuple (the layer's inputs)
    for each sample. Once one of them has walked it, every node in it is
    finished (a DAG cannot reach that tuple again from inside it), so the
    others are emitted at once without re-checking each input: the same
    order, a fraction of the work.
    """
    if not (root._prev or root._leaves):
        return []
    order: list[Value] = []
    seen = {root}
    walked: set[int] = set()  # ids of shared _prev tuples already walked
    stack = [(root, iter(root._prev))]
    push = stack.append
    pop = stack.pop
    mark = seen.add
    emit = order.append
    while stack:
        node, parents = stack[-1]
        for p in parents:
            if (p._prev or p._leaves) and p not in seen:
                mark(p)
                inner = p._prev
                if p._leaves:  # a fused node: its _prev may be shared
                    key = id(inner)
                    if key in walked:
                        emit(p)
                        continue
                    walked.add(key)
                push((p, iter(inner)))
                break
        else:
            pop()
            emit(node)
    order.reverse()
    return order
