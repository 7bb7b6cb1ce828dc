"""micrograd's README example for every test folder: the text, and the same program as code.

A copy independent of the app's playground preset; the code runs on any Value class (micrograd's,
engine.Value). Importable as ``micrograd_readme_example``
from any test module because tests/conftest.py puts tests/ on sys.path (pytest's default
"prepend" import mode).
"""

from __future__ import annotations

README_EXAMPLE = """a = Value(-4.0)
b = Value(2.0)
c = a + b
d = a * b + b**3
c += c + 1
c += 1 + c + (-a)
d += d * 2 + (b + a).relu()
d += 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g += 10.0 / f"""


def readme_example(value_class):
    """README_EXAMPLE written out as code with `value_class`, backpropagated: (a, b, g).

    Code, not exec() of the text: nothing in this repository runs text as code.
    """
    a = value_class(-4.0)
    b = value_class(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return a, b, g


def micrograd_readme():
    """readme_example on micrograd's own Value: the reference numbers."""
    from micrograd.engine import Value

    return readme_example(Value)
