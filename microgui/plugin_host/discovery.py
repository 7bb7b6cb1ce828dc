"""Where plugins come from: entry points and drop-in .py files.

This module only *finds* plugin candidates and knows how to import each one;
:mod:`microgui.plugin_host.manager` imports them one at a time and keeps a broken
one from hurting the rest. Nothing here imports a plugin at module level.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from microgui.desktop.paths import user_config_dir
from microgui.hookspecs import ENTRY_POINT_GROUP

PLUGIN_PATH_VARIABLE = "MICROGUI_PLUGIN_PATH"
BUILTIN_PACKAGE = "plugins"

SOURCE_BUILTIN = "built-in"
SOURCE_PACKAGE = "package"
SOURCE_FILE = "file"
SOURCES: tuple[str, ...] = (SOURCE_BUILTIN, SOURCE_PACKAGE, SOURCE_FILE)


@dataclass(frozen=True)
class PluginCandidate:
    """A plugin found but not yet imported.

    ``location`` is the entry point's target ("pkg.module") or the file path.
    ``load`` imports it and returns the object to register with pluggy.
    """

    name: str
    source: str
    location: str
    load: Callable[[], object]


def default_plugin_dir() -> Path:
    """The per-user drop-in folder, e.g. ~/.config/microgui/plugins on Linux."""
    return user_config_dir() / "plugins"


def plugin_search_dirs(
    plugin_dirs: Sequence[str | os.PathLike[str]] | None = None,
    *,
    include_default_dirs: bool = True,
) -> list[tuple[Path, bool]]:
    """Drop-in folders in search order, each with ``True`` if the user named it explicitly.

    Order: ``plugin_dirs`` (``--plugins-dir``), then ``$MICROGUI_PLUGIN_PATH``
    (os.pathsep-separated), then the per-user default folder. Repeats are dropped.
    """
    found: list[tuple[Path, bool]] = [(Path(d).expanduser(), True) for d in plugin_dirs or ()]
    if include_default_dirs:
        env_value = os.environ.get(PLUGIN_PATH_VARIABLE, "")
        found += [(Path(p).expanduser(), True) for p in env_value.split(os.pathsep) if p.strip()]
        found.append((default_plugin_dir(), False))
    unique: list[tuple[Path, bool]] = []
    seen: set[Path] = set()
    for path, explicit in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append((path, explicit))
    return unique


def entry_point_candidates() -> list[PluginCandidate]:
    """Every entry point in the ``microgui.plugins`` group; built-ins first, then by name."""
    candidates: dict[tuple[str, str], PluginCandidate] = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        # An editable and a regular install of one distribution list the same entry twice.
        key = (ep.name, ep.value)
        if key in candidates:
            continue
        module = ep.value.split(":", 1)[0].strip()
        builtin = module == BUILTIN_PACKAGE or module.startswith(BUILTIN_PACKAGE + ".")
        candidates[key] = PluginCandidate(
            name=ep.name,
            source=SOURCE_BUILTIN if builtin else SOURCE_PACKAGE,
            location=ep.value,
            load=ep.load,
        )
    return sorted(candidates.values(), key=lambda c: (c.source != SOURCE_BUILTIN, c.name))


def _module_name_for(path: Path) -> str:
    # Unique per file so two folders may each hold a "my_data.py".
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:10]
    stem = re.sub(r"\W", "_", path.stem)
    return f"microgui_dropin_{stem}_{digest}"


def import_file(path: Path) -> ModuleType:
    """Import one drop-in .py file under a unique module name; raise whatever it raises."""
    module_name = _module_name_for(path)
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    # dataclasses and pickling look the module up in sys.modules while it runs.
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def drop_in_files(folder: Path) -> list[Path]:
    """The plugin files of one folder: *.py, sorted, skipping names that start with _ or ."""
    return sorted(
        p for p in folder.glob("*.py") if p.is_file() and not p.name.startswith(("_", "."))
    )


def file_candidates(folders: Iterable[Path]) -> list[PluginCandidate]:
    """One candidate per drop-in file, named after the file (my_data.py -> "my_data")."""
    return [
        PluginCandidate(
            name=path.stem,
            source=SOURCE_FILE,
            location=str(path),
            load=lambda path=path: import_file(path),
        )
        for folder in folders
        for path in drop_in_files(folder)
    ]
