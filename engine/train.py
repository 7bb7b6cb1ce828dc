"""The one training loop of microgui: the GUI worker and ``microgui train`` both drive it.

``Trainer(config, X, y, task)`` takes the data as arrays (the engine never
imports the plugin system), splits it with the config's seed, refuses
networks too big for a scalar engine (engine.size_guard), builds the MLP and
its optimizer, and then does exactly what micrograd's demo.ipynb does per
``step()``: forward the batch through the scalar graph, loss (+ penalty),
zero_grad, backward, optimizer update with the scheduled learning rate.

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
  ``load_state_dict()``, ``predict()``, ``weight_arrays()``,
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
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from engine.config import ConfigError, TrainConfig
from engine.fast import mlp_forward_numpy, model_weight_arrays
from engine.graph import topological_order
from engine.history import History, StepResult
from engine.losses import LOSSES, l1_penalty, l2_penalty
from engine.metrics import encode_targets, loss_numpy, penalty_numpy, scores
from engine.nn import MLP
from engine.optim import OPTIMIZERS, make_schedule
from engine.size_guard import (
    SizeError,
    SizeEstimate,
    check_size,
    estimate_nodes,
    estimate_size,
    estimate_work,
)
from engine.stopping import divergence_message, first_nonfinite, loss_problem, stop_rule
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
    ) -> None:
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
        self.size: SizeEstimate = check_size(
            self.config, len(self.y_train), self.X.shape[1], self.nout
        )
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
        self._train_rows = self.X_train.tolist()
        # For the divergence message: data this large overflows whatever the learning rate.
        self._largest_feature = float(np.max(np.abs(self.X_train))) if self.X_train.size else 0.0
        self._train_targets = encode_targets(self.y_train, self.task, self.loss_name).tolist()
        self._test_targets = encode_targets(self.y_test, self.task, self.loss_name)

    def _build(self) -> None:
        cfg = self.config
        self.model = MLP(
            self.X.shape[1],
            [*cfg.layers, self.nout],
            activation=cfg.activation,
            init=cfg.init,
            seed=cfg.weight_seed,
        )
        self._named = self.model.named_parameters()
        self._params = [p for _, p in self._named]
        self._by_name = dict(self._named)
        # Per layer, its weights (not biases): what layer_gradient_norms() reads.
        self._layer_weights = [
            [w for neuron in layer.neurons for w in neuron.w] for layer in self.model.layers
        ]
        self.optimizer = self._new_optimizer()
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
        self._nodes: int | None = None
        self._previous: tuple | None = None  # save point of the last finite step

    def _new_optimizer(self) -> Any:
        cfg = self.config
        if cfg.optimizer == "adam":
            return OPTIMIZERS["adam"](self._params, lr=cfg.lr, betas=cfg.betas)
        return OPTIMIZERS["sgd"](self._params, lr=cfg.lr, momentum=cfg.momentum)

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

    def _save_point(self) -> tuple[list[float], dict, dict]:
        return (
            [p.data for p in self._params],
            self.optimizer.state_dict(),
            self._batch_rng.bit_generator.state,
        )

    def _restore(self, saved: tuple[list[float], dict, dict]) -> None:
        data, optimizer_state, rng_state = saved
        for p, value in zip(self._params, data, strict=True):
            p.data = value
            p.grad = 0.0
        self.optimizer.load_state_dict(optimizer_state)
        self._batch_rng.bit_generator.state = rng_state

    def _batch(self) -> tuple[list, list, np.ndarray]:
        n = len(self._train_rows)
        size = self.config.batch_size
        if not size or size >= n:
            return self._train_rows, self._train_targets, self.y_train
        # micrograd's demo: a random subset, np.random.permutation(n)[:batch_size]
        chosen = self._batch_rng.permutation(n)[:size].tolist()
        rows, targets = self._train_rows, self._train_targets
        return [rows[i] for i in chosen], [targets[i] for i in chosen], self.y_train[chosen]

    def _compute_step(self, k: int, start: float, saved: tuple) -> tuple[StepResult, bool]:
        """The step's result, and whether the previous step's update was undone."""
        cfg = self.config
        rows, targets, y_batch = self._batch()
        outputs = self.model.forward_batch(rows)
        total = LOSSES[self.loss_name](outputs, targets)
        if cfg.reg == "l2":
            total = total + l2_penalty(self._params, cfg.reg_strength)
        elif cfg.reg == "l1":
            total = total + l1_penalty(self._params, cfg.reg_strength)
        if self.nout == 1:
            out = np.array([o.data for o in outputs], dtype=np.float64).reshape(-1, 1)
        else:
            out = np.array([[v.data for v in row] for row in outputs], dtype=np.float64)
        accuracy, rmse = scores(out, y_batch, self.task, self.loss_name)
        test = self._test_metrics()  # same weights as the forward pass
        if self._nodes is None:  # constant from step to step: count once
            self._nodes = len(topological_order(total))
        lr = self.schedule(k)
        loss = total.data
        common = dict(step=k, loss=loss, accuracy=accuracy, rmse=rmse, lr=lr, nodes=self._nodes)
        common.update(test)
        first = self.history[0].loss if len(self.history) else None
        problem = loss_problem(loss, first, cfg.divergence_factor, self._named)
        kept_step, rolled_back = k, False
        if problem:
            # These weights already gave a bad loss: go back to those of the step before.
            if self._previous is not None:
                self._restore(self._previous)
                kept_step, rolled_back = k - 1, True
        else:
            self.optimizer.zero_grad()
            total.backward()
            bad = first_nonfinite(self._named, "grad")
            if bad:
                problem = f"the gradient of {bad[0]} is {bad[1]} (loss {loss:.6g})"
            else:
                self.optimizer.step(lr)
                bad = first_nonfinite(self._named, "data")
                if bad:
                    problem = f"parameter {bad[0]} became {bad[1]} in the update (loss {loss:.6g})"
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
        )
        result = StepResult(
            seconds=seconds, finite=False, message=message, stop_reason="diverged", **common
        )
        return result, rolled_back

    def _test_metrics(self) -> dict[str, float | None]:
        if not len(self.y_test):
            return {}
        cfg = self.config
        with np.errstate(all="ignore"):  # overflow is reported by the training loss
            outputs = mlp_forward_numpy(self.model, self.X_test, exact=False)
        penalty = penalty_numpy([p.data for p in self._params], cfg.reg, cfg.reg_strength)
        loss = loss_numpy(outputs, self._test_targets, self.loss_name) + penalty
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
        """
        with self._flags:
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
        """Raw model outputs (n, nout) for the rows of X, via the numpy fast path."""
        with self._lock:
            return mlp_forward_numpy(self.model, X)

    def weight_arrays(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of the weights per layer (W (nout, nin), b (nout,)), safe to hand to a GUI."""
        with self._lock:
            return model_weight_arrays(self.model)

    def parameter_values(self) -> dict[str, float]:
        """Every parameter by name."""
        with self._lock:
            return {name: p.data for name, p in self._named}

    def set_parameter_values(self, values: dict[str, float]) -> None:
        """Start from these weights (by name, as parameter_values() gives them).

        ValueError names a missing, unexpected or non-finite weight; nothing
        changes unless every weight fits. The step count and history stay.
        """
        with self._lock:
            names = [name for name, _ in self._named]
            missing = [n for n in names if n not in values]
            extra = sorted(set(values) - set(names))
            if missing or extra:
                what = f"missing {missing[0]!r}" if missing else f"unexpected {extra[0]!r}"
                raise ValueError(f"the weights do not fit this network: {what}")
            for name in names:
                value = values[name]
                if not isinstance(value, (int, float)) or not math.isfinite(value):
                    raise ValueError(f"weight {name!r} is {value!r}, not a finite number")
            for name, p in self._named:
                p.data = float(values[name])

    def layer_gradient_norms(self) -> list[float]:
        """Per layer, the L2 norm of its weights' gradients from the last step.

        Biases are left out (the usual "gradient norm of a layer's weights").
        Read after ``step()`` returns: the gradients stay until the next step
        zeroes them (0.0 before the first step, after a reset or when a
        diverged step was undone). Costs one pass over the parameters' ``grad``
        in C (``math.hypot``), not a step: the step itself is unchanged.
        """
        with self._lock:
            return [math.hypot(*[w.grad for w in weights]) for weights in self._layer_weights]

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
            parameter = self._by_name.get(name)
            if parameter is None:
                example = self._named[0][0]
                raise ValueError(f"this network has no parameter {name!r} (e.g. {example!r})")
            old = parameter.data
            parameter.data = float(value)
            return old

    # ------------------------------------------------------------------ sessions

    def state_dict(self) -> dict[str, Any]:
        """Everything that changes while training, as JSON-ready data (see engine.train_state)."""
        with self._lock:
            state = TrainerState(
                steps_done=self.steps_done,
                parameters=[p.data for p in self._params],
                optimizer=self.optimizer.state_dict(),
                batch_rng=self._batch_rng,
                best_loss=self._best,
                since_best=self._since_best,
                stop_reason=self.stop_reason,
                message=self.message,
                history=self.history,
                previous=self._previous,
            )
            return state.to_dict([name for name, _ in self._named])

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore ``state_dict()`` output; ValueError says what does not fit.

        Nothing changes unless the whole state is valid.
        """
        with self._lock:
            names = [name for name, _ in self._named]
            checked, optimizer = check_trainer_state(state, names, self._new_optimizer)
            for p, value in zip(self._params, checked.parameters, strict=True):
                p.data, p.grad = value, 0.0
            self.optimizer = optimizer
            self._batch_rng = checked.batch_rng
            self.history = checked.history
            self._previous = checked.previous
            self.steps_done = checked.steps_done
            self._best = checked.best_loss
            self._since_best = checked.since_best
            self.stop_reason = checked.stop_reason
            self.message = checked.message
