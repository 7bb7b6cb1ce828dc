"""TrainingWorker: drives engine.train.Trainer in a QThread and reports throttled snapshots.

Protocol. The GUI thread calls the command methods (configure, start, pause,
step, reset, set_speed, set_axes, set_domain, set_weight, save_session,
export_model, stop); each
only puts a tuple on a queue, so they are thread-safe and return at once.
The worker's loop, running in its own QThread, takes commands between
training steps and answers with signals (queued to the GUI thread):

* configured(TrainingData)   the data split of a new trainer, for the points
* configFailed(field, msg)   the engine refused the configuration
* snapshotReady(TrainingSnapshot)   at most 20 per second, and never a new
  one before the GUI called snapshot_consumed() for the last (no pile-up
  when the GUI is busy); plus one after every state change
* modelOpened(path, TrainConfig)  a model file became the run (then fileDone)
* fileDone(kind, path, error)  a save/export/open finished ("" error = success)

Snapshots hold numbers and fresh numpy arrays only: never a live Value.
While training, sys.setswitchinterval(0.001) lets the GUI thread take the
GIL often enough to stay smooth, and automatic garbage collection is
replaced by a cheap young-generation collection between steps (a full
collection held the GIL for 100+ ms); both are undone when the loop stops.
"""

from __future__ import annotations

import contextlib
import gc
import os
import queue
import sys
import threading
import time
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from engine.config import ConfigError, TrainConfig
from engine.size_guard import SizeError
from engine.train import Trainer, TrainingFinished
from microgui.training_run.dataset_trainer import trainer_for_dataset
from microgui.training_run.gradient_stats import evaluate_training_set
from microgui.training_run.snapshot_builder import SnapshotBuilder, training_data
from microgui.widgets.numbering import long_name

SNAPSHOT_INTERVAL_S = 1.0 / 20.0  # within the 'at most about 30 per second'
TRAINING_SWITCH_INTERVAL_S = 0.001
STOP_TIMEOUT_MS = 2000
GC_INTERVAL_S = 0.5
# The GUI draws one heavy widget per snapshot (~11 ms for the boundary); giving it
# 14 ms alone after each one kept bench_ui's p99 timer gap at 18 ms (8 ms gave 21 ms).
GUI_TURN_S = 0.014


#: The commands still carried out after stop(): the files the user asked for, then the stop.
WRITTEN_WHILE_CLOSING = frozenset({"save_session", "export_model", "stop"})

WINDOW_SIZE_ADVICE = (
    "make the hidden layers smaller, set a batch size (Training > Batch size) "
    "or use fewer samples (Data)"
)


#: The network view draws every input with its edges, and every snapshot evaluates each
#: input on the boundary grid: beyond this many features the window would stall (100,000
#: features took 7.5 GB for one boundary grid). The same as the widest layer it draws.
MAX_WINDOW_FEATURES = 512


def too_wide_for_window(dataset: Any, dataset_id: str) -> str:
    """Why the window refuses ``dataset`` ("" when it fits): too many features to draw."""
    features = int(dataset.X.shape[1]) if getattr(dataset.X, "ndim", 0) == 2 else 0
    if features <= MAX_WINDOW_FEATURES:
        return ""
    return (
        f"dataset: {dataset_id} has {features:,} features; the window draws every input "
        f"and takes at most {MAX_WINDOW_FEATURES}: choose fewer features, or train it "
        f"with 'microgui train --dataset {dataset_id}' (no window)"
    )


def window_message(exc: Exception) -> str:
    """An engine error worded for the window (the size guard's advice names its fields)."""
    if isinstance(exc, SizeError):
        return exc.with_advice(WINDOW_SIZE_ADVICE)
    return str(exc)


def _leave_a_core_to_the_gui() -> Any:
    """Limit numpy's BLAS threads to all cores but one while training (None if unknown).

    A vectorized step on a big table is a few large matrix products; OpenBLAS
    runs them on every core and its threads spin while they wait, so on a
    2-core machine the GUI thread got no core for the whole step (a 4.6 s
    freeze on 80,000 rows: benchmarks/bench_big_table_ui.py). threadpoolctl
    comes with scikit-learn.

    Entered as a context (closed when the run stops): threadpoolctl lets one Python
    thread at a time set OpenBLAS's limits and hands that over only when a limit's
    context exits. A QThread never counts as ended, so a worker that merely restored
    its limits kept the control, and the next worker's limits were ignored.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn always brings it
        return None
    limits = contextlib.ExitStack()
    limits.enter_context(threadpool_limits(max(1, (os.cpu_count() or 2) - 1), user_api="blas"))
    return limits


@contextlib.contextmanager
def _no_automatic_gc():
    """No automatic collection while a Trainer is built (a burst of allocations).

    A collection triggered here would run in this thread and could free the
    GUI's Qt wrappers, which must die in the GUI thread (seen as an abort
    under "Garbage-collecting"); the young garbage is collected between steps.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class TrainingWorker(QObject):
    """Owns the Trainer; only its own thread ever touches it."""

    configured = Signal(object)
    configFailed = Signal(str, str)
    modelOpened = Signal(str, object)
    snapshotReady = Signal(object)
    fileDone = Signal(str, str, str)

    def __init__(self) -> None:
        super().__init__()
        self._commands: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._consumed = threading.Event()
        self._consumed.set()
        self.trainer: Trainer | None = None
        self.builder = SnapshotBuilder()
        self.running = False
        self.steps_per_second_limit = 0.0
        self._saved_switch_interval: float | None = None
        self._last_emit = 0.0
        self._last_step_start = 0.0
        self.until_step: int | None = None
        self._gc_was_enabled = True
        self._blas_limit: Any = None
        self._last_gc = 0.0
        self._gc_rounds = 0
        self._alive = True
        self._closing = False  # stop() was called: only file writes and the stop remain
        # Paths of the saves and exports asked for and not yet written (appended by the
        # GUI thread, removed by the worker's: list operations hold the GIL).
        self._pending_writes: list[str] = []

    # ------------------------------------------------------- commands (any thread)
    def configure(
        self,
        config: TrainConfig,
        dataset: Any,
        keep_weights: bool = False,
        scaling_hint: str = "",
    ) -> None:
        """Train `config` on `dataset` (hookspecs.Dataset); keep_weights continues the run.

        scaling_hint: the dataset's DatasetSpec.suggested_scaling, for scaling "auto".
        """
        self._commands.put(("configure", (config, dataset, keep_weights, scaling_hint)))

    def start(self, until_step: int | None = None) -> None:
        """Train continuously (until the trainer finishes, or pause at `until_step`)."""
        self._commands.put(("start", until_step))

    def pause(self) -> None:
        """Stop after the current step; the model stays."""
        self._commands.put(("pause", None))

    def step(self) -> None:
        """Pause, then take exactly one step."""
        self._commands.put(("step", None))

    def reset(self, init_seed: int | None = None) -> None:
        """Step 0 with fresh weights (init_seed: new weights, same data)."""
        self._commands.put(("reset", init_seed))

    def set_speed(self, steps_per_second: float) -> None:
        """Limit the step rate (0 = as fast as possible)."""
        self._commands.put(("speed", float(steps_per_second)))

    def set_axes(self, axes: tuple[int, int]) -> None:
        """Features on the boundary plot's axes (others at their mean)."""
        self._commands.put(("axes", tuple(axes)))

    def set_domain(self, domain: tuple[tuple[float, float], tuple[float, float]] | None) -> None:
        """A fixed plane for the boundary plot (drawn data); None: the data's own extent."""
        self._commands.put(("domain", domain))

    def set_weight(self, name: str, value: float) -> None:
        """Set one parameter (engine name, e.g. ``layers.0.neurons.5.w.1``); a snapshot follows."""
        self._commands.put(("set_weight", (str(name), value)))

    def save_session(self, path: str, extra: dict[str, Any]) -> None:
        """Write the session file (engine.session format) with `extra` view data."""
        self._pending_writes.append(path)
        self._commands.put(("save_session", (path, extra)))

    def open_session(self, session: Any, dataset: Any) -> None:
        """Continue an engine.session.Session on `dataset` (regenerated by the caller)."""
        self._commands.put(("open_session", (session, dataset)))

    def export_model(self, path: str) -> None:
        """Write the model file (engine.modelio format)."""
        self._pending_writes.append(path)
        self._commands.put(("export_model", path))

    def open_model(
        self, path: str, config: TrainConfig, dataset: Any, limits: tuple[int, int]
    ) -> None:
        """Make a model file's network and weights the run (training_run.model_open); step 0.

        limits: the window's (max neurons per layer, max hidden layers).
        """
        self._commands.put(("open_model", (path, config, dataset, limits)))

    def stop(self) -> None:
        """End the loop after the current step and the files already asked for.

        A save or export queued before stop() is still written (the window
        closing right after Save, or on a stop signal, must not lose the file);
        every other queued command is dropped, and no step follows.
        """
        self._closing = True
        self._commands.put(("stop", None))

    @property
    def pending_writes(self) -> tuple[str, ...]:
        """The paths of the saves and exports asked for and not yet written (any thread)."""
        return tuple(self._pending_writes)

    def snapshot_consumed(self) -> None:
        """The GUI drew the last snapshot: the next may be sent."""
        self._consumed.set()

    # ----------------------------------------------------------- loop (own thread)
    @Slot()
    def run(self) -> None:
        """The worker loop: commands between steps, steps while running."""
        try:
            while self._alive:
                timeout = self._wait_time()
                try:
                    try:
                        name, arg = self._commands.get(timeout=timeout)
                    except queue.Empty:
                        self._train_one()
                        continue
                    self._handle(name, arg)
                except Exception:
                    self._report_crash()
        finally:
            self._set_running(False)
            thread = QThread.currentThread()
            if thread is not None:
                thread.quit()

    def _report_crash(self) -> None:
        """An unexpected error: pause, hand it to the app's handler, and keep serving."""
        exc_type, exc, tb = sys.exc_info()
        self._set_running(False)
        sys.excepthook(exc_type, exc, tb)  # logged and shown by microgui.desktop.error_handler
        if self.trainer is not None:
            with contextlib.suppress(Exception):  # a snapshot that fails too is not news
                message = f"{exc_type.__name__}: {exc}"
                self._emit_snapshot(self._stopped_state(), message=message, force=True)

    def _wait_time(self) -> float | None:
        """How long to wait for a command: forever when idle, until the next step otherwise."""
        if not self.running:
            return None
        if self.steps_per_second_limit <= 0:
            return 0.0
        due = self._last_step_start + 1.0 / self.steps_per_second_limit
        return max(0.0, due - time.perf_counter())

    def _handle(self, name: str, arg: Any) -> None:
        if self._closing and name not in WRITTEN_WHILE_CLOSING:
            return
        handler = getattr(self, f"_do_{name}")
        handler(arg)

    def _do_stop(self, _arg: Any) -> None:
        self._alive = False

    def _do_configure(self, arg: tuple[TrainConfig, Any, bool, str]) -> None:
        config, dataset, keep_weights, scaling_hint = arg
        old = self.trainer
        self._set_running(False)
        wide = too_wide_for_window(dataset, config.dataset)
        if wide:  # refused before any work that grows with the features
            self.configFailed.emit("dataset", wide)
            return
        try:
            with _no_automatic_gc():
                trainer = trainer_for_dataset(config, dataset, scaling_hint=scaling_hint)
        except ConfigError as exc:
            # The trained model stays: a refused setting must not throw it away.
            self.configFailed.emit(exc.field, window_message(exc))
            return
        except ValueError as exc:
            self.configFailed.emit("dataset", f"dataset: {exc}")
            return
        if keep_weights and old is not None:
            # Also at step 0: the weights may be a model file's, or edited by hand.
            self._carry_over(old, trainer)
        self.trainer = trainer
        self.builder.set_data(trainer, dataset)
        self.configured.emit(training_data(trainer, dataset))
        self._emit_snapshot("paused" if trainer.steps_done else "idle", force=True)

    @staticmethod
    def _carry_over(old: Trainer, new: Trainer) -> None:
        """Continue from the old weights when the architecture allows (lr, steps, ... changed).

        A diverged run is not continued: the engine refuses to step on from it.
        """
        if old.diverged:
            return
        try:
            new.load_state_dict(old.state_dict())
            new.clear_stop()  # e.g. "finished 400 steps" when the user raised the steps
        except (ValueError, KeyError, TypeError, TrainingFinished):
            new.reset()  # another architecture or optimizer: start fresh, as a new run would

    def _do_start(self, until_step: int | None) -> None:
        self.until_step = until_step
        trainer = self.trainer
        if trainer is None:
            return
        if trainer.finished:
            self._emit_snapshot(self._stopped_state(), force=True)
            return
        self._set_running(True)
        self._last_step_start = 0.0
        self._emit_snapshot("running", force=True)

    def _do_pause(self, _arg: Any) -> None:
        self._set_running(False)
        if self.trainer is not None:
            self._emit_snapshot(self._stopped_state(), force=True)

    def _do_step(self, _arg: Any) -> None:
        self._set_running(False)
        if self.trainer is None:
            return
        self._take_step()
        self._emit_snapshot(self._stopped_state(), force=True)

    def _do_reset(self, init_seed: int | None) -> None:
        self._set_running(False)
        if self.trainer is None:
            return
        self.trainer.reset(init_seed=init_seed)
        self.builder.forget_steps()
        self._emit_snapshot("idle", force=True)

    def _do_speed(self, rate: float) -> None:
        self.steps_per_second_limit = max(0.0, rate)

    def _do_axes(self, axes: tuple[int, int]) -> None:
        self.builder.axes = axes
        if self.trainer is not None:
            state = "running" if self.running else self._stopped_state()
            self._emit_snapshot(state, force=True)

    def _do_domain(self, domain: Any) -> None:
        # No snapshot of its own: a configure follows, and draws with this plane.
        self.builder.domain = domain

    def _do_set_weight(self, arg: tuple[str, float]) -> None:
        name, value = arg
        trainer = self.trainer
        if trainer is None:
            return
        try:
            old = trainer.set_parameter(name, value)
        except ValueError as exc:
            message = f"Cannot set that weight: {exc}"
        else:
            loss = evaluate_training_set(trainer).loss
            message = (
                f"{long_name(name, len(trainer.model.layers)).capitalize()} set to {value:.4g} "
                f"(was {old:.4g}): training loss at these weights {loss:.4f}"
            )
        state = "running" if self.running else self._stopped_state()
        self._emit_snapshot(state, message=message, force=True)

    def _do_save_session(self, arg: tuple[str, dict[str, Any]]) -> None:
        from engine.session import SessionFileError, save_session

        path, extra = arg
        error = "there is no model yet" if self.trainer is None else ""
        with self._writing(path):
            if not error:
                try:
                    save_session(self.trainer, path, extra)
                except SessionFileError as exc:
                    error = str(exc)
        self.fileDone.emit("session", path, error)

    def _do_open_session(self, arg: tuple[Any, Any]) -> None:
        from engine.session import SessionFileError, trainer_from_session

        session, dataset = arg
        path = str(session.path or "")
        self._set_running(False)
        wide = too_wide_for_window(dataset, session.config.dataset)
        if wide:
            self.fileDone.emit("open_session", path, wide)
            return
        try:
            trainer = trainer_from_session(session, dataset.X, dataset.y)
        except (SessionFileError, ConfigError) as exc:
            self.fileDone.emit("open_session", path, window_message(exc))
            return
        self.trainer = trainer
        self.builder.set_data(trainer, dataset)
        self.configured.emit(training_data(trainer, dataset))
        self._emit_snapshot(self._stopped_state(), force=True)
        self.fileDone.emit("open_session", path, "")

    def _do_open_model(self, arg: tuple[str, TrainConfig, Any, tuple[int, int]]) -> None:
        from microgui.training_run.model_open import trainer_for_model

        path, config, dataset, (max_neurons, max_layers) = arg
        self._set_running(False)
        try:
            trainer = trainer_for_model(path, config, dataset, max_neurons, max_layers)
        except ValueError as exc:  # ModelFileError, ModelOpenError and ConfigError are ValueErrors
            if self.trainer is not None:
                self._emit_snapshot(self._stopped_state(), force=True)  # the kept run
            self.fileDone.emit("open_model", path, window_message(exc))
            return
        self.trainer = trainer
        self.builder.set_data(trainer, dataset)
        self.configured.emit(training_data(trainer, dataset))
        self.modelOpened.emit(path, trainer.config)
        self._emit_snapshot("idle", force=True)
        self.fileDone.emit("open_model", path, "")

    def _do_export_model(self, path: str) -> None:
        from engine.modelio import save_model

        error = ""
        with self._writing(path):
            if self.trainer is None:
                error = "there is no model yet"
            else:
                try:
                    trainer = self.trainer
                    save_model(
                        trainer.model,
                        path,
                        config=trainer.config.to_dict(),
                        preprocessor=trainer.preprocessor,
                    )
                except (OSError, ValueError) as exc:
                    error = str(exc)
        self.fileDone.emit("model", path, error)

    @contextlib.contextmanager
    def _writing(self, path: str):
        """While a save or export runs; then it is no longer pending, whatever happened."""
        try:
            yield
        finally:
            self._pending_writes.remove(path)

    # ------------------------------------------------------------------ training
    def _train_one(self) -> None:
        if not self.running or self.trainer is None:
            return
        self._take_step()
        reached = self.until_step is not None and self.trainer.steps_done >= self.until_step
        if self.trainer.finished or reached:
            self._set_running(False)
            self._emit_snapshot(self._stopped_state(), force=True)
        else:
            self._emit_snapshot("running")

    def _take_step(self) -> None:
        trainer = self.trainer
        self._last_step_start = time.perf_counter()
        if self.running and self._last_step_start - self._last_gc > GC_INTERVAL_S:
            # The GUI's young cyclic garbage; cheap, unlike a full pass.
            self._gc_rounds += 1
            gc.collect(1 if self._gc_rounds % 10 == 0 else 0)
            self._last_gc = self._last_step_start
        try:
            result = trainer.step()
        except TrainingFinished:
            return
        self.builder.record(result, trainer.layer_gradient_norms())

    def _stopped_state(self) -> str:
        trainer = self.trainer
        if trainer is None:
            return "idle"
        if trainer.diverged:
            return "diverged"
        if trainer.finished:
            return "finished"
        return "paused" if trainer.steps_done else "idle"

    def _set_running(self, running: bool) -> None:
        if running == self.running:
            return
        self.running = running
        if running:
            self._blas_limit = _leave_a_core_to_the_gui()
            self._saved_switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(TRAINING_SWITCH_INTERVAL_S)
            # The engine's graphs hold no reference cycles (freed by reference counting),
            # yet automatic collections kept walking each step's live graph, and a full
            # one holds the GIL for 100+ ms: the window froze. While training, only the
            # young generations are collected, at a fixed pace, between steps.
            self._gc_was_enabled = gc.isenabled()
            gc.disable()
            self._last_gc = time.perf_counter()
        else:
            if self._blas_limit is not None:
                self._blas_limit.close()  # the limits restored, and OpenBLAS's control let go
                self._blas_limit = None
            # Both undone independently: the interval was restored only when the
            # collector had been enabled before the run.
            if self._gc_was_enabled:
                gc.enable()
            if self._saved_switch_interval is not None:
                sys.setswitchinterval(self._saved_switch_interval)
                self._saved_switch_interval = None

    def _emit_snapshot(self, state: str, message: str = "", force: bool = False) -> None:
        now = time.perf_counter()
        if not force and (
            now - self._last_emit < SNAPSHOT_INTERVAL_S or not self._consumed.is_set()
        ):
            return
        self._last_emit = now
        self._consumed.clear()
        snapshot = self.builder.build(self.trainer, state, message)
        self.snapshotReady.emit(snapshot)
        if self.running and GUI_TURN_S > 0:
            # Leave the GIL to the GUI thread while it draws this snapshot: sharing it
            # with a busy trainer doubled the time of each frame (the timer gaps).
            time.sleep(GUI_TURN_S)


#: Handles whose thread outlived shutdown()'s wait (a long step, a big save): held here
#: until it ends, since Qt aborts the process when a running QThread is destroyed.
_STOPPING: list[WorkerHandle] = []


def stopping_workers() -> list[WorkerHandle]:
    """The handles shut down whose thread has not ended yet (the finished ones let go)."""
    _STOPPING[:] = [handle for handle in _STOPPING if handle.thread.isRunning()]
    return list(_STOPPING)


def wait_for_stopping_workers(timeout_s: float) -> bool:
    """Wait until every stopping worker's thread ended (its step and queued files done).

    True when all ended within `timeout_s`. Waits in short slices, so a Ctrl-C
    (KeyboardInterrupt) can end the wait.
    """
    deadline = time.monotonic() + timeout_s
    while stopping_workers():
        left_ms = int((deadline - time.monotonic()) * 1000)
        if left_ms <= 0:
            return False
        _STOPPING[0].thread.wait(min(left_ms, 100))
    return True


class WorkerHandle:
    """A TrainingWorker started in its own QThread, and its orderly shutdown."""

    def __init__(self) -> None:
        self.thread = QThread()
        self.thread.setObjectName("microgui-training")
        self.worker = TrainingWorker()
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.thread.start()

    def shutdown(self, timeout_ms: int = STOP_TIMEOUT_MS) -> bool:
        """Stop the loop and wait for the thread; True when it ended in time.

        A thread still running after `timeout_ms` (inside a long step, or writing
        the files queued before the stop) goes on to its end; stopping_workers()
        holds its handle meanwhile, and wait_for_stopping_workers() waits for it.
        """
        if not self.thread.isRunning():
            return True
        self.worker.stop()
        self.thread.quit()
        if self.thread.wait(timeout_ms):
            return True
        if self not in _STOPPING:
            _STOPPING.append(self)
        return False
