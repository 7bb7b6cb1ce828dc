"""README.md's two commands are the contract with a new user; CI must run the second verbatim."""

import re
from pathlib import Path

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
