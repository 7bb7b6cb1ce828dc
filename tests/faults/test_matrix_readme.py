"""The fault matrix (tests/faults/README.md) and the tests stay in step.

Every row names the test that proves it; a renamed or deleted test must not
leave a row pointing at nothing (the row would then be proven by nothing).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MATRIX = ROOT / "tests" / "faults" / "README.md"
NODE_ID = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
SAME_FILE = re.compile(r"`::(\w+)`")


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def test_every_test_the_matrix_names_exists():
    text = MATRIX.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("|")]
    named, missing = 0, []
    for row in rows:
        last_file = None
        for match in re.finditer(rf"{NODE_ID.pattern}|{SAME_FILE.pattern}", row):
            file, name = (match.group(1), match.group(2)) if match.group(1) else (None, None)
            if file is None:  # "`::other_test`" continues the file named before it
                file, name = last_file, match.group(3)
            last_file = file
            named += 1
            path = ROOT / file
            if not path.is_file() or name not in _test_functions(path):
                missing.append(f"{file}::{name}")
    assert named > 80, f"only {named} tests named: the matrix format changed?"
    assert missing == [], f"rows name tests that do not exist: {missing}"


def test_every_fault_module_appears_in_the_matrix():
    text = MATRIX.read_text(encoding="utf-8")
    patterns = (("tests/faults", "test_bad_*.py"), ("tests/faults", "test_window_*.py"))
    modules = sorted(
        p.relative_to(ROOT).as_posix()
        for folder, pattern in patterns
        for p in (ROOT / folder).glob(pattern)
    )
    assert modules, "no fault modules found"
    absent = [m for m in modules if f"{m}::" not in text]
    assert absent == [], f"fault tests with no row in the matrix: {absent}"
