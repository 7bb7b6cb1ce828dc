"""The one training loop of microgui: the GUI worker and ``microgui train`` both drive it.

``Trainer(config, X, y, task)`` takes the data as arrays (the engine never
imports the plugin system), splits it with the config's seed, fits the
preprocessing (input features and scaling, engine.preprocessing) on the
training split, refuses networks too big for the chosen execution
(engine.size_guard), builds the MLP and its optimizer, and then does exactly
what micrograd's demo.ipynb does per ``step()``: forward the batch through
the network, loss (+ penalty), zero_grad, backward, optimizer update with
the scheduled learning rate. The scalar execution does it on micrograd's
graph of Values, the vectorized one with numpy on the same numbers
(engine.executions); ``execution`` says which runs.

``X`` is always the raw data: ``X_train``/``X_test`` are raw rows,
``Z_train``/``Z_test`` the network's inputs, and ``predict`` takes raw rows.

Guarantees:

* A step is all or nothing. If it raises (even KeyboardInterrupt in the
  middle of an update) the parameters, optimizer state and minibatch RNG are
  put back as they were before it, so the trainer can be saved or continued.
* Divergence stops training: a NaN/inf gradient or updated parameter ends
  the run with ``stop_reason == "diverged"`` and a message naming the step
  and the first parameter (in ``named_parameters()`` order) that went
  non-finite. So does a NaN/inf loss, or one that explodes past
  ``config.divergence_factor`` times the first loss (with ReLU a too-high
  learning rate often blows the loss up to 1e26 and then freezes there,
  finite but dead); the message then names the largest parameter. Either
  way the parameters are put back to the last ones that gave a finite,
  non-exploded loss, so they can be inspected and saved.
* Thread safety: ``step()``, ``reset()``, ``state_dict()``,
  ``load_state_dict()``, ``predict()``, ``model``, ``weight_arrays()``,
  ``layer_gradient_norms()`` and ``set_parameter()`` hold one lock, so
  calls from another thread wait until the current step has finished.
  ``pause()``, ``resume()`` and ``stop()`` only set flags that ``run()``
  checks between steps, so they return at once.
* Nothing grows with the number of steps except ``history`` (a few numbers
  per step): each step's graph is freed when the step returns.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from engine.config import ConfigError, TrainConfig
from engine.executions import json_ready, make_execution
from engine.features import FeatureError
from engine.history import History, StepResult
from engine.metrics import encode_targets, loss_numpy, scores
from engine.nn import MLP, resolve_init
from engine.optim import make_schedule
from engine.preprocessing import Preprocessor
from engine.scaling import resolve_scaling
from engine.size_guard import (
    SizeError,
    SizeEstimate,
    check_size,
    choose_execution,
    estimate_nodes,
    estimate_size,
    estimate_work,
)
from engine.stopping import divergence_message, loss_problem, stop_rule
from engine.tasks import COMPATIBLE_LOSSES, DEFAULT_LOSSES, check_data, output_size, resolve_loss
from engine.train_state import TrainerState, check_trainer_state

__all__ = [
    "COMPATIBLE_LOSSES",
    "DEFAULT_LOSSES",
    "ConfigError",
    "History",
    "SizeError",
    "SizeEstimate",
    "StepResult",
    "Trainer",
    "TrainingFinished",
    "check_size",
    "estimate_nodes",
    "estimate_size",
    "estimate_work",
    "output_size",
    "resolve_loss",
]


class TrainingFinished(RuntimeError):
    """``step()`` was called after training stopped (steps done, target met, diverged)."""


class Trainer:
    """Trains an MLP on (X, y) as ``config`` says; see the module docstring."""

    def __init__(
        self,
        config: TrainConfig,
        X: np.ndarray,
        y: np.ndarray,
        task: str,
        n_classes: int | None = None,
        *,
        preprocessor: Preprocessor | None = None,
        scaling_hint: str = "",
        feature_names: tuple[str, ...] = (),
    ) -> None:
        """``preprocessor``: use this fitted one (a model file's) instead of fitting.

        ``scaling_hint``: the dataset's suggested scaling for "auto" ("" = decide
        from the data); ``feature_names``: the raw columns' names, for messages.
        """
        self.config = dataclasses.replace(  # a private copy
            config, dataset_params=dict(config.dataset_params)
        ).validate()
        self.loss_name = resolve_loss(self.config.loss, task)
        self.task = task
        self.X, self.y, self.n_classes = check_data(X, y, task, n_classes)
        self.nout = output_size(task, self.loss_name, self.n_classes)
        self.metric_name = "R²" if task == "regression" else "accuracy"
        self.data_fingerprint = hashlib.sha256(
            self.X.tobytes() + self.y.tobytes() + task.encode()
        ).hexdigest()[:32]
        self._split()
        self._preprocess(preprocessor, scaling_hint, feature_names)
        n_train, nin = len(self.y_train), self.preprocessor.n_outputs
        self.execution, self.execution_reason = choose_execution(
            self.config, n_train, nin, self.nout
        )
        self.size: SizeEstimate = check_size(self.config, n_train, nin, self.nout, self.execution)
        self._lock = threading.RLock()
        self._flags = threading.Lock()
        self._unpaused = threading.Event()
        self._unpaused.set()
        self._running = False
        self._stop_requested = False
        self._build()

    # ------------------------------------------------------------------ setup

    def _split(self) -> None:
        cfg, n = self.config, len(self.y)
        n_test = max(1, round(n * cfg.test_fraction)) if cfg.test_fraction > 0 else 0
        if n - n_test < 1:
            raise ConfigError(
                "test_fraction",
                f"{cfg.test_fraction} leaves no training samples out of {n}; use a smaller one",
            )
        order = np.random.default_rng([cfg.seed, 1]).permutation(n)
        test, train = np.sort(order[:n_test]), np.sort(order[n_test:])  # keep data order
        self.X_train, self.y_train = self.X[train], self.y[train]
        self.X_test, self.y_test = self.X[test], self.y[test]

    def _preprocess(
        self, given: Preprocessor | None, hint: str, feature_names: tuple[str, ...]
    ) -> None:
        """Fit features and scaling on the training split (or take ``given``)."""
        cfg, d = self.config, self.X.shape[1]
        if given is not None:
            if given.n_inputs != d:
                raise ConfigError(
                    "features",
                    f"the preprocessing takes {given.n_inputs} inputs but the data has {d}",
                )
            self.preprocessor = given
            self.scaling_reason = ""
            self.config = dataclasses.replace(
                cfg, features=given.config_features, scaling=given.scaler.kind
            )
        else:
            y_train = self.y_train if self.task == "regression" else None
            scaling, self.scaling_reason = resolve_scaling(
                cfg.scaling, self.X_train, hint, feature_names, y_train
            )
            try:
                self.preprocessor = Preprocessor.fit(
                    self.X_train, cfg.features, scaling, y_train, names=feature_names
                )
            except FeatureError as exc:
                raise ConfigError("features", str(exc)) from None
        p = self.preprocessor
        self.Z_train = p.transform(self.X_train)
        self.Z_test = p.transform(self.X_test)
        # Regression targets as the network learns them (scaled with the inputs).
        self._train_targets = encode_targets(
            p.scale_targets(self.y_train), self.task, self.loss_name
        )
        self._test_targets = encode_targets(p.scale_targets(self.y_test), self.task, self.loss_name)
        # For the divergence message: inputs this large overflow whatever the learning rate
        # (what the network multiplies: the features, after the scaling).
        self._largest_feature = float(np.max(np.abs(self.Z_train))) if self.Z_train.size else 0.0

    @property
    def scaling(self) -> str:
        """The scaling in use ("auto" resolved): "none", "standardize" or "minmax"."""
        return self.preprocessor.scaler.kind

    def _build(self) -> None:
        cfg = self.config
        nin = self.preprocessor.n_outputs
        self.init = resolve_init(cfg.init, nin)
        model = MLP(
            nin,
            [*cfg.layers, self.nout],
            activation=cfg.activation,
            init=self.init,
            seed=cfg.weight_seed,
        )
        if cfg.optimizer == "adam":
            optimizer = {"kind": "adam", "lr": cfg.lr, "betas": cfg.betas}
        else:
            optimizer = {"kind": "sgd", "lr": cfg.lr, "momentum": cfg.momentum}
        self._run = make_execution(
            self.execution,
            model,
            self.Z_train,
            self._train_targets,
            self.loss_name,
            cfg.reg,
            cfg.reg_strength,
            optimizer,
        )
        self.parameter_names = list(self._run.names)
        self._index = {name: k for k, name in enumerate(self.parameter_names)}
        self.schedule: Callable[[int], float] = make_schedule(
            cfg.schedule, cfg.lr, cfg.steps, cfg.final_lr, cfg.step_size, cfg.gamma
        )
        self._batch_rng = np.random.default_rng([cfg.seed, 2])
        self.history = History()
        self.steps_done = 0
        self.stop_reason = ""
        self.message = ""
        self._best = math.inf
        self._since_best = 0
        self._previous: tuple | None = None  # save point of the last finite step

    @property
    def model(self) -> MLP:
        """The MLP with the current weights (read it between steps, or hold ``lock``)."""
        with self._lock:
            return self._run.model

    @property
    def optimizer(self) -> Any:
        """The optimizer (engine.optim's, or engine.optim_arrays' when vectorized)."""
        return self._run.optimizer

    # ------------------------------------------------------------------ state

    @property
    def finished(self) -> bool:
        """True once training has stopped for good (see ``stop_reason``)."""
        return bool(self.stop_reason)

    @property
    def diverged(self) -> bool:
        """True when training stopped on a non-finite value."""
        return self.stop_reason == "diverged"

    @property
    def is_paused(self) -> bool:
        """True between ``pause()`` and ``resume()``."""
        return not self._unpaused.is_set()

    @property
    def lock(self) -> threading.RLock:
        """Hold this to read the live model from another thread between steps."""
        return self._lock

    # ------------------------------------------------------------------ one step

    def step(self) -> StepResult:
        """Take one training step; TrainingFinished once training has stopped."""
        with self._lock:
            if self.stop_reason:
                raise TrainingFinished(self.message or f"training stopped ({self.stop_reason})")
            start = time.perf_counter()
            saved = self._save_point()
            books = self._bookkeeping()
            try:
                result, rolled_back = self._compute_step(self.steps_done, start, saved)
                result = self._apply_stop_rules(result)
                self.history.append(result)
                if result.finite:
                    self.steps_done += 1
                    self._previous = saved
                elif rolled_back:
                    self.steps_done -= 1
            except BaseException:
                # Even a KeyboardInterrupt half-way through the update leaves no trace.
                self._restore(saved)
                self._restore_bookkeeping(books)
                raise
            return result

    def _bookkeeping(self) -> tuple:
        return (
            len(self.history),
            self.steps_done,
            self._previous,
            self._best,
            self._since_best,
            self.stop_reason,
            self.message,
        )

    def _restore_bookkeeping(self, books: tuple) -> None:
        n, self.steps_done, self._previous, self._best, self._since_best = books[:5]
        self.stop_reason, self.message = books[5:]
        self.history.truncate(n)

    def _save_point(self) -> tuple:
        """Weights, optimizer state and minibatch RNG before a step (in the execution's form)."""
        return (*self._run.save_point(), self._batch_rng.bit_generator.state)

    def _restore(self, saved: tuple) -> None:
        data, optimizer_state, rng_state = saved
        self._run.restore((data, optimizer_state))
        self._batch_rng.bit_generator.state = rng_state

    def _batch(self) -> tuple[np.ndarray | None, np.ndarray]:
        """The step's training rows (indices; None for all of them) and their labels."""
        n = len(self.y_train)
        size = self.config.batch_size
        if not size or size >= n:
            return None, self.y_train
        # micrograd's demo: a random subset, np.random.permutation(n)[:batch_size]
        chosen = self._batch_rng.permutation(n)[:size]
        return chosen, self.y_train[chosen]

    def _compute_step(self, k: int, start: float, saved: tuple) -> tuple[StepResult, bool]:
        """The step's result, and whether the previous step's update was undone."""
        cfg = self.config
        run = self._run
        rows, y_batch = self._batch()
        loss, out = run.forward(rows)
        out = self.preprocessor.unscale_outputs(out)  # R² and RMSE in the target's units
        accuracy, rmse = scores(out, y_batch, self.task, self.loss_name)
        test = self._test_metrics()  # same weights as the forward pass
        lr = self.schedule(k)
        common = dict(step=k, loss=loss, accuracy=accuracy, rmse=rmse, lr=lr, nodes=run.nodes)
        common.update(test)
        common["execution"] = run.name
        first = self.history[0].loss if len(self.history) else None
        problem = loss_problem(loss, first, cfg.divergence_factor, run.largest_parameter)
        kept_step, rolled_back, in_update = k, False, False
        if problem:
            run.discard()
            # These weights already gave a bad loss: go back to those of the step before.
            if self._previous is not None:
                self._restore(self._previous)
                kept_step, rolled_back = k - 1, True
        else:
            run.backward()
            bad = run.grads_nonfinite()
            if bad:
                problem = f"the gradient of {bad[0]} is {bad[1]} (loss {loss:.6g})"
            else:
                run.update(lr)
                bad = run.values_nonfinite()
                if bad:
                    problem = f"parameter {bad[0]} became {bad[1]} in the update (loss {loss:.6g})"
                    in_update = True
                    self._restore(saved)
        seconds = time.perf_counter() - start
        if not problem:
            return StepResult(seconds=seconds, **common), False
        kept = (
            f"as they were at step {kept_step} (loss {self.history[kept_step].loss:.6g})"
            if kept_step < len(self.history) and kept_step != k
            else f"as they were at step {k}"
        )
        message = divergence_message(
            k,
            problem,
            kept,
            lr,
            largest_feature=self._largest_feature,
            reg_strength=cfg.reg_strength if cfg.reg != "none" else 0.0,
            in_update=in_update,
        )
        result = StepResult(
            seconds=seconds, finite=False, message=message, stop_reason="diverged", **common
        )
        return result, rolled_back

    def _test_metrics(self) -> dict[str, float | None]:
        if not len(self.y_test):
            return {}
        outputs = self._run.predict(self.Z_test)  # quiet on overflow: the training loss reports it
        penalty = self._run.penalty()  # the same weights as the training forward
        loss = loss_numpy(outputs, self._test_targets, self.loss_name) + penalty
        outputs = self.preprocessor.unscale_outputs(outputs)
        accuracy, rmse = scores(outputs, self.y_test, self.task, self.loss_name)
        return {"test_loss": loss, "test_accuracy": accuracy, "test_rmse": rmse}

    def _apply_stop_rules(self, result: StepResult) -> StepResult:
        cfg = self.config
        if not result.finite:
            self.stop_reason, self.message = result.stop_reason, result.message
            return result
        watched = result.test_loss if result.test_loss is not None else result.loss
        if watched < self._best:
            self._best, self._since_best = watched, 0
        else:
            self._since_best += 1
        reason, message = stop_rule(cfg, result, self._since_best, self.metric_name)
        if not reason:
            return result
        self.stop_reason, self.message = reason, message
        return dataclasses.replace(result, stop_reason=reason, message=message)

    # ------------------------------------------------------------------ control

    def run(
        self,
        callback: Callable[[StepResult], object] | None = None,
        max_steps: int | None = None,
    ) -> StepResult | None:
        """Step until finished, ``stop()``, or ``max_steps`` steps; returns the last result.

        Waits while paused (``pause()``/``resume()`` from any thread).
        ``callback(result)`` runs after every step in this thread.
        One run at a time: a second ``run()`` while one is going raises RuntimeError.
        """
        with self._flags:
            if self._running:
                raise RuntimeError(
                    "Trainer.run: a run is already in progress; "
                    "stop() it and let it return before starting another"
                )
            self._running, self._stop_requested = True, False
        last = None
        taken = 0
        try:
            while not self.finished and (max_steps is None or taken < max_steps):
                while not self._unpaused.wait(0.05) and not self._stop_requested:
                    pass
                if self._stop_requested:
                    break
                last = self.step()
                taken += 1
                if callback is not None:
                    callback(last)
        finally:
            with self._flags:
                self._running, self._stop_requested = False, False
        return last

    def pause(self) -> None:
        """Make ``run()`` wait before its next step (``step()`` still works)."""
        self._unpaused.clear()

    def resume(self) -> None:
        """Let ``run()`` continue."""
        self._unpaused.set()

    def stop(self) -> None:
        """Make a ``run()`` in progress return after its current step."""
        with self._flags:
            if self._running:
                self._stop_requested = True

    def reset(self, init_seed: int | None = None) -> None:
        """Back to step 0 with fresh weights (``init_seed``: different weights, same data)."""
        with self._lock:
            if init_seed is not None:
                self.config = self.config.replace(init_seed=init_seed)
            self._build()

    def clear_stop(self) -> None:
        """Allow more steps after a stop on steps, a target or patience (after raising them).

        TrainingFinished after a divergence: those weights cannot continue.
        """
        with self._lock:
            if self.diverged:
                raise TrainingFinished(self.message)
            self.stop_reason = self.message = ""
            self._since_best = 0

    # ------------------------------------------------------------------ reading

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Model outputs (n, nout) for raw rows X, by numpy.

        The rows are preprocessed as in training; regression predictions come
        back in the target's own units (scores/logits for classification).
        """
        Z = self.preprocessor.transform(X)
        with self._lock:
            return self.preprocessor.unscale_outputs(self._run.predict(Z))

    def predict_inputs(self, Z: np.ndarray) -> np.ndarray:
        """The network's own outputs (n, nout) for its inputs Z (preprocessed rows)."""
        with self._lock:
            return self._run.predict(Z)

    def weight_arrays(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of the weights per layer (W (nout, nin), b (nout,)), safe to hand to a GUI."""
        with self._lock:
            return self._run.weight_arrays()

    def parameter_values(self) -> dict[str, float]:
        """Every parameter by name."""
        with self._lock:
            return dict(zip(self.parameter_names, self._run.parameter_values(), strict=True))

    def gradients(self) -> dict[str, float]:
        """Every parameter's gradient from the last step's backward, by name."""
        with self._lock:
            return dict(zip(self.parameter_names, self._run.gradients().tolist(), strict=True))

    def set_parameter_values(self, values: dict[str, float]) -> None:
        """Start from these weights (by name, as parameter_values() gives them).

        ValueError names a missing, unexpected or non-finite weight; nothing
        changes unless every weight fits. The step count and history stay.
        """
        with self._lock:
            names = self.parameter_names
            missing = [n for n in names if n not in values]
            extra = sorted(set(values) - set(names))
            if missing or extra:
                what = f"missing {missing[0]!r}" if missing else f"unexpected {extra[0]!r}"
                raise ValueError(f"the weights do not fit this network: {what}")
            for name in names:
                value = values[name]
                if not isinstance(value, (int, float)) or not math.isfinite(value):
                    raise ValueError(f"weight {name!r} is {value!r}, not a finite number")
            self._run.set_parameter_values([float(values[name]) for name in names])

    def layer_gradient_norms(self) -> list[float]:
        """Per layer, the L2 norm of its weights' gradients from the last step.

        Biases are left out (the usual "gradient norm of a layer's weights").
        Read after ``step()`` returns: the gradients stay until the next step
        zeroes them (0.0 before the first step, after a reset or when a
        diverged step was undone). Costs one pass over the gradients in numpy,
        not a step: the step itself is unchanged.
        """
        with self._lock:
            grads = self._run.gradients()  # micrograd's order: per layer, [W | b] row by row
            norms, start = [], 0
            sizes = [self.preprocessor.n_outputs, *self.config.layers, self.nout]
            for nin, nout in itertools.pairwise(sizes):
                block = grads[start : start + nout * (nin + 1)].reshape(nout, nin + 1)
                norms.append(float(np.linalg.norm(block[:, :-1])))  # overflow-safe, in C
                start += block.size
            return norms

    def set_parameter(self, name: str, value: float) -> float:
        """Set one parameter (``layers.0.neurons.3.w.1``) between steps; returns the old value.

        For the window's "edit a weight": the next step trains on from it.
        ValueError names an unknown parameter or a value that is not a finite
        number; nothing changes then. The optimizer's state (momentum, Adam's
        moments) and the history are kept.
        """
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"the value of {name} must be a number, not {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"the value of {name} must be a finite number, not {value!r}")
        with self._lock:
            index = self._index.get(name)
            if index is None:
                example = self.parameter_names[0]
                raise ValueError(f"this network has no parameter {name!r} (e.g. {example!r})")
            return self._run.set_parameter(index, float(value))

    # ------------------------------------------------------------------ sessions

    def state_dict(self) -> dict[str, Any]:
        """Everything that changes while training, as JSON-ready data (see engine.train_state)."""
        with self._lock:
            state = TrainerState(
                steps_done=self.steps_done,
                parameters=list(self._run.parameter_values()),
                optimizer=self.optimizer.state_dict(),
                batch_rng=self._batch_rng,
                best_loss=self._best,
                since_best=self._since_best,
                stop_reason=self.stop_reason,
                message=self.message,
                history=self.history,
                previous=None if self._previous is None else json_ready(self._previous),
                preprocessing=self.preprocessor.to_dict(),
            )
            return state.to_dict(self.parameter_names)

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore ``state_dict()`` output; ValueError says what does not fit.

        Nothing changes unless the whole state is valid.
        """
        with self._lock:
            checked, optimizer = check_trainer_state(
                state, self.parameter_names, self._run.new_optimizer, self.preprocessor
            )
            self._run.set_parameter_values(checked.parameters)
            self._run.optimizer = optimizer
            self._batch_rng = checked.batch_rng
            self.history = checked.history
            self._previous = checked.previous
            self.steps_done = checked.steps_done
            self._best = checked.best_loss
            self._since_best = checked.since_best
            self.stop_reason = checked.stop_reason
            self.message = checked.message
