"""How a Trainer step computes: the scalar graph (the definition) or numpy arrays (fast).

Both executions train the same MLP with the same loss, penalty, optimizer
and schedule, on the same batches; the Trainer drives either through the
same few calls, one step at a time::

    loss, outputs = execution.forward(rows)   # total loss (data + penalty), (n, nout)
    execution.backward()                      # gradients of every parameter
    execution.update(lr)                      # the optimizer's step

* :class:`ScalarExecution` builds micrograd's graph: one ``Value`` per
  number, ``backward()`` by the chain rule, the optimizers of engine.optim.
  Its parameters are the ``MLP``'s Values.
* :class:`VectorizedExecution` runs engine.vectorized's array twins of the
  same formulas and engine.optim_arrays' optimizers on one flat parameter
  vector. The ``MLP``'s Values are brought up to date only when someone
  reads the model (a snapshot, a save, the graph view), so a step costs a
  few matrix products and no Python loop over parameters.

Parameters, gradients and optimizer states keep one order and one JSON
form in both (``MLP.parameters()`` order), so sessions and save points move
freely between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from engine.fast import mlp_forward_numpy, model_weight_arrays
from engine.graph import topological_order
from engine.losses import LOSSES, l1_penalty, l2_penalty
from engine.metrics import penalty_numpy
from engine.nn import MLP
from engine.optim import OPTIMIZERS
from engine.optim_arrays import ARRAY_OPTIMIZERS
from engine.vectorized import ArrayMLP, flat_parameters, loss_and_gradient, penalty_and_gradient

__all__ = ["ScalarExecution", "VectorizedExecution", "json_ready", "make_execution"]


class _Shared:
    """What both executions keep: the model, its parameter names, the data and the penalty."""

    name = ""

    def __init__(
        self, model: MLP, loss: str, reg: str, reg_strength: float, optimizer: dict[str, Any]
    ) -> None:
        self._model = model
        named = model.named_parameters()
        self.names = [name for name, _ in named]
        self._params = [p for _, p in named]
        self.loss = loss
        self.reg = reg
        self.reg_strength = float(reg_strength)
        self._optimizer_settings = dict(optimizer)
        self.nodes = 0  # nodes of one step's graph (0: no graph is built)

    def first_nonfinite(self, values: np.ndarray | Sequence[float]) -> tuple[str, float] | None:
        """(name, value) of the first non-finite entry (in parameter order), or None."""
        array = np.asarray(values, dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(array))
        if not bad.size:
            return None
        k = int(bad[0])
        return self.names[k], float(array[k])

    def largest_parameter(self) -> tuple[str, float]:
        """(name, value) of the parameter largest in size (divergence messages)."""
        values = np.asarray(self.parameter_values(), dtype=np.float64)
        k = int(np.argmax(np.abs(values)))
        return self.names[k], float(values[k])

    def parameter_values(self) -> Sequence[float]:  # pragma: no cover - abstract
        raise NotImplementedError

    def penalty(self) -> float:
        """The regularisation term of the current weights (the test loss adds it)."""
        return penalty_numpy(self.parameter_values(), self.reg, self.reg_strength)


class ScalarExecution(_Shared):
    """The scalar graph: forward, loss and penalty as Values, then ``backward()``."""

    name = "scalar"

    def __init__(self, model: MLP, Z_train: np.ndarray, targets: np.ndarray, *args: Any) -> None:
        super().__init__(model, *args)
        self._rows = np.asarray(Z_train, dtype=np.float64).tolist()
        self._targets = np.asarray(targets).tolist()
        self._total = None
        self.optimizer = self.new_optimizer()

    def new_optimizer(self) -> Any:
        """A fresh optimizer of the configured kind over the model's Values."""
        settings = dict(self._optimizer_settings)
        kind = settings.pop("kind")
        return OPTIMIZERS[kind](self._params, **settings)

    @property
    def model(self) -> MLP:
        """The MLP, its Values holding the current weights."""
        return self._model

    def forward(self, rows: np.ndarray | None) -> tuple[float, np.ndarray]:
        """Total loss of the batch (``rows``: indices, None for every row) and the outputs."""
        if rows is None:
            xs, ts = self._rows, self._targets
        else:
            chosen = rows.tolist()
            xs = [self._rows[i] for i in chosen]
            ts = [self._targets[i] for i in chosen]
        outputs = self._model.forward_batch(xs)
        total = LOSSES[self.loss](outputs, ts)
        if self.reg == "l2":
            total = total + l2_penalty(self._params, self.reg_strength)
        elif self.reg == "l1":
            total = total + l1_penalty(self._params, self.reg_strength)
        if isinstance(outputs[0], list):
            out = np.array([[v.data for v in row] for row in outputs], dtype=np.float64)
        else:
            out = np.array([o.data for o in outputs], dtype=np.float64).reshape(-1, 1)
        if not self.nodes:  # constant from step to step: count once
            self.nodes = len(topological_order(total))
        self._total = total
        return total.data, out

    def backward(self) -> None:
        """Every parameter's gradient of the last forward's loss."""
        self.optimizer.zero_grad()
        self._total.backward()
        self._total = None  # the graph is freed at once

    def update(self, lr: float) -> None:
        """The optimizer's step at learning rate ``lr``."""
        self.optimizer.step(lr)

    def discard(self) -> None:
        """Drop the last forward's graph (a step that does not update)."""
        self._total = None

    def gradients(self) -> np.ndarray:
        """The parameters' gradients, in ``parameters()`` order."""
        return np.array([p.grad for p in self._params], dtype=np.float64)

    def parameter_values(self) -> list[float]:
        """The parameters' values, in ``parameters()`` order."""
        return [p.data for p in self._params]

    def set_parameter_values(self, values: Sequence[float]) -> None:
        """Overwrite every parameter (in order) and clear the gradients."""
        for p, value in zip(self._params, values, strict=True):
            p.data = float(value)
            p.grad = 0.0

    def set_parameter(self, index: int, value: float) -> float:
        """Set parameter number ``index`` (gradients and optimizer state kept); the old value."""
        p = self._params[index]
        old, p.data = p.data, value
        return old

    def save_point(self) -> tuple[list[float], dict]:
        """The weights and optimizer state, to ``restore`` after a failed step."""
        return [p.data for p in self._params], self.optimizer.state_dict()

    def restore(self, saved: tuple[Sequence[float], dict]) -> None:
        """Back to a ``save_point()`` (or its JSON form)."""
        self.set_parameter_values(saved[0])
        self.optimizer.load_state_dict(saved[1])

    def grads_nonfinite(self) -> tuple[str, float] | None:
        return self.first_nonfinite([p.grad for p in self._params])

    def values_nonfinite(self) -> tuple[str, float] | None:
        return self.first_nonfinite([p.data for p in self._params])

    def predict(self, Z: np.ndarray) -> np.ndarray:
        """Outputs (n, nout) for network inputs Z, by numpy (engine.fast)."""
        with np.errstate(all="ignore"):  # as the vectorized execution: inf and nan, no warning
            return mlp_forward_numpy(self._model, Z, exact=False)

    def weight_arrays(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return model_weight_arrays(self._model)


class VectorizedExecution(_Shared):
    """engine.vectorized on a flat parameter vector; the MLP's Values are synced on reading."""

    name = "vectorized"

    def __init__(self, model: MLP, Z_train: np.ndarray, targets: np.ndarray, *args: Any) -> None:
        super().__init__(model, *args)
        self._Z = np.ascontiguousarray(Z_train, dtype=np.float64)
        self._targets = np.asarray(targets)
        self._flat = flat_parameters(model)
        self._net = ArrayMLP.of(model, self._flat)
        self._grads = np.zeros_like(self._flat)
        self._pending: tuple | None = None
        self._stale = False  # the MLP's Values are behind the flat vector
        self._lent = False  # the MLP was handed out and its Values may have changed
        self.optimizer = self.new_optimizer()

    def new_optimizer(self) -> Any:
        """A fresh array optimizer of the configured kind over the flat parameters."""
        settings = dict(self._optimizer_settings)
        kind = settings.pop("kind")
        return ARRAY_OPTIMIZERS[kind](self._flat.size, **settings)

    @property
    def model(self) -> MLP:
        """The MLP, its Values brought up to the current weights first.

        Whoever reads the model may also change its Values (as with the
        scalar execution); the flat vector takes them back before it is used.
        """
        if self._stale:
            for p, value in zip(self._params, self._flat.tolist(), strict=True):
                p.data = value
            self._stale = False
        self._lent = True
        return self._model

    def _reclaim(self) -> None:
        """Take the Values back into the flat vector if the model was handed out."""
        if self._lent:
            self._flat[:] = [p.data for p in self._params]
            self._lent = False

    def forward(self, rows: np.ndarray | None) -> tuple[float, np.ndarray]:
        """Total loss of the batch (``rows``: indices, None for every row) and the outputs."""
        self._reclaim()
        Z = self._Z if rows is None else self._Z[rows]
        targets = self._targets if rows is None else self._targets[rows]
        # Quiet like the scalar execution (Python floats overflow to inf without a word):
        # a non-finite loss is reported by the Trainer as the step that diverged.
        with np.errstate(all="ignore"):
            outputs, cache = self._net.forward(Z, keep=True)
            data_loss, d_out = loss_and_gradient(outputs, targets, self.loss)
            penalty, d_penalty = penalty_and_gradient(self._flat, self.reg, self.reg_strength)
        self._pending = (cache, d_out, d_penalty)
        return data_loss + penalty, outputs

    def penalty(self) -> float:
        """The regularisation term of the current weights, in numpy (no Python loop)."""
        self._reclaim()
        with np.errstate(all="ignore"):  # huge weights: inf, as the scalar execution gives
            return penalty_and_gradient(self._flat, self.reg, self.reg_strength, gradient=False)[0]

    def backward(self) -> None:
        """Every parameter's gradient of the last forward's loss."""
        cache, d_out, d_penalty = self._pending
        self._pending = None
        grads = self._net.backward(cache, d_out)
        if d_penalty is not None:
            grads += d_penalty
        self._grads = grads

    def update(self, lr: float) -> None:
        """The optimizer's step at learning rate ``lr``, on the flat vector in place."""
        with np.errstate(all="ignore"):  # a non-finite weight is reported by the Trainer
            self.optimizer.step(self._flat, self._grads, lr)
        self._stale = True

    def discard(self) -> None:
        """Drop the last forward's arrays (a step that does not update)."""
        self._pending = None

    def gradients(self) -> np.ndarray:
        """The parameters' gradients, in ``parameters()`` order."""
        return self._grads.copy()

    def parameter_values(self) -> list[float]:
        """The parameters' values, in ``parameters()`` order."""
        self._reclaim()
        return self._flat.tolist()

    def set_parameter_values(self, values: Sequence[float]) -> None:
        """Overwrite every parameter (in order) and clear the gradients."""
        self._lent = False
        self._flat[:] = np.asarray(values, dtype=np.float64)
        self._grads = np.zeros_like(self._flat)
        self._stale = True

    def set_parameter(self, index: int, value: float) -> float:
        """Set parameter number ``index`` (gradients and optimizer state kept); the old value."""
        self._reclaim()
        old = float(self._flat[index])
        self._flat[index] = value
        self._stale = True
        return old

    def save_point(self) -> tuple[np.ndarray, dict]:
        """Copies of the weights and optimizer state (arrays: no per-parameter Python work)."""
        self._reclaim()
        return self._flat.copy(), self.optimizer.snapshot()

    def restore(self, saved: tuple[Sequence[float], dict]) -> None:
        """Back to a ``save_point()`` (or its JSON form)."""
        self.set_parameter_values(saved[0])
        self.optimizer.load_state_dict(saved[1])

    def grads_nonfinite(self) -> tuple[str, float] | None:
        return self.first_nonfinite(self._grads)

    def values_nonfinite(self) -> tuple[str, float] | None:
        self._reclaim()
        return self.first_nonfinite(self._flat)

    def predict(self, Z: np.ndarray) -> np.ndarray:
        """Outputs (n, nout) for network inputs Z."""
        self._reclaim()
        with np.errstate(all="ignore"):
            return self._net.forward(np.asarray(Z, dtype=np.float64))[0]

    def weight_arrays(self) -> list[tuple[np.ndarray, np.ndarray]]:
        self._reclaim()
        return self._net.weight_arrays()


def make_execution(
    name: str,
    model: MLP,
    Z_train: np.ndarray,
    targets: np.ndarray,
    loss: str,
    reg: str,
    reg_strength: float,
    optimizer: dict[str, Any],
) -> ScalarExecution | VectorizedExecution:
    """The execution ``name`` ("scalar" or "vectorized") of one training run."""
    kind = {"scalar": ScalarExecution, "vectorized": VectorizedExecution}[name]
    return kind(model, Z_train, targets, loss, reg, reg_strength, optimizer)


def json_ready(value: Any) -> Any:
    """``value`` with numpy arrays (a vectorized save point) turned into lists, for JSON."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(json_ready(v) for v in value)
    return value
