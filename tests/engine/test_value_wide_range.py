"""engine.value over the whole double range: every op against PyTorch float64.

Hypothesis draws inputs from all doubles (subnormals, ±0, 1e±308, inf and
NaN included); value and gradient of every op must equal PyTorch's within
1e-12 relative (below the smallest normal double, 2.2e-308, precision is
absolute). PyTorch runs every operand as a tensor, its most accurate path:
``3.0 / t`` would be ``reciprocal(t) * 3.0`` there, whose gradient
overflows where the derivative does not.

tanh and sigmoid are the exception, on purpose: PyTorch forms their
derivatives from the rounded output (1 - y², (1 - y) y), which cancels near
saturation (1e-8 off at x = 10, and 0 beyond 19, where the derivative is
1e-16), so their gradients are checked against mpmath at 200 bits instead,
and against PyTorch within PyTorch's own rounding.
"""

from __future__ import annotations

import math
import sys
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_value import BINARY_OPS  # the same five ops, here over all doubles

from engine import MLP, Value
from engine.ieee import ieee_float
from engine.losses import bce_with_logits, hinge_loss, l2_penalty, mse_loss

torch = pytest.importorskip("torch")
mpmath = pytest.importorskip("mpmath")

TINY = sys.float_info.min  # the smallest normal double
any_double = st.floats(width=64)  # all of them: subnormals, ±0, ±inf, NaN
finite_double = st.floats(allow_nan=False, allow_infinity=False)


def agrees(ours: float, ref: float, rel: float = 1e-12) -> bool:
    if math.isnan(ref):
        return math.isnan(ours)
    if math.isinf(ref) or math.isinf(ours):
        return ours == ref
    return math.isclose(ours, ref, rel_tol=rel, abs_tol=TINY)


def tensor(x: float, grad: bool = True):
    return torch.tensor(x, dtype=torch.float64, requires_grad=grad)


def const(c: float):
    return torch.tensor(c, dtype=torch.float64)


def run_ours(op, *xs: float) -> tuple[float, list[float]]:
    leaves = [Value(x) for x in xs]
    out = op(*leaves)
    out.backward()
    return out.data, [v.grad for v in leaves]


def run_torch(op, *xs: float) -> tuple[float, list[float]]:
    leaves = [tensor(x) for x in xs]
    out = op(*leaves)
    out.backward()
    return out.item(), [0.0 if t.grad is None else t.grad.item() for t in leaves]


def assert_matches_torch(op, torch_op, *xs: float) -> None:
    value, grads = run_ours(op, *xs)
    ref_value, ref_grads = run_torch(torch_op, *xs)
    assert agrees(value, ref_value), (xs, value, ref_value)
    for k, (g, ref) in enumerate(zip(grads, ref_grads, strict=True)):
        assert agrees(g, ref), (xs, k, g, ref)


@pytest.mark.parametrize("name", sorted(BINARY_OPS))
@settings(max_examples=400, deadline=None)
@given(x=any_double, y=any_double)
@example(x=1e-300, y=1e-300)  # issue 16: d/db was -inf (b*b underflowed), torch -1e300
@example(x=1e300, y=1e200)  # issue 16: d/db was 0 (b*b overflowed), torch -1e-100
@example(x=5e-324, y=-5e-324)
@example(x=-1.7976931348623157e308, y=1e-10)
def test_binary_ops_match_torch_over_all_doubles(name, x, y):
    op = BINARY_OPS[name]
    assert_matches_torch(op, op, x, y)


# Unary ops and ops with a constant: (ours, torch's tensor-operand form).
UNARY_OPS = {
    "neg": (lambda a: -a, lambda a: -a),
    "relu": (lambda a: a.relu(), lambda a: a.relu()),
    "exp": (lambda a: a.exp(), lambda a: a.exp()),
    "log": (lambda a: a.log(), lambda a: a.log()),
    "abs": (lambda a: abs(a), lambda a: abs(a)),
    "add_const": (lambda a: a + 2.5, lambda a: a + const(2.5)),
    "radd_const": (lambda a: 2.5 + a, lambda a: const(2.5) + a),
    "sub_const": (lambda a: a - 1e300, lambda a: a - const(1e300)),
    "rsub_const": (lambda a: 2.5 - a, lambda a: const(2.5) - a),
    "mul_const": (lambda a: a * -1e-200, lambda a: a * const(-1e-200)),
    "rmul_const": (lambda a: 1e200 * a, lambda a: const(1e200) * a),
    "div_const": (lambda a: a / 3e-300, lambda a: a / const(3e-300)),
    "rdiv_const": (lambda a: 3.0 / a, lambda a: const(3.0) / a),
    "rdiv_tiny_const": (lambda a: 1e-300 / a, lambda a: const(1e-300) / a),
    "rpow_const": (lambda a: 1.8**a, lambda a: const(1.8) ** a),
}


@pytest.mark.parametrize("name", sorted(UNARY_OPS))
@settings(max_examples=300, deadline=None)
@given(x=any_double)
@example(x=1e-160)  # 1e-300 / x: -c/(x*x) overflowed to -inf, the derivative is -1e20
@example(x=math.nan)
@example(x=-0.0)
def test_unary_ops_match_torch_over_all_doubles(name, x):
    ours, theirs = UNARY_OPS[name]
    assert_matches_torch(ours, theirs, x)


@settings(max_examples=400, deadline=None)
@given(x=any_double, c=any_double)
@example(x=-8.0, c=1.0 / 3.0)
@example(x=0.0, c=-1.0)
@example(x=1e-310, c=1e-5)
def test_power_with_a_constant_exponent_matches_torch(x, c):
    assert_matches_torch(lambda a: a**c, lambda a: a ** const(c), x)


def test_the_division_examples_of_issue_16():
    _, (_, db) = run_ours(lambda a, b: a / b, 1e-300, 1e-300)
    assert db == pytest.approx(-1e300, rel=1e-15)  # was -inf
    _, (_, db) = run_ours(lambda a, b: a / b, 1e300, 1e200)
    assert db == pytest.approx(-1e-100, rel=1e-15)  # was 0.0


def test_abs_of_nan_passes_a_zero_gradient_like_torch():
    a = Value(math.nan)
    out = abs(a) * 3.0
    out.backward()
    assert math.isnan(out.data) and a.grad == 0.0
    assert run_torch(lambda t: abs(t), math.nan)[1] == [0.0]


# ----------------------------------------------------------- tanh and sigmoid


def mp_tanh_slope(x: float) -> float:
    return float(mpmath.sech(mpmath.mpf(x)) ** 2)


def mp_sigmoid_slope(x: float) -> float:
    e = mpmath.exp(-abs(mpmath.mpf(x)))  # this form keeps its digits where s ~ 1
    return float(e / (1 + e) ** 2)


SATURATING = {
    "tanh": (lambda a: a.tanh(), mp_tanh_slope),
    "sigmoid": (lambda a: a.sigmoid(), mp_sigmoid_slope),
}


@pytest.mark.parametrize("name", sorted(SATURATING))
@settings(max_examples=400, deadline=None)
@given(x=finite_double)
@example(x=10.197158892331458)  # 1 - t*t was 5.1e-9 off in relative terms here
@example(x=20.0)  # 1 - t*t was 0; the derivative is 1.7e-17
@example(x=-40.0)
@example(x=371.0)
def test_tanh_and_sigmoid_gradients_are_exact_and_agree_with_torch(name, x):
    op, exact = SATURATING[name]
    mpmath.mp.prec = 200
    value, (grad,) = run_ours(op, x)
    ref_value, (ref_grad,) = run_torch(op, x)
    assert agrees(value, ref_value), (x, value, ref_value)
    reference = exact(x)
    assert math.isclose(grad, reference, rel_tol=1e-13, abs_tol=TINY), (x, grad, reference)
    # torch's own error is absolute, a few ulp of 1 (it rounds y first, then 1 - y²)
    assert math.isclose(grad, ref_grad, rel_tol=1e-12, abs_tol=1e-15), (x, grad, ref_grad)


@pytest.mark.parametrize("name", sorted(SATURATING))
@pytest.mark.parametrize("x", [math.nan, math.inf, -math.inf])
def test_tanh_and_sigmoid_at_special_values_match_torch(name, x):
    op, _ = SATURATING[name]
    assert_matches_torch(op, op, x)


# ----------------------------------------------------------- chains of ops


CHAINED = {
    "div": lambda a, b: a / b,
    "rdiv": lambda a, b: const(7.5) / b if isinstance(b, torch.Tensor) else 7.5 / b,
    "pow": lambda a, b: abs(a) ** b,
    "log": lambda a, b: abs(a).log(),
    "exp": lambda a, b: a.exp(),
    "mul": lambda a, b: a * b,
}
normal = st.floats(min_value=-1e300, max_value=1e300).filter(lambda v: abs(v) > 1e-300)


@pytest.mark.parametrize("name", sorted(CHAINED))
@settings(max_examples=200, deadline=None)
@given(x=normal, y=normal, g=normal)
def test_gradients_through_an_upstream_factor_match_torch(name, x, y, g):
    # The root scales the op's local derivatives by g, as the rest of a deep graph
    # would. (Inputs stay normal: see engine.value's docstring for subnormal divisors.)
    op = CHAINED[name]
    assert_matches_torch(lambda a, b: op(a, b) * g, lambda a, b: op(a, b) * const(g), x, y)


# ----------------------------------------------------------- finite differences


SMOOTH_OPS = {
    "div": lambda a, b: a / b,
    "rdiv": lambda a, b: 7.0 / b,
    "mul": lambda a, b: a * b,
    "pow": lambda a, b: abs(a) ** 1.5,
    "log": lambda a, b: abs(a).log(),
    "exp": lambda a, b: (a / b).exp(),
}
# (op, a, b, the input to move): points where value and derivative are normal doubles
EXTREME_POINTS = [
    ("div", 1e-300, 1e-300, 0),
    ("div", 1e-300, 1e-300, 1),  # issue 16: d/db was -inf
    ("div", 1e300, 1e200, 1),  # issue 16: d/db was 0
    ("div", -3e-150, 2e-160, 1),
    ("div", 5e150, -7e150, 0),
    ("rdiv", 0.0, 1e-100, 1),
    ("rdiv", 0.0, 3e-154, 1),
    ("rdiv", 0.0, -5e150, 1),
    ("mul", 1e-150, 1e-150, 0),
    ("mul", 1e300, 1e-200, 1),
    ("pow", 1e-200, 0.0, 0),
    ("pow", -1e200, 0.0, 0),
    ("log", 1e-300, 0.0, 0),
    ("log", 1e300, 0.0, 0),
    ("exp", 1e-300, 1e-300, 0),
    ("exp", -7e300, 1e300, 1),
    ("div", 2.5, 0.75, 1),
]


@pytest.mark.parametrize(("name", "x", "y", "which"), EXTREME_POINTS)
def test_gradients_at_extreme_magnitudes_match_finite_differences(name, x, y, which):
    op = SMOOTH_OPS[name]
    value, grads = run_ours(op, x, y)
    point = [x, y]
    h = 1e-6 * abs(point[which])  # a relative step: absolute steps vanish at 1e-300

    def f(t: float) -> float:
        moved = list(point)
        moved[which] = t
        return op(Value(moved[0]), Value(moved[1])).data

    numeric = (f(point[which] + h) - f(point[which] - h)) / (2 * h)
    assert abs(value) >= TINY and abs(numeric) >= TINY and math.isfinite(numeric)
    assert math.isclose(grads[which], numeric, rel_tol=1e-6), (grads[which], numeric)


@pytest.mark.parametrize("x", [-40.0, -15.0, 15.0, 40.0, 300.0])
def test_tanh_and_sigmoid_slopes_far_out_match_finite_differences(x):
    # Far out the slope is tiny but not 0; log(slope) is smooth, so difference log(1 - s)
    # and log(s) rather than s itself, whose digits are all rounded away.
    for op, log_slope in (
        (lambda a: a.sigmoid(), lambda t: -abs(t) - 2 * math.log1p(math.exp(-abs(t)))),
        (
            lambda a: a.tanh(),
            lambda t: math.log(4) - 2 * abs(t) - 2 * math.log1p(math.exp(-2 * abs(t))),
        ),
    ):
        _, (grad,) = run_ours(op, x)
        assert grad > 0.0
        assert math.isclose(math.log(grad), log_slope(x), rel_tol=1e-12)


# ----------------------------------------------------------- losses


@settings(max_examples=200, deadline=None)
@given(
    preds=st.lists(finite_double, min_size=1, max_size=5),
    target=st.floats(min_value=-1e300, max_value=1e300),
)
def test_mse_gradient_matches_torch_at_any_magnitude(preds, target):
    values = [Value(p) for p in preds]
    loss = mse_loss(values, [target] * len(preds))
    loss.backward()
    leaves = torch.tensor(preds, dtype=torch.float64, requires_grad=True)
    ref = torch.nn.functional.mse_loss(leaves, torch.full_like(leaves, target))
    ref.backward()
    assert agrees(loss.data, ref.item())
    for v, g in zip(values, leaves.grad.tolist(), strict=True):
        assert agrees(v.grad, g), (v.data, v.grad, g)


@settings(max_examples=200, deadline=None)
@given(x=st.floats(min_value=-700.0, max_value=700.0), y=st.sampled_from([0.0, 1.0]))
@example(x=40.0, y=1.0)  # sigmoid(40) - 1 rounded to 0 although the loss is 4e-18
@example(x=-40.0, y=0.0)
def test_bce_gradient_is_exact_where_the_loss_is_tiny(x, y):
    mpmath.mp.prec = 200
    s = Value(x)
    loss = bce_with_logits([s], [y])
    loss.backward()
    xm = mpmath.mpf(x)
    # d/dx of log(1 + e^x) - x*y, written without cancellation: sigmoid(x) - y
    exact = -1 / (1 + mpmath.exp(xm)) if y == 1.0 else 1 / (1 + mpmath.exp(-xm))
    assert math.isclose(s.grad, float(exact), rel_tol=1e-13, abs_tol=TINY), (x, y, s.grad)
    if loss.data > 0.0:
        assert s.grad != 0.0  # a loss that is not zero has a slope


def test_l2_penalty_gradient_does_not_overflow_before_the_product():
    p = Value(0.25)
    l2_penalty([p], 1e308).backward()
    leaf = tensor(0.25)
    (const(1e308) * (leaf * leaf)).backward()
    assert p.grad == leaf.grad.item() == 2 * (1e308 * 0.25)


# ----------------------------------------------------------- ints beyond floats


HUGE = 10**400


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        pytest.param(lambda: Value(HUGE), math.inf, id="Value(10**400)"),
        pytest.param(lambda: Value(-HUGE), -math.inf, id="Value(-10**400)"),
        pytest.param(lambda: Value(2.0) + HUGE, math.inf, id="v + 10**400"),
        pytest.param(lambda: HUGE + Value(2.0), math.inf, id="10**400 + v"),
        pytest.param(lambda: Value(2.0) - HUGE, -math.inf, id="v - 10**400"),
        pytest.param(lambda: -HUGE - Value(2.0), -math.inf, id="-10**400 - v"),
        pytest.param(lambda: Value(2.0) * HUGE, math.inf, id="v * 10**400"),
        pytest.param(lambda: -HUGE * Value(2.0), -math.inf, id="-10**400 * v"),
        pytest.param(lambda: Value(2.0) / HUGE, 0.0, id="v / 10**400"),
        pytest.param(lambda: HUGE / Value(2.0), math.inf, id="10**400 / v"),
        pytest.param(lambda: Value(2.0) ** HUGE, math.inf, id="v ** 10**400"),
        pytest.param(lambda: Value(0.5) ** HUGE, 0.0, id="0.5 ** 10**400"),
        pytest.param(lambda: HUGE ** Value(0.5), math.inf, id="10**400 ** v"),
        pytest.param(lambda: Value(Fraction(HUGE, 3)), math.inf, id="Value(Fraction)"),
    ],
)
def test_ints_beyond_the_float_range_are_infinite_not_an_overflow_error(expression, expected):
    out = expression()
    out.backward()  # no exception here either
    assert out.data == expected


def test_ieee_float_rounds_like_ieee_and_keeps_ordinary_numbers():
    assert ieee_float(HUGE) == math.inf and ieee_float(-HUGE) == -math.inf
    assert ieee_float(2**1023) == 2.0**1023  # the largest power of two that fits
    assert ieee_float(3) == 3.0 and ieee_float(Fraction(1, 4)) == 0.25


def test_networks_and_losses_take_huge_ints_without_overflow_error():
    model = MLP(2, [3, 1], seed=1)
    assert model([HUGE, 1]).data in (math.inf, -math.inf) or math.isnan(model([HUGE, 1]).data)
    assert hinge_loss([Value(1.0)], [-HUGE]).data == math.inf
    assert mse_loss([Value(1.0)], [HUGE]).data == math.inf
    assert l2_penalty([Value(1.0)], HUGE).data == math.inf


def test_a_huge_integer_exponent_is_labelled_briefly():
    assert (Value(1.0) ** 1e300).op == "**1e+300"
    assert (Value(1.0) ** 2.0).op == "**2"
