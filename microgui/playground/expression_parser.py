"""Parse a small expression language into engine Values, safely.

The playground lets a user type micrograd-style code such as::

    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    g = (c * d).relu() - a / 2

The text is parsed with :mod:`ast` and checked against a whitelist *before*
anything is computed: numbers, variable names, ``+ - * / **``, unary minus,
and the engine's functions ``relu tanh sigmoid exp log`` written either as
``relu(x)`` or ``x.relu()``. Statements are ``name = expr``, ``name += expr``
(also ``-= *= /=``) and an optional final bare expression. Nothing is ever
passed to ``eval``/``exec``/``compile``: the checked tree is walked by hand
and every operation is an engine ``Value`` operator.

Variables that are assigned a number (``a = -4.0`` or ``a = Value(-4.0)``)
and names used without being assigned are the *inputs*; their values can be
overridden through the ``variables`` argument. The output is the last
assigned name (or the final bare expression).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field

from engine import Value
from microgui.playground.expression_checker import (
    CONSTRUCTOR,
    FUNCTIONS,
    MAX_CHARS,
    MAX_NESTING,
    ExpressionError,
    numeric_literal,
    parse_checked,
)

__all__ = [
    "FUNCTIONS",
    "MAX_CHARS",
    "MAX_NESTING",
    "ExpressionError",
    "ExpressionResult",
    "detect_inputs",
    "parse_expression",
]


@dataclass(frozen=True)
class ExpressionResult:
    """The evaluated graph: output Value (after backward) and its inputs."""

    output: Value
    output_name: str
    inputs: dict[str, Value] = field(default_factory=dict)
    names: dict[str, Value] = field(default_factory=dict)

    @property
    def value(self) -> float:
        """The output's value."""
        return self.output.data

    def gradient(self, name: str) -> float:
        """d output / d input ``name``."""
        return self.inputs[name].grad


class _Evaluator:
    """Computes a checked tree with engine Values (no Python evaluation)."""

    def __init__(self, inputs: dict[str, Value]) -> None:
        self.names: dict[str, Value | float] = dict(inputs)
        self.label_counts: dict[str, int] = {}

    def bind(self, name: str, value: Value | float) -> None:
        if isinstance(value, Value) and not value.label:
            count = self.label_counts.get(name, 0)
            value.label = name + "'" * count
            self.label_counts[name] = count + 1
        self.names[name] = value

    def expr(self, node: ast.expr) -> Value | float:
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return self.names[node.id]
        if isinstance(node, ast.BinOp):
            return _apply_binary(node.op, self.expr(node.left), self.expr(node.right))
        if isinstance(node, ast.UnaryOp):
            operand = self.expr(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        assert isinstance(node, ast.Call)  # the checker allowed nothing else
        if isinstance(node.func, ast.Name) and node.func.id == CONSTRUCTOR:
            return Value(numeric_literal(node.args[0]))
        if isinstance(node.func, ast.Name):
            name, operand = node.func.id, self.expr(node.args[0])
        else:
            name, operand = node.func.attr, self.expr(node.func.value)
        if not isinstance(operand, Value):
            operand = Value(operand)
        return getattr(operand, name)()  # name is one of FUNCTIONS (checked)


def _apply_binary(op: ast.operator, left: Value | float, right: Value | float) -> Value | float:
    if isinstance(op, ast.Add):
        return left + right
    if isinstance(op, ast.Sub):
        return left - right
    if isinstance(op, ast.Mult):
        return left * right
    if isinstance(op, ast.Div):
        if not isinstance(left, Value) and not isinstance(right, Value):
            left = Value(left)  # IEEE division (x/0 = inf) as in the engine
        return left / right
    if not isinstance(left, Value) and not isinstance(right, Value):
        left = Value(left)  # float ** float could raise OverflowError
    return left**right


def detect_inputs(text: str) -> dict[str, float | None]:
    """The inputs of ``text`` in order of appearance, with their default values.

    A name assigned a number has that number as default; a name used
    without being assigned has None. Raises ExpressionError like
    :func:`parse_expression`.
    """
    _, checker = parse_checked(text)
    return dict(checker.inputs)


def parse_expression(text: str, variables: Mapping[str, float] | None = None) -> ExpressionResult:
    """Check ``text``, build its graph of engine Values and run backward.

    ``variables`` gives (or overrides) input values by name. Raises
    ExpressionError (with line, column and the offending segment) for
    anything outside the whitelist or an input without a value; nothing
    is computed before the whole text has been checked.
    """
    variables = dict(variables or {})
    tree, checker = parse_checked(text)

    inputs: dict[str, Value] = {}
    for name, default in checker.inputs.items():
        value = variables.get(name, default)
        if value is None:
            raise ExpressionError(f"'{name}' has no value: give it one (e.g. {name} = 1.0)")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ExpressionError(f"the value of '{name}' must be a number, got {value!r}")
        inputs[name] = Value(float(value), label=name)

    evaluator = _Evaluator(inputs)
    output: Value | float = 0.0
    output_name = "out"
    for position, stmt in enumerate(tree.body):
        if isinstance(stmt, ast.Assign):
            name = stmt.targets[0].id  # type: ignore[attr-defined]
            if position in checker.declarations:
                output, output_name = inputs[name], name
                continue
            output, output_name = evaluator.expr(stmt.value), name
            evaluator.bind(name, output)
        elif isinstance(stmt, ast.AugAssign):
            name = stmt.target.id  # type: ignore[attr-defined]
            current = evaluator.names[name]
            output = _apply_binary(stmt.op, current, evaluator.expr(stmt.value))
            output_name = name
            evaluator.bind(name, output)
        else:
            output, output_name = evaluator.expr(stmt.value), "out"  # type: ignore[attr-defined]
    if not isinstance(output, Value):
        output = Value(output, label=output_name)
    output.backward()
    names = {k: v for k, v in evaluator.names.items() if isinstance(v, Value)}
    return ExpressionResult(output=output, output_name=output_name, inputs=inputs, names=names)
