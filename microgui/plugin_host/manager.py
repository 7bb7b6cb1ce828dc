"""Load every dataset plugin, keep the broken ones out, and generate data safely.

Typical use::

    registry = load_plugins(plugin_dirs=args.plugins_dir)
    for report in registry.reports:            # one per plugin found
        print(report.name, report.source, report.status, report.error)
    spec = registry.datasets["moons"]           # DatasetSpec: params to build a form
    data = registry.generate("moons", {"noise": 0.2}, seed=1337, timeout=30)

Isolation: a plugin that fails to import, raises in its hook, declares a bad
spec or an id another plugin already took is reported (status "failed") and
its bad parts left out; every other plugin still loads. At generate time,
bad parameters are refused before the plugin runs, and anything the plugin
raises or returns wrong becomes a :class:`PluginError` naming the plugin.
A plugin whose import or ``microgui_datasets()`` hangs (waiting for the
network, say) is abandoned after ``load_timeout`` seconds and reported, so
it cannot keep the app from starting.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

import pluggy

from microgui import hookspecs
from microgui.hookspecs import CONTRACT_VERSION, PROJECT_NAME
from microgui.plugin_host.discovery import (
    SOURCE_FILE,
    PluginCandidate,
    describe_unusable,
    entry_point_candidates,
    file_candidates,
    plugin_search_dirs,
)
from microgui.plugin_host.registry import (
    DEFAULT_DATASET_ID,
    STATUS_FAILED,
    STATUS_OK,
    PluginError,
    PluginRegistry,
    PluginReport,
    call_with_timeout,
    describe_exception,
    keep_working_directory,
    seconds_from_environment,
    source_file,
)
from microgui.plugin_host.validation import check_dataset_spec

__all__ = [
    "DEFAULT_DATASET_ID",
    "STATUS_FAILED",
    "STATUS_OK",
    "PluginError",
    "PluginManager",
    "PluginRegistry",
    "PluginReport",
    "load_plugins",
]

KNOWN_HOOKS = ("microgui_datasets",)
#: Seconds a plugin's import, and then its microgui_datasets(), may take (a cold import of
#: scikit-learn takes a few); MICROGUI_PLUGIN_LOAD_TIMEOUT overrides it.
PLUGIN_LOAD_TIMEOUT_S = 60.0
#: A plugin still importing after this many seconds is named on stderr: at start-up
#: nothing is on screen yet, and a silent minute looks like a hang of microgui itself.
PLUGIN_SLOW_NOTICE_S = 10.0


def say_on_stderr(message: str) -> None:
    """The default for ``on_slow``: one line on stderr, where every front end reports."""
    print(f"microgui: {message}", file=sys.stderr, flush=True)


_HUNG_HINT = "; it was skipped (does it wait for the network or for input?)"


class PluginManager:
    """Finds plugins, imports each in isolation and builds a :class:`PluginRegistry`.

    ``plugin_dirs``: extra drop-in folders (``--plugins-dir``), searched
    before ``$MICROGUI_PLUGIN_PATH`` and the per-user folder.
    ``include_entry_points`` / ``include_default_dirs`` exist so tests and
    tools can load an exact set of plugins. ``load_timeout``: seconds a
    plugin's import or ``microgui_datasets()`` may take before it is abandoned
    (default PLUGIN_LOAD_TIMEOUT_S or $MICROGUI_PLUGIN_LOAD_TIMEOUT).
    ``on_slow``: told (one message) about each import or hook call still
    running after ``slow_after`` seconds; None to stay silent.
    """

    def __init__(
        self,
        plugin_dirs: Sequence[str | os.PathLike[str]] | None = None,
        *,
        include_entry_points: bool = True,
        include_default_dirs: bool = True,
        load_timeout: float | None = None,
        on_slow: Callable[[str], None] | None = say_on_stderr,
        slow_after: float = PLUGIN_SLOW_NOTICE_S,
    ) -> None:
        self.plugin_dirs = list(plugin_dirs or ())
        self.on_slow = on_slow
        self.slow_after = slow_after
        self.include_entry_points = include_entry_points
        self.include_default_dirs = include_default_dirs
        self.load_timeout = load_timeout or seconds_from_environment(
            "MICROGUI_PLUGIN_LOAD_TIMEOUT", PLUGIN_LOAD_TIMEOUT_S
        )

    def candidates(self, registry: PluginRegistry) -> list[PluginCandidate]:
        """Every plugin to try, in load order; missing named folders become warnings."""
        found = entry_point_candidates() if self.include_entry_points else []
        folders, files = [], []
        for path, explicit in plugin_search_dirs(
            self.plugin_dirs, include_default_dirs=self.include_default_dirs
        ):
            problem = describe_unusable(path)
            if problem is None:
                (folders if path.is_dir() else files).append(path)
            elif explicit:
                registry.warnings.append(problem)
        return found + file_candidates(folders, files)

    def load(self) -> PluginRegistry:
        """Import and register every plugin; never raises because of a plugin."""
        manager = pluggy.PluginManager(PROJECT_NAME)
        manager.add_hookspecs(hookspecs)
        registry = PluginRegistry(manager)
        for candidate in self.candidates(registry):
            report = PluginReport(candidate.name, candidate.source, candidate.location)
            registry.reports.append(report)
            with keep_working_directory() as moved:
                try:
                    self._load_one(candidate, manager, registry, report)
                except (Exception, SystemExit) as exc:
                    # A last safety net: e.g. a module whose __getattr__ raises.
                    report.fail(f"could not be loaded: {describe_exception(exc)}")
            if moved:
                registry.warnings.append(
                    f"plugin {candidate.name!r} changed the working directory to {moved[0]}; "
                    "microgui changed it back (a plugin must not call os.chdir)"
                )
        registry.sort_datasets()
        return registry

    def _call_in_time(self, function: Callable[[], object], what: str) -> object:
        """``function()`` within the load timeout, telling ``on_slow`` if it drags on."""
        return call_with_timeout(
            function, self.load_timeout, what, on_slow=self.on_slow, slow_after=self.slow_after
        )

    def _load_one(
        self,
        candidate: PluginCandidate,
        manager: pluggy.PluginManager,
        registry: PluginRegistry,
        report: PluginReport,
    ) -> None:
        try:
            plugin = self._call_in_time(candidate.load, f"importing {candidate.location}")
        except TimeoutError as exc:
            report.fail(f"{exc}{_HUNG_HINT}")
            return
        except (Exception, SystemExit) as exc:
            report.fail(f"import failed: {describe_exception(exc, candidate.location)}")
            return
        wanted = getattr(plugin, "MICROGUI_CONTRACT_VERSION", CONTRACT_VERSION)
        if not isinstance(wanted, int) or wanted > CONTRACT_VERSION:
            report.fail(
                f"needs plugin contract version {wanted!r}, this microgui has "
                f"{CONTRACT_VERSION}; upgrade microgui"
            )
            return
        if manager.has_plugin(candidate.name):
            report.fail(
                f"another plugin already has the name {candidate.name!r}; rename this "
                f"{'file' if candidate.source == SOURCE_FILE else 'entry point'}"
            )
            return
        if manager.is_registered(plugin):
            other = manager.get_name(plugin)
            report.fail(
                f"it is the same module as plugin {other!r} (two entry points name one "
                f"module); its datasets are loaded once, as {other!r}"
            )
            return
        try:
            manager.register(plugin, name=candidate.name)
        except (Exception, SystemExit) as exc:
            report.fail(f"could not be registered: {describe_exception(exc)}")
            return
        hook_names = {caller.name for caller in manager.get_hookcallers(plugin) or ()}
        unknown = sorted(hook_names - set(KNOWN_HOOKS))
        if unknown:
            report.fail(
                f"implements unknown hook(s) {', '.join(unknown)}; "
                f"contract version {CONTRACT_VERSION} has: {', '.join(KNOWN_HOOKS)}"
            )
        if "microgui_datasets" in hook_names:
            self._collect_datasets(plugin, manager, registry, report)
        elif callable(getattr(plugin, "microgui_datasets", None)):
            report.fail("microgui_datasets is missing its @hookimpl decorator")
        elif not unknown:
            report.fail("provides no hooks: add an @hookimpl function microgui_datasets()")
        if report.status == STATUS_FAILED and not report.dataset_ids:
            # Nothing usable: keep it out of any later hook call.
            manager.unregister(plugin)

    def _collect_datasets(
        self,
        plugin: object,
        manager: pluggy.PluginManager,
        registry: PluginRegistry,
        report: PluginReport,
    ) -> None:
        # Call this plugin's implementation alone so one plugin raising cannot
        # abort the whole hook call for every other plugin.
        for impl in manager.hook.microgui_datasets.get_hookimpls():
            if impl.plugin is not plugin:
                continue
            try:
                specs = self._call_in_time(impl.function, f"{report.name}'s microgui_datasets()")
            except TimeoutError as exc:
                report.fail(f"{exc}{_HUNG_HINT}")
                continue
            except (Exception, SystemExit) as exc:
                near = source_file(impl.function)
                report.fail(f"microgui_datasets raised {describe_exception(exc, near)}")
                continue
            if not isinstance(specs, (list, tuple)):
                report.fail(
                    f"microgui_datasets must return a list of DatasetSpec, "
                    f"got {type(specs).__name__}"
                )
                continue
            for raw in specs:
                try:
                    spec = check_dataset_spec(raw)
                    registry.add_dataset(spec, report.name)
                except ValueError as exc:
                    report.fail(str(exc))
                    continue
                report.dataset_ids.append(spec.id)


def load_plugins(
    plugin_dirs: Sequence[str | os.PathLike[str]] | None = None,
    *,
    include_entry_points: bool = True,
    include_default_dirs: bool = True,
    load_timeout: float | None = None,
    on_slow: Callable[[str], None] | None = say_on_stderr,
    slow_after: float = PLUGIN_SLOW_NOTICE_S,
) -> PluginRegistry:
    """Find, import and check every plugin; see :class:`PluginManager` for the arguments."""
    return PluginManager(
        plugin_dirs,
        include_entry_points=include_entry_points,
        include_default_dirs=include_default_dirs,
        load_timeout=load_timeout,
        on_slow=on_slow,
        slow_after=slow_after,
    ).load()
