"""Where plugins come from: entry points and drop-in .py files.

This module only *finds* plugin candidates and knows how to import each one;
:mod:`microgui.plugin_host.manager` imports them one at a time and keeps a broken
one from hurting the rest. Nothing here imports a plugin at module level.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.metadata
import importlib.util
import os
import re
import stat
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
    found: list[tuple[Path, bool]] = [(_absolute(d), True) for d in plugin_dirs or ()]
    if include_default_dirs:
        env_value = os.environ.get(PLUGIN_PATH_VARIABLE, "")
        found += [(_absolute(p), True) for p in env_value.split(os.pathsep) if p.strip()]
        found.append((default_plugin_dir(), False))
    unique: list[tuple[Path, bool]] = []
    seen: set[str] = set()
    for path, explicit in found:
        key = os.path.realpath(path)  # never raises, unlike Path.resolve on a link loop
        if key not in seen:
            seen.add(key)
            unique.append((path, explicit))
    return unique


def _absolute(path: str | os.PathLike[str]) -> Path:
    """Absolute now: a plugin that calls os.chdir must not move the folders searched after it."""
    return Path(os.path.abspath(os.path.expanduser(os.fspath(path))))


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` as printable text: bytes that are not UTF-8 shown as \\xNN escapes.

    A file name need not be valid UTF-8; printing the raw surrogates would crash.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def describe_unusable(path: Path) -> str | None:
    """Why the search path ``path`` gives no plugins, or None if it is a folder or a .py file."""
    try:
        info = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"plugin folder {display_path(path)}: its symbolic links form a loop"
        if isinstance(exc, FileNotFoundError):
            return f"plugin folder {display_path(path)} does not exist"
        return f"plugin folder {display_path(path)} cannot be read: {exc.strerror or exc}"
    if stat.S_ISDIR(info.st_mode) or (stat.S_ISREG(info.st_mode) and path.suffix == ".py"):
        return None
    return (
        f"{display_path(path)} is neither a folder nor a .py file; --plugins-dir takes a "
        "folder of drop-in .py files, or one .py file"
    )


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
    digest = hashlib.sha1(os.fsencode(os.path.realpath(path))).hexdigest()[:10]
    stem = re.sub(r"\W", "_", path.stem.encode("ascii", "replace").decode("ascii"))
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


def file_candidates(folders: Iterable[Path], files: Iterable[Path] = ()) -> list[PluginCandidate]:
    """One candidate per drop-in file, named after the file (my_data.py -> "my_data").

    ``folders`` are searched for ``*.py``; ``files`` are single plugin files
    named directly (``--plugins-dir path/to/plugin.py``).
    """
    paths = [path for folder in folders for path in drop_in_files(folder)] + list(files)
    return [
        PluginCandidate(
            name=display_path(path.stem),
            source=SOURCE_FILE,
            location=display_path(path),
            load=lambda path=path: import_file(path),
        )
        for path in paths
    ]
