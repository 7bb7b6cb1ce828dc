"""Scalar math with IEEE 754 results instead of Python exceptions.

Python's float and math functions raise where IEEE arithmetic (and
PyTorch) return a special value: ``1.0 / 0.0`` raises ZeroDivisionError,
``math.log(0.0)`` and ``math.pow(-8.0, 0.5)`` raise ValueError,
``math.exp(1000.0)`` raises OverflowError, and ``float(10 ** 400)`` raises
OverflowError although IEEE rounds it to ``inf``. These helpers return what
C99 Annex F and PyTorch return: ``±inf``, ``-inf`` or ``nan``. The happy
path costs one ``try``, which is free in CPython 3.11+.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["ieee_div", "ieee_exp", "ieee_float", "ieee_log", "ieee_pow", "stable_sigmoid"]

_INF = math.inf
_NAN = math.nan
_exp = math.exp
_log = math.log


def ieee_float(x: numbers.Real | str) -> float:
    """float(x); ±inf for a number beyond the float range (a huge int or Fraction).

    Python raises OverflowError there; IEEE 754 rounds a finite value too
    large for a double to ±inf, as ``float("1e999")`` already does.
    """
    try:
        return float(x)
    except OverflowError:
        return _INF if x > 0 else -_INF


def ieee_div(x: float, y: float) -> float:
    """x / y with IEEE results for y == 0 (±inf, or nan for 0/0 and nan/0)."""
    try:
        return x / y
    except ZeroDivisionError:
        if x != x or x == 0.0:
            return _NAN
        return math.copysign(_INF, x) * math.copysign(1.0, y)


def _is_odd_integer(y: float) -> bool:
    return math.isfinite(y) and y == math.floor(y) and math.fmod(y, 2.0) != 0.0


def ieee_pow(x: float, y: float) -> float:
    """x ** y with C99/IEEE results where Python's math.pow raises."""
    try:
        return math.pow(x, y)
    except OverflowError:
        return -_INF if (x < 0.0 and _is_odd_integer(y)) else _INF
    except ValueError:
        if x == 0.0:  # zero to a negative power: a pole
            return math.copysign(_INF, x) if _is_odd_integer(y) else _INF
        return _NAN  # negative base, non-integer exponent


def ieee_exp(x: float) -> float:
    """e ** x; inf on overflow."""
    try:
        return _exp(x)
    except OverflowError:
        return _INF


def ieee_log(x: float) -> float:
    """Natural log; -inf at ±0, nan below 0."""
    try:
        return _log(x)
    except ValueError:
        return -_INF if x == 0.0 else _NAN


def stable_sigmoid(x: float) -> float:
    """1 / (1 + e ** -x) without overflow (two branches: exp(-|x|) <= 1)."""
    if x >= 0.0:
        return 1.0 / (1.0 + _exp(-x))
    e = ieee_exp(x)
    return e / (1.0 + e)
