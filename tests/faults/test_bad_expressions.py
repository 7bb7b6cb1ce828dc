"""Fault matrix, the playground's expression language under hostile input.

Each input must raise ExpressionError whose message says what is not
allowed and whose (line, column, segment) point at the offending part of
the text; and nothing may run: eval, exec, compile, __import__, open,
getattr and os.system are replaced by recorders for the duration, and must
record nothing.
"""

from __future__ import annotations

import ast
import builtins
import math
import os
import threading

import pytest

from microgui.playground.expression_parser import (
    ExpressionError,
    detect_inputs,
    parse_expression,
)

# input -> (what the message says, the text the error points at)
HOSTILE = {
    "__import__('os').system('x')": ("method '.system()' is not allowed", ".system"),
    "a.__class__.__bases__": ("attribute access '.__bases__' is not allowed", ".__bases__"),
    "open('f')": ("calling 'open' is not allowed", "open"),
    "[x for x in y]": ("not allowed: comprehensions", "[x for x in y]"),
    "lambda: 1": ("not allowed: lambda", "lambda: 1"),
    "'str'": ("strings are not allowed", "'str'"),
    "a[0]": ("not allowed: indexing", "a[0]"),
    "import os": ("imports are not allowed", "import os"),
    "from os import system": ("imports are not allowed", "from os import system"),
    "x" * 10_000: ("the text is too long (10000 characters; the limit is 2000)", "x" * 20),
    "(" * 500 + "1" + ")" * 500: ("brackets are nested more than 50 deep", "(" * 20),
    "-" * 500 + "1": ("nested more than 200 levels deep", "-" * 37),
    "exec('1')": ("calling 'exec' is not allowed", "exec"),
    "eval('1')": ("calling 'eval' is not allowed", "eval"),
    "globals()": ("calling 'globals' is not allowed", "globals"),
    "getattr(a, '__class__')": ("calling 'getattr' is not allowed", "getattr"),
    "f'{a}'": ("not allowed: f-strings", "f'{a}'"),
    "(y := 1)": ("not allowed: the walrus operator :=", "y := 1"),
    "__builtins__": ("names starting with '_' are not allowed", "__builtins__"),
    "a = 1\nb = a.__dict__": ("attribute access '.__dict__' is not allowed", ".__dict__"),
    "a = 2\na.relu(open)": (".relu() takes no arguments", "a.relu(open)"),
    "Value('1')": ("Value(...) takes exactly one number", "Value('1')"),
}


class Spy:
    """Replaces dangerous callables with recorders, only inside ``with spy:``.

    Kept to that window so that pytest's own lazy imports do not count, and to
    the thread that entered it: the parser and the Playground evaluate in the
    caller's thread, while a window's background threads (worker, loaders) may
    use numpy meanwhile, whose lazy imports call ``__import__``.
    ``compile`` is recorded unless it only parses (``ast.parse`` calls it with
    PyCF_ONLY_AST, which builds a syntax tree and cannot run anything);
    getattr only for names starting with '_' (``__class__``...), since the
    checker itself reads ``node.lineno`` with getattr.
    """

    def __init__(self) -> None:
        self.calls: list[str] = []
        self._saved: list[tuple[object, str, object]] = []
        self._active = False
        self._thread = threading.get_ident()

    def _recorder(self, name: str, real, when=lambda args, kwargs: True):
        def recorder(*args, **kwargs):
            if self._active and threading.get_ident() == self._thread and when(args, kwargs):
                # No repr() of arbitrary arguments: a module's repr calls getattr again.
                shown = repr(args[0]) if args and isinstance(args[0], str) else "..."
                self.calls.append(f"{name}({shown})")
            return real(*args, **kwargs)

        return recorder

    def _replace(self, owner: object, name: str, when=lambda args, kwargs: True, fake=None) -> None:
        real = getattr(owner, name)
        self._saved.append((owner, name, real))
        shown = name if owner is builtins else f"os.{name}"
        setattr(owner, name, self._recorder(shown, fake or real, when))

    def __enter__(self) -> Spy:
        self._thread = threading.get_ident()
        for name in ("eval", "exec", "__import__", "open", "breakpoint", "input"):
            self._replace(builtins, name)
        self._replace(
            builtins,
            "compile",
            lambda args, kwargs: (
                not kwargs.get("flags", args[3] if len(args) > 3 else 0) & ast.PyCF_ONLY_AST
            ),
        )
        self._replace(
            builtins, "getattr", lambda args, kwargs: len(args) > 1 and str(args[1])[:1] == "_"
        )
        self._replace(os, "system", fake=lambda command: 0)  # never run a shell command
        self._active = True
        return self

    def __exit__(self, *exc_info) -> None:
        self._active = False
        for owner, name, real in reversed(self._saved):
            setattr(owner, name, real)


def refused(text: str, variables: dict | None = None) -> tuple[ExpressionError, list[str]]:
    """The error of parsing ``text`` and what dangerous calls happened meanwhile."""
    spy = Spy()
    try:
        with spy:
            parse_expression(text, variables)
    except ExpressionError as exc:
        return exc, spy.calls
    raise AssertionError(f"{text[:40]!r} was accepted")


def check_points_at(error: ExpressionError, text: str, segment: str) -> None:
    """The error's segment is the offending text, found at its line and column."""
    assert error.segment.removesuffix("...").startswith(segment[:37])
    line = text.splitlines()[error.line - 1]
    assert line[error.column - 1 :].startswith(error.segment.removesuffix("..."))


@pytest.mark.parametrize("text", list(HOSTILE), ids=lambda t: t[:30])
def test_hostile_input_is_refused_and_nothing_runs(text):
    must_say, segment = HOSTILE[text]
    error, calls = refused(text)
    assert calls == []
    assert must_say in str(error)
    assert "\n" not in str(error) and len(str(error)) < 400
    check_points_at(error, text, segment)


@pytest.mark.parametrize("text", list(HOSTILE), ids=lambda t: t[:30])
def test_hostile_input_is_refused_when_only_listing_inputs(text):
    # The window lists the inputs as the user types: that path must refuse too.
    spy = Spy()
    with pytest.raises(ExpressionError), spy:
        detect_inputs(text)
    assert spy.calls == []


def test_hostile_variable_values_are_refused():
    error, calls = refused("a * 2", {"a": "__import__('os')"})
    assert "the value of 'a' must be a number" in str(error)
    assert calls == []


def test_the_spy_does_record():
    # Proof that the spy can fail a test: the same calls made directly are recorded.
    with Spy() as spy:
        eval("1")  # the point of this check
        compile("1", "<text>", "eval")
        os.system("true")
        getattr(spy, "__class__")  # noqa: B009
        __import__("os")
    assert spy.calls == [
        "eval('1')",
        "compile('1')",
        "os.system('true')",
        "getattr(...)",
        "__import__('os')",
    ]


def test_a_valid_expression_still_works_under_the_spy():
    with Spy() as spy:
        result = parse_expression("a = -4.0\nb = 2.0\nc = a * b + b**3\nd = c.relu() + tanh(a)")
    assert spy.calls == []
    assert result.value == pytest.approx(math.tanh(-4.0))
    assert result.gradient("a") == pytest.approx(1 - math.tanh(-4.0) ** 2)
