"""The registry of loaded datasets, per-plugin reports, and safe generation.

:class:`PluginRegistry` is what :func:`microgui.plugin_host.manager.load_plugins`
returns. Its ``generate`` refuses bad parameters before a plugin runs, can
abandon a plugin that hangs, and turns anything a plugin raises or returns
wrong into a :class:`PluginError` naming the plugin.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sysconfig
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy

from microgui import hookspecs
from microgui.hookspecs import Dataset, DatasetError, DatasetSpec
from microgui.plugin_host.validation import ContractError, check_dataset, check_seed, resolve_params

DEFAULT_DATASET_ID = "moons"
STATUS_OK = "ok"
STATUS_FAILED = "failed"
#: A plugin's own text (an exception, a DatasetError) is cut to this many characters.
MAX_MESSAGE = 400


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` on one line (newlines and runs of spaces become one space), cut to ``limit``.

    A plugin may raise a 5 KB, 80-line DatasetError; a status bar or a
    terminal line must stay readable.
    """
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3].rstrip() + "..."


class PluginBaseException(Exception):
    """A plugin raised a BaseException that is not an Exception (KeyboardInterrupt in its
    own thread, a class derived from BaseException): a plugin failure like any other, not
    a reason to stop microgui."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(f"{type(original).__name__}: {original}")
        self.original = original


class PluginError(Exception):
    """A plugin, or the parameters given to it, failed; the message names the plugin.

    ``input_error`` is True when the user can fix it (bad parameters, a bad
    file), False when the plugin itself misbehaved (a bug, a timeout).
    """

    def __init__(
        self,
        message: str,
        *,
        plugin: str | None = None,
        dataset_id: str | None = None,
        input_error: bool = False,
    ) -> None:
        super().__init__(one_line(message, 2 * MAX_MESSAGE))  # its own words plus the plugin's
        self.plugin = plugin
        self.dataset_id = dataset_id
        self.input_error = input_error


@dataclass
class PluginReport:
    """What happened to one plugin: where it came from and whether it works.

    ``status`` is "ok" or "failed"; a failed plugin may still contribute the
    datasets listed in ``dataset_ids`` when only some of its specs were bad.
    """

    name: str
    source: str
    location: str
    status: str = STATUS_OK
    error: str = ""
    dataset_ids: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        """Mark failed and append ``message`` to the error text."""
        self.status = STATUS_FAILED
        message = one_line(message, 2 * MAX_MESSAGE)
        self.error = f"{self.error}; {message}" if self.error else message

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (for `microgui plugins --json`)."""
        return {
            "name": self.name,
            "source": self.source,
            "location": self.location,
            "status": self.status,
            "error": self.error,
            "dataset_ids": list(self.dataset_ids),
        }


# Frames in these folders are microgui's, pluggy's or Python's own (importlib), never the
# plugin's code: "at __init__.py line 126" for a missing module named importlib's file.
_FRAMEWORK_DIRS = tuple(
    str(Path(folder).resolve()) + os.sep
    for folder in (
        Path(hookspecs.__file__).parent,
        Path(pluggy.__file__).parent,
        sysconfig.get_paths()["stdlib"],
    )
)


def source_file(function: object) -> str | None:
    """The file a plugin function was defined in, to point tracebacks at its lines."""
    code = getattr(function, "__code__", None)
    return code.co_filename if code is not None else None


def _plugin_frame(exc: BaseException, near: str | None) -> traceback.FrameSummary | None:
    """The innermost frame in ``near`` (a plugin's file), else outside microgui and pluggy."""
    frames = traceback.extract_tb(exc.__traceback__)
    if near:
        own = [f for f in frames if f.filename == near]
        if own:
            return own[-1]
    outside = [f for f in frames if not _framework_file(f.filename)]
    return outside[-1] if outside else None


def _framework_file(filename: str) -> bool:
    if filename.startswith("<frozen"):
        return True
    try:
        return str(Path(filename).resolve()).startswith(_FRAMEWORK_DIRS)
    except (OSError, RuntimeError):
        return False


def describe_exception(exc: BaseException, near: str | None = None) -> str:
    """``Type: message`` plus the plugin file and line it came from, on one short line."""
    if isinstance(exc, PluginBaseException):
        exc = exc.original
    text = one_line(f"{type(exc).__name__}: {exc}".strip())
    frame = _plugin_frame(exc, near)
    if frame is not None:
        text += f" (at {Path(frame.filename).name} line {frame.lineno})"
    if isinstance(exc, SyntaxError) and exc.filename:
        text = f"SyntaxError: {exc.msg} (at {Path(exc.filename).name} line {exc.lineno})"
    return text


@contextlib.contextmanager
def keep_working_directory() -> Iterator[list[str]]:
    """Put the working directory back if the block (a plugin) changed it.

    Yields a list that holds the directory the block moved to, if it did.
    Relative paths (``--save m.json``, a CSV's ``data.csv``) must keep meaning
    what the user meant, whatever a plugin does with ``os.chdir``.
    """
    moved: list[str] = []
    try:
        home = os.getcwd()
    except OSError:  # the directory was deleted: nothing to keep
        yield moved
        return
    try:
        yield moved
    finally:
        try:
            now = os.getcwd()
        except OSError:
            now = "a deleted folder"
        if now != home:
            moved.append(now)
            with contextlib.suppress(OSError):
                os.chdir(home)


def seconds_from_environment(name: str, default: float) -> float:
    """``$name`` as a timeout in seconds; ``default`` unless it is a finite number > 0.

    Never "no timeout" by mistake (0, a typo, "inf"): a hung plugin must stay abandonable.
    """
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


def _call_here(function: Any) -> Any:
    """``function()`` in this thread; a BaseException it raises becomes PluginBaseException.

    Except the user's Ctrl-C: in the main thread a SIGINT handler notes a real
    one, so a KeyboardInterrupt the plugin raised itself is told apart from it.
    With SIGINT ignored (a background job, nohup), or taken by a handler that
    says ``raises_keyboard_interrupt = False`` (the window's: Ctrl-C closes it),
    no Ctrl-C can raise one: any KeyboardInterrupt is the plugin's.
    """
    sigint_seen: list[bool] = []
    handler = signal.getsignal(signal.SIGINT)
    no_ctrl_c = handler == signal.SIG_IGN or not getattr(handler, "raises_keyboard_interrupt", True)
    watching = (
        threading.current_thread() is threading.main_thread()
        and handler is signal.default_int_handler
    )

    def note_sigint(signum: int, frame: Any) -> None:
        sigint_seen.append(True)
        signal.default_int_handler(signum, frame)

    if watching:
        signal.signal(signal.SIGINT, note_sigint)
    try:
        return function()
    except (Exception, SystemExit):
        raise
    except KeyboardInterrupt as exc:
        if sigint_seen or not (watching or no_ctrl_c):
            raise  # the user's Ctrl-C (or no way to tell): it stops the program
        raise PluginBaseException(exc) from exc
    except BaseException as exc:
        raise PluginBaseException(exc) from exc
    finally:
        if watching:
            signal.signal(signal.SIGINT, signal.default_int_handler)


def call_with_timeout(
    function: Any,
    timeout: float | None,
    what: str,
    *,
    on_slow: Callable[[str], None] | None = None,
    slow_after: float = 0.0,
) -> Any:
    """Run ``function()`` here, or in a daemon thread abandoned after ``timeout`` seconds.

    A daemon thread because Python cannot kill a thread: the app must be able
    to exit while a hung plugin is still spinning. ``on_slow`` gets one message
    if the call is still running after ``slow_after`` seconds, so whoever is
    waiting (nothing on screen yet at start-up) learns why and for how long.
    """
    if timeout is None:
        return _call_here(function)
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = function()
        except (Exception, SystemExit) as exc:  # handed to the caller below
            outcome["error"] = exc
        except BaseException as exc:  # a signal never reaches this thread: the plugin's own
            outcome["error"] = PluginBaseException(exc)

    worker = threading.Thread(target=run, name=f"microgui-plugin {what}", daemon=True)
    worker.start()
    if on_slow is not None and 0 < slow_after < timeout:
        worker.join(slow_after)
        if worker.is_alive():
            on_slow(f"{what} is taking long; it is skipped if not done within {timeout:g} s")
        worker.join(timeout - slow_after)
    else:
        worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError(f"{what} took longer than {timeout:g} s and was abandoned")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


class PluginRegistry:
    """The datasets offered by all working plugins, and the report of every plugin found."""

    def __init__(self, pluggy_manager: pluggy.PluginManager | None = None) -> None:
        self.datasets: dict[str, DatasetSpec] = {}
        self.reports: list[PluginReport] = []
        #: Problems that belong to no plugin, e.g. a plugin folder that does not exist.
        self.warnings: list[str] = []
        self.pluggy_manager = pluggy_manager
        self._owners: dict[str, str] = {}

    # ------------------------------------------------------------------ lookups

    @property
    def default_dataset_id(self) -> str | None:
        """ "moons" when available, else the first dataset, else None."""
        if DEFAULT_DATASET_ID in self.datasets:
            return DEFAULT_DATASET_ID
        return next(iter(self.datasets), None)

    @property
    def failed_reports(self) -> list[PluginReport]:
        """Reports of the plugins with status "failed"."""
        return [r for r in self.reports if r.status == STATUS_FAILED]

    def add_dataset(self, spec: DatasetSpec, plugin: str) -> None:
        """Register a validated spec; raise ValueError if its id is taken."""
        if spec.id in self.datasets:
            raise ValueError(
                f"dataset id {spec.id!r} is already provided by plugin "
                f"{self._owners[spec.id]!r}; this one was left out (choose another id)"
            )
        self.datasets[spec.id] = spec
        self._owners[spec.id] = plugin

    def sort_datasets(self) -> None:
        """Order for menus: the default dataset's plugin first, datasets needing a file last.

        Otherwise plugins keep their load order (built-ins, packages, files)
        and each plugin the order it declared.
        """
        default_plugin = self._owners.get(DEFAULT_DATASET_ID)

        def key(item: tuple[int, str]) -> tuple[bool, bool, int]:
            position, dataset_id = item
            needs_file = any(p.kind == "path" for p in self.datasets[dataset_id].params)
            return (self._owners[dataset_id] != default_plugin, needs_file, position)

        order = sorted(enumerate(self.datasets), key=key)
        self.datasets = {dataset_id: self.datasets[dataset_id] for _, dataset_id in order}

    def plugin_of(self, dataset_id: str) -> str:
        """Name of the plugin providing ``dataset_id``."""
        self.spec(dataset_id)
        return self._owners[dataset_id]

    def spec(self, dataset_id: str) -> DatasetSpec:
        """The spec of ``dataset_id``; PluginError listing the known ids if there is none."""
        try:
            return self.datasets[dataset_id]
        except KeyError:
            known = ", ".join(sorted(self.datasets)) or "none (see `microgui plugins`)"
            raise PluginError(
                f"no dataset with id {dataset_id!r}; available: {known}",
                dataset_id=dataset_id,
                input_error=True,
            ) from None

    # ------------------------------------------------------------------ generate

    def resolve_params(
        self, dataset_id: str, params: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """All parameters of ``dataset_id`` checked and filled with defaults.

        Raises PluginError naming the parameter, its value and bounds. The GUI
        can call this to validate a form without generating.
        """
        spec = self.spec(dataset_id)
        try:
            return resolve_params(spec, params)
        except ValueError as exc:
            raise self._error(dataset_id, str(exc), input_error=True) from None

    def generate(
        self,
        dataset_id: str,
        params: Mapping[str, Any] | None = None,
        seed: int = 0,
        timeout: float | None = None,
    ) -> Dataset:
        """Generate ``dataset_id`` with ``params`` (missing ones take defaults) and ``seed``.

        Synchronous. With ``timeout`` (seconds) the plugin runs in a daemon
        thread and PluginError is raised if it has not finished in time (the
        thread is abandoned, not killed). Returns a validated Dataset with
        fresh arrays; raises PluginError for every failure.
        """
        spec = self.spec(dataset_id)
        resolved = self.resolve_params(dataset_id, params)
        try:
            seed = check_seed(seed)
        except ValueError as exc:
            raise self._error(dataset_id, str(exc), input_error=True) from None
        if timeout is not None and not timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
        what = f"generating dataset {dataset_id!r}"
        try:
            with keep_working_directory():
                result = call_with_timeout(
                    lambda: spec.generate(dict(resolved), seed), timeout, what
                )
        except TimeoutError as exc:
            raise self._error(dataset_id, f"{exc}; the plugin may hang") from None
        except DatasetError as exc:
            raise self._error(dataset_id, str(exc), input_error=True) from exc
        except (Exception, SystemExit) as exc:
            message = f"failed in generate: {describe_exception(exc, source_file(spec.generate))}"
            raise self._error(dataset_id, message) from exc
        try:
            return check_dataset(result)
        except ContractError as exc:
            raise self._error(dataset_id, f"returned invalid data: {exc}") from None

    def _error(self, dataset_id: str, message: str, *, input_error: bool = False) -> PluginError:
        plugin = self._owners.get(dataset_id)
        return PluginError(
            f"dataset {dataset_id!r} (plugin {plugin!r}): {message}",
            plugin=plugin,
            dataset_id=dataset_id,
            input_error=input_error,
        )
