"""The walkthrough in docs/plugins.md works as written."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np

from microgui.commands.plugins_command import check_datasets
from microgui.plugin_host.manager import load_plugins

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def code_block_after(marker: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("```python", text.index(marker)) + len("```python")
    return textwrap.dedent(text[start : text.index("```", start)])


def test_the_rings_drop_in_from_the_docs_loads_and_generates(tmp_path):
    (tmp_path / "rings.py").write_text(code_block_after("Save this as `rings.py`"))
    registry = load_plugins([tmp_path], include_default_dirs=False)
    (report,) = [r for r in registry.reports if r.name == "rings"]
    assert (report.source, report.status, report.dataset_ids) == ("file", "ok", ["rings"])
    assert check_datasets(registry, timeout=30)["rings"] == "ok (200 x 2, multiclass)"
    data = registry.generate("rings", {"rings": 2}, seed=1)
    assert data.task == "binary" and data.class_names == ("ring 1", "ring 2")
    radius = np.hypot(data.X[:, 0], data.X[:, 1])
    assert abs(radius[data.y == 0].mean() - 1) < 0.1 and abs(radius[data.y == 1].mean() - 2) < 0.1


def test_the_testing_snippet_from_the_docs_runs_as_written(tmp_path):
    """'Testing a plugin': the test file beside rings.py, exactly as the docs show it."""
    (tmp_path / "rings.py").write_text(code_block_after("Save this as `rings.py`"))
    test_file = tmp_path / "test_rings.py"
    test_file.write_text(code_block_after("## Testing a plugin"))
    namespace = {"__file__": str(test_file), "__name__": "test_rings"}
    exec(compile(test_file.read_text(), str(test_file), "exec"), namespace)
    tests = [name for name in namespace if name.startswith("test_")]
    assert tests == ["test_rings"]
    namespace["test_rings"]()  # raises if the snippet or the plugin is wrong


def test_the_docs_say_plugins_run_in_process_and_what_they_must_not_do():
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Plugins run inside microgui") :]
    section = section[: section.index("\n## ", 1)]
    assert "imports it into its own" in section and "install plugins you trust" in section
    for must_not in ("print()", "os.chdir", "os.close(1)", "sys.exit", "KeyboardInterrupt"):
        assert must_not in section, must_not


def test_the_docs_list_every_builtin_dataset():
    text = DOC.read_text(encoding="utf-8")
    for dataset_id in load_plugins(include_default_dirs=False).datasets:
        assert f"`{dataset_id}`" in text, f"docs/plugins.md does not mention {dataset_id}"
