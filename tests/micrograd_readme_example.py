"""micrograd's README example for every test folder: the text, and the same code on micrograd.

A copy independent of the app's playground preset. Importable as ``micrograd_readme_example``
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


def micrograd_readme():
    """README_EXAMPLE written out with micrograd's own Value, backpropagated: (a, b, g).

    Code, not exec() of the text: nothing in this repository runs text as code.
    """
    from micrograd.engine import Value

    a = Value(-4.0)
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
    g += 10.0 / f
    g.backward()
    return a, b, g
