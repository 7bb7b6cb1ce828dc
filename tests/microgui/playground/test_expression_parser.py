"""The playground's expression language: exact results, and hostile text that never runs."""

from __future__ import annotations

import ast
import builtins
import contextlib
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from micrograd_readme_example import README_EXAMPLE, micrograd_readme

from microgui.playground.expression_parser import (
    MAX_CHARS,
    MAX_NESTING,
    ExpressionError,
    detect_inputs,
    parse_expression,
)


@contextlib.contextmanager
def no_code_execution():
    """While inside: eval and exec explode, and compile may only build syntax trees."""
    real = builtins.eval, builtins.exec, builtins.compile

    def forbidden(*args, **kwargs):
        raise AssertionError("the parser tried to execute code")

    def ast_only_compile(source, filename, mode, flags=0, *args, **kwargs):
        if not flags & ast.PyCF_ONLY_AST:
            raise AssertionError("the parser compiled text to code")
        return real[2](source, filename, mode, flags, *args, **kwargs)

    builtins.eval, builtins.exec, builtins.compile = forbidden, forbidden, ast_only_compile
    try:
        yield
    finally:
        builtins.eval, builtins.exec, builtins.compile = real


def test_readme_example_matches_micrograd_exactly():
    a, b, g = micrograd_readme()
    with no_code_execution():
        result = parse_expression(README_EXAMPLE)
    assert result.output_name == "g"
    assert result.value == g.data
    # micrograd sums gradient contributions in set order, which varies by a last bit.
    assert result.gradient("a") == pytest.approx(a.grad, rel=1e-14)
    assert result.gradient("b") == pytest.approx(b.grad, rel=1e-14)
    assert f"{result.value:.4f}" == "24.7041"
    assert f"{result.gradient('a'):.4f}" == "138.8338"
    assert f"{result.gradient('b'):.4f}" == "645.5773"


def test_a_single_expression_matches_torch_float64():
    torch = pytest.importorskip("torch")
    result = parse_expression("(a*b + b**3).relu() - a/2", {"a": 1.5, "b": -0.75})
    a = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(-0.75, dtype=torch.float64, requires_grad=True)
    out = torch.relu(a * b + b**3) - a / 2
    out.backward()
    assert result.value == pytest.approx(out.item(), rel=1e-15, abs=0.0)
    assert result.gradient("a") == pytest.approx(a.grad.item(), rel=1e-15)
    assert result.gradient("b") == pytest.approx(b.grad.item(), rel=1e-15)


@pytest.mark.parametrize(
    ("text", "torch_expr"),
    [
        ("tanh(a) * b.sigmoid()", lambda t, a, b: torch_tanh(t, a) * t.sigmoid(b)),
        ("a.exp() + log(b)", lambda t, a, b: t.exp(a) + t.log(b)),
        ("relu(a - b) ** 2 / (1 + b)", lambda t, a, b: t.relu(a - b) ** 2 / (1 + b)),
        ("-a ** 3 + 2 ** b - (+a)", lambda t, a, b: -(a**3) + 2**b - a),
    ],
)
def test_functions_and_operators_match_torch(text, torch_expr):
    torch = pytest.importorskip("torch")
    result = parse_expression(text, {"a": 0.8, "b": 1.7})
    a = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(1.7, dtype=torch.float64, requires_grad=True)
    out = torch_expr(torch, a, b)
    out.backward()
    assert result.value == pytest.approx(out.item(), rel=1e-12)
    assert result.gradient("a") == pytest.approx(a.grad.item(), rel=1e-12)
    assert result.gradient("b") == pytest.approx(b.grad.item(), rel=1e-12)


def torch_tanh(torch, x):
    return torch.tanh(x)


_LEAVES = st.sampled_from(["a", "b", "1.5", "0.5"])


def _expressions(depth: int = 3):
    return st.recursive(
        _LEAVES,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda e: f"tanh({e})"),
            inner.map(lambda e: f"({e}).sigmoid()"),
        ),
        max_leaves=8,
    )


@settings(max_examples=60, deadline=None)
@given(_expressions())
def test_random_expressions_match_torch(text):
    torch = pytest.importorskip("torch")
    namespace = {"tanh": torch.tanh}
    a = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(-1.2, dtype=torch.float64, requires_grad=True)
    # The reference is built by a tiny hand-written translator, not by eval of the text.
    out = _torch_from_text(text, torch, {"a": a, "b": b}, namespace)
    result = parse_expression(text, {"a": 0.3, "b": -1.2})
    assert result.value == pytest.approx(out.item(), rel=1e-12, abs=1e-12)
    if out.requires_grad:
        out.backward()
    for name, tensor in (("a", a), ("b", b)):
        if name in result.inputs:
            expected = tensor.grad.item() if tensor.grad is not None else 0.0
            assert result.gradient(name) == pytest.approx(expected, rel=1e-10, abs=1e-12)


def _torch_from_text(text, torch, names, namespace):
    """Evaluate the test grammar's text with torch by walking its ast (no eval)."""

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return torch.tensor(float(node.value), dtype=torch.float64)
        if isinstance(node, ast.Name):
            return names[node.id]
        if isinstance(node, ast.BinOp):
            left, right = walk(node.left), walk(node.right)
            return {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right}[
                type(node.op)
            ]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return namespace[node.func.id](walk(node.args[0]))
        if isinstance(node, ast.Call):
            return torch.sigmoid(walk(node.func.value))
        raise AssertionError(f"unexpected node {node!r}")

    return walk(ast.parse(text, mode="eval"))


def test_inputs_are_detected_in_order_with_their_literal_defaults():
    assert detect_inputs("x = 2.0\ny = Value(-3)\nz = x * y * w") == {
        "x": 2.0,
        "y": -3.0,
        "w": None,
    }
    assert detect_inputs("(a*b + b**3).relu() - a/2") == {"a": None, "b": None}


def test_variables_override_literal_inputs_and_named_nodes_are_labelled():
    result = parse_expression("a = 2.0\nb = a * 3\nb += 1", {"a": 5.0})
    assert result.value == 16.0
    assert result.inputs["a"].label == "a"
    assert result.names["b"].label == "b'"  # the second node bound to b
    assert result.gradient("a") == 3.0


def test_a_final_bare_expression_is_the_output():
    result = parse_expression("c = a * 2\nc + 1", {"a": 1.0})
    assert result.output_name == "out"
    assert result.value == 3.0


def test_division_by_zero_follows_ieee_instead_of_raising():
    result = parse_expression("a / b", {"a": 1.0, "b": 0.0})
    assert result.value == math.inf


def test_an_input_without_value_is_named():
    with pytest.raises(ExpressionError, match="'q' has no value"):
        parse_expression("q * 2")


HOSTILE = [
    ("__import__('os')", "__import__", 1, "calling '__import__' is not allowed"),
    ("a.__class__", ".__class__", 2, "attribute access '.__class__' is not allowed"),
    ("open('x', 'w')", "open", 1, "calling 'open' is not allowed"),
    ("[x for x in y]", "[x for x in y]", 1, "comprehensions"),
    ("lambda: 1", "lambda: 1", 1, "lambda"),
    ("'str'", "'str'", 1, "strings are not allowed"),
    ("a[0]", "a[0]", 1, "indexing"),
    ("exec(...)", "exec", 1, "calling 'exec' is not allowed"),
    ("import os", "import os", 1, "imports are not allowed"),
    ("a = 1\nb = a.__globals__", ".__globals__", 6, "attribute access"),
    ("__import__('os').system('touch x')", ".system", 17, "method '.system()'"),
    ("(lambda: 0)()", "lambda: 0", 2, "only named functions can be called"),
    ("a if a else a", "a if a else a", 1, "if-expressions"),
    ("a // 2", "a // 2", 1, "the operator // is not supported"),
    ("relu(a, key=1)", "key=1", 9, "keyword arguments"),
    ("_secret = 1", "_secret", 1, "names starting with '_'"),
]


@pytest.mark.parametrize(("text", "segment", "column", "message"), HOSTILE)
def test_hostile_text_is_rejected_pointing_at_the_offending_part(
    text, segment, column, message, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExpressionError) as caught, no_code_execution():
        parse_expression(text, {"a": 1.0, "y": 1.0})
    error = caught.value
    assert message in error.message
    assert error.segment == segment
    assert error.column == column
    assert f"column {column}" in str(error)
    assert list(tmp_path.iterdir()) == []  # open('x', 'w') / touch created nothing


def test_very_long_text_is_rejected_at_the_limit():
    text = "a+" * 4999 + "a"  # 9,999 characters
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text, {"a": 1.0})
    assert f"limit is {MAX_CHARS}" in caught.value.message
    assert caught.value.column == MAX_CHARS + 1


def test_deep_nesting_is_rejected_where_it_gets_too_deep():
    text = "(" * 500 + "a" + ")" * 500
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text, {"a": 1.0})
    assert f"more than {MAX_NESTING} deep" in caught.value.message
    assert caught.value.column == MAX_NESTING + 1


def test_deep_trees_without_brackets_are_rejected_too():
    with pytest.raises(ExpressionError, match="nested more than"):
        parse_expression("-" * 600 + "a", {"a": 1.0})


def test_syntax_errors_give_line_and_column():
    with pytest.raises(ExpressionError) as caught:
        parse_expression("a = 1\nb = a +* 2")
    assert caught.value.line == 2
    assert "syntax error" in caught.value.message


def test_empty_text_asks_for_an_expression():
    with pytest.raises(ExpressionError, match="empty"):
        parse_expression("   \n  ")
