"""README.md: its two commands are the contract with a new user, and its Python examples run.

CI runs the second command verbatim."""

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _bash_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


def test_readme_opens_with_the_app_command_then_the_test_command():
    blocks = _bash_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 2, "README.md must start with two bash commands"
    run_app, run_tests = blocks[0], blocks[1]
    assert run_app.endswith("microgui"), run_app
    assert "pip install" in run_app
    assert "pytest" in run_tests and ".[test]" in run_tests


def test_ci_runs_exactly_the_readme_test_command():
    blocks = _bash_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    match = re.search(r"^README_TEST_COMMAND='(.*)'$", ci, flags=re.M)
    assert match, ".ci/run must define README_TEST_COMMAND"
    assert match.group(1) == blocks[1]
    assert 'bash -c "$README_TEST_COMMAND"' in ci


def test_readme_screenshot_exists():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert images, "README.md should show a screenshot of the window"
    for image in images:
        assert (ROOT / image).is_file(), f"missing screenshot {image}"


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_python_api_examples_run_as_one_notebook(tmp_path, monkeypatch, capsys):
    """README's Python blocks run top to bottom in one namespace, like the cells of a notebook.

    They are this project's own documentation, not user input: running them keeps them true.
    """
    pytest.importorskip("torch")
    pytest.importorskip("graphviz")
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot program is not installed (.ci/run installs it)")
    blocks = _python_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 5, "README.md's Python API section lost its examples"
    monkeypatch.chdir(tmp_path)  # draw_dot(...).render("graph") writes here
    namespace: dict = {"__name__": "__readme__"}
    for number, block in enumerate(blocks, start=1):
        exec(compile(block, f"README.md python block {number}", "exec"), namespace)
    printed = capsys.readouterr().out.splitlines()
    # What the README's comments promise:
    assert printed[0] == "-2.0 -4.0"
    assert printed[1] == "digraph {"
    assert printed[2].startswith("MLP of [Layer of [ReLUNeuron(3)")
    assert printed[3:5] == ["step 0: loss 4.7376", "step 29: loss 0.0041"]
    assert printed[5] == "finished 100 steps test accuracy 100%"
    assert printed[7] == "['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias']"
    svg = (tmp_path / "graph.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "data 2.0000" in svg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.svg"]
