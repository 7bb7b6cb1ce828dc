"""Shared helpers for the plugin manager tests: write drop-in plugin files and load them.

Plain functions, not conftest fixtures: each test writes the plugin it needs, with its own
source, and loads it into its own registry.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from microgui.plugin_host.manager import PluginRegistry, load_plugins

HEADER = """\
import numpy as np
from microgui.hookspecs import Dataset, DatasetError, DatasetSpec, ParamSpec, hookimpl
"""

GOOD_BODY = """\
rng = np.random.default_rng(seed)
X = rng.normal(size=(params.get("n", 10), 2))
return Dataset(X, (X[:, 0] > 0).astype(float), "binary", ("a", "b"), ("neg", "pos"))
"""


def dataset_plugin(
    dataset_id: str, body: str = GOOD_BODY, params: str = "()", task: str = "binary"
) -> str:
    """Source of a drop-in plugin with one dataset whose generate runs ``body``."""
    return (
        HEADER
        + "\n\ndef generate(params, seed):\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
        + "\n\n@hookimpl\ndef microgui_datasets():\n"
        + f"    return [DatasetSpec({dataset_id!r}, 'N', 'D', {task!r}, {params}, generate)]\n"
    )


def write(folder: Path, name: str, source: str) -> Path:
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def load(folder: Path) -> PluginRegistry:
    """Built-ins (entry points) plus the drop-ins in ``folder``; no user folders."""
    return load_plugins([folder], include_default_dirs=False)


def report(registry: PluginRegistry, name: str):
    (found,) = [r for r in registry.reports if r.name == name]
    return found


def assert_rest_works(registry: PluginRegistry) -> None:
    """The built-ins and the good drop-in still load and generate."""
    assert registry.generate("moons", None, 0).X.shape == (100, 2)
    assert report(registry, "good").status == "ok"
    assert registry.generate("good_data", None, 3).X.shape == (10, 2)
