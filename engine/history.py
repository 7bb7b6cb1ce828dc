"""What one training step reports, and the compact record of every step so far.

``StepResult`` is the small object ``Trainer.step()`` returns. ``History``
keeps all of them column by column in ``array('d')`` buffers (8 bytes per
number instead of a Python object per step), so a 20,000-step soak adds
about 2 MB, and a plot can take a whole column as a numpy array at once.

JSON form: ``History.to_dict()`` gives one list per field; non-finite
numbers become ``null`` (strict JSON has no NaN). Optional fields (test
metrics without a test set, RMSE for classification) are None in a
StepResult and NaN inside the columns.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

__all__ = ["History", "StepResult", "json_number"]


@dataclass(frozen=True)
class StepResult:
    """The outcome of one training step.

    ``step`` counts from 0 (micrograd's demo prints ``step 0`` first) and is
    also the argument of the learning-rate schedule. ``loss`` (data loss plus
    penalty) and ``accuracy`` are measured on the step's batch in its forward
    pass, before the update, exactly as micrograd's demo reports them; for
    regression ``accuracy`` holds R² and ``rmse`` the root mean squared
    error. Test metrics use the same weights as the forward pass (None
    without a test set). ``nodes`` counts the nodes of the step's graph.
    ``execution`` says which computed the step: "scalar" (the graph, whose
    size ``nodes`` counts) or "vectorized" (numpy; ``nodes`` is 0).
    ``finite`` is False when the loss, a gradient or an updated parameter
    was NaN or infinite; then ``message`` says which, and ``stop_reason`` is
    "diverged". ``stop_reason`` is "" while training continues, else one of
    "steps", "target_loss", "target_accuracy", "patience", "diverged".
    """

    step: int
    loss: float
    accuracy: float
    lr: float
    seconds: float
    nodes: int
    finite: bool = True
    rmse: float | None = None
    test_loss: float | None = None
    test_accuracy: float | None = None
    test_rmse: float | None = None
    message: str = ""
    stop_reason: str = ""
    execution: str = "scalar"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: non-finite numbers become None."""
        return {k: json_number(v) for k, v in asdict(self).items()}


def json_number(value: Any) -> Any:
    """``value`` with NaN and infinities replaced by None (strict JSON)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


_FLOATS = ("loss", "accuracy", "lr", "seconds")
_OPTIONAL_FLOATS = ("rmse", "test_loss", "test_accuracy", "test_rmse")
_INTS = ("step", "nodes")
_TEXTS = ("message", "stop_reason")
FIELDS = (
    "step",
    "loss",
    "accuracy",
    "lr",
    "seconds",
    "nodes",
    "finite",
    *_OPTIONAL_FLOATS,
    *_TEXTS,
    "execution",
)
#: Executions by their code in the history's "vectorized" column.
_EXECUTIONS = ("scalar", "vectorized")


def _nan_if_none(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else value


class History:
    """Every StepResult so far, stored as columns; indexable like a list."""

    def __init__(self) -> None:
        self._floats = {name: array("d") for name in (*_FLOATS, *_OPTIONAL_FLOATS)}
        self._ints = {name: array("q") for name in _INTS}
        self._finite = array("b")
        self._vectorized = array("b")  # 1 where the step ran vectorized
        # Text is rare (the last step, a divergence): keep it sparse.
        self._texts: dict[str, dict[int, str]] = {name: {} for name in _TEXTS}

    def __len__(self) -> int:
        return len(self._finite)

    def append(self, result: StepResult) -> None:
        """Record one step."""
        i = len(self)
        for name in _FLOATS:
            self._floats[name].append(float(getattr(result, name)))
        for name in _OPTIONAL_FLOATS:
            self._floats[name].append(_nan_if_none(getattr(result, name)))
        for name in _INTS:
            self._ints[name].append(int(getattr(result, name)))
        self._finite.append(1 if result.finite else 0)
        self._vectorized.append(1 if result.execution == "vectorized" else 0)
        for name in _TEXTS:
            if getattr(result, name):
                self._texts[name][i] = getattr(result, name)

    def clear(self) -> None:
        """Forget every step."""
        self.truncate(0)

    def truncate(self, n: int) -> None:
        """Keep the first ``n`` steps only (also repairs a half-finished append)."""
        for column in (
            *self._floats.values(),
            *self._ints.values(),
            self._finite,
            self._vectorized,
        ):
            del column[n:]
        for texts in self._texts.values():
            for i in [i for i in texts if i >= n]:
                del texts[i]

    def __getitem__(self, index: int) -> StepResult:
        n = len(self)
        if isinstance(index, slice):
            raise TypeError("History does not slice; use column(name)[a:b] or a loop")
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            steps = "step" if n == 1 else "steps"
            raise IndexError(f"step index {index} out of range for {n} recorded {steps}")
        values: dict[str, Any] = {name: self._floats[name][i] for name in _FLOATS}
        values.update({name: _none_if_nan(self._floats[name][i]) for name in _OPTIONAL_FLOATS})
        values.update({name: self._ints[name][i] for name in _INTS})
        values.update({name: self._texts[name].get(i, "") for name in _TEXTS})
        execution = _EXECUTIONS[self._vectorized[i]]
        return StepResult(finite=bool(self._finite[i]), execution=execution, **values)

    def __iter__(self) -> Iterator[StepResult]:
        return (self[i] for i in range(len(self)))

    def column(self, name: str) -> np.ndarray:
        """One field for every step as a float64 (or int64) numpy array (a copy)."""
        if name in self._floats:
            return np.array(self._floats[name], dtype=np.float64)
        if name in self._ints:
            return np.array(self._ints[name], dtype=np.int64)
        if name == "finite":
            return np.array(self._finite, dtype=bool)
        if name == "vectorized":
            return np.array(self._vectorized, dtype=bool)
        columns = [*self._ints, *self._floats, "finite", "vectorized"]
        raise KeyError(f"unknown history column {name!r}; columns: {', '.join(columns)}")

    # ------------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        """One JSON list per field; NaN/inf become null, texts are {index: text}."""
        d: dict[str, Any] = {
            name: [json_number(v) for v in column] for name, column in self._floats.items()
        }
        d.update({name: list(column) for name, column in self._ints.items()})
        d["finite"] = [bool(v) for v in self._finite]
        d["vectorized"] = list(self._vectorized)
        d.update(
            {name: {str(i): t for i, t in texts.items()} for name, texts in self._texts.items()}
        )
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> History:
        """Inverse of ``to_dict``; ValueError naming the field when the data is malformed."""
        if not isinstance(d, dict):
            raise ValueError(f"history must be an object of columns, got {type(d).__name__}")
        history = cls()
        n = len(d.get("finite", []) or [])
        for name in (*_FLOATS, *_OPTIONAL_FLOATS, *_INTS, "finite"):
            column = d.get(name)
            if not isinstance(column, list) or len(column) != n:
                raise ValueError(f"history column {name!r} is missing or not {_entries(n)} long")
        # Sessions from before the vectorized execution have no such column.
        vectorized = d.get("vectorized")
        if vectorized is None:
            vectorized = [0] * n
        if not isinstance(vectorized, list) or len(vectorized) != n:
            raise ValueError(f"history column 'vectorized' is not {_entries(n)} long")
        try:
            for name in (*_FLOATS, *_OPTIONAL_FLOATS):
                history._floats[name] = array("d", [_nan_if_none(v) for v in d[name]])
            for name in _INTS:
                history._ints[name] = array("q", [int(v) for v in d[name]])
            history._finite = array("b", [1 if v else 0 for v in d["finite"]])
            history._vectorized = array("b", [1 if v else 0 for v in vectorized])
            for name in _TEXTS:
                texts = d.get(name, {}) or {}
                history._texts[name] = {int(i): str(t) for i, t in texts.items()}
        except (TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise ValueError(f"history has a malformed entry: {exc}") from None
        return history


def _entries(n: int) -> str:
    return "1 entry" if n == 1 else f"{n} entries"
