"""What the model does to raw inputs before its first layer: features, then scaling.

raw X (n, d) -> features (n, m) -> scaling (n, m) -> MLP(m, ...) [-> unscaled target]

For regression the scaling also applies to the target (scikit-learn's
``TransformedTargetRegressor`` idiom): the network learns scaled targets,
and its outputs are scaled back, so a table whose target runs in the
hundreds trains at the usual learning rates and its predictions come out in
the target's own units.

A :class:`Preprocessor` is fitted once on the training split (the scaling's
statistics) and then travels with the model: in the Trainer (training, test
metrics, ``predict``), the session and the model file, the window's boundary
grid and hover, and the scalar graph of a clicked sample, where every
feature and every scaled input is a node with its gradient. It is frozen
plain data (tuples of floats), so it may cross threads as it is.

With no features (the raw inputs, in order) and no scaling it is the
identity and adds nothing anywhere: micrograd's demo is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.features import Feature, FeatureError, check_finite, check_inputs, parse_features
from engine.scaling import Scaler
from engine.value import Value

__all__ = ["PreprocessingError", "Preprocessor"]


class PreprocessingError(ValueError):
    """A stored preprocessing that cannot be used; the message says why."""


@dataclass(frozen=True)
class Preprocessor:
    """Features (canonical order) and a fitted scaling, for data with ``n_inputs`` columns."""

    n_inputs: int
    features: tuple[Feature, ...] = ()
    scaler: Scaler = field(default_factory=Scaler)
    target: Scaler = field(default_factory=Scaler)  # regression only (one column)

    def __post_init__(self) -> None:
        if not self.features:  # the raw inputs, spelled out once here
            object.__setattr__(
                self, "features", tuple(Feature("x", k) for k in range(self.n_inputs))
            )

    @classmethod
    def fit(
        cls,
        X_train: np.ndarray,
        features: Sequence[str] | str,
        scaling: str,
        y_train: np.ndarray | None = None,
        names: Sequence[str] = (),
    ) -> Preprocessor:
        """Features by name (``()`` = raw inputs) and ``scaling`` fitted on X_train (n, d).

        ``y_train``: regression targets, scaled the same way (None for classes).
        ``names``: the data's column names, for messages.
        FeatureError when a feature needs an input X_train does not have, or
        overflows on it (a square or product beyond the float range).
        """
        X_train = np.asarray(X_train, dtype=np.float64)
        d = X_train.shape[1]
        parsed = parse_features(features)
        check_inputs(parsed, d)
        plain = cls(d, parsed)
        target = Scaler()
        if y_train is not None:
            target = Scaler.fit(scaling, np.asarray(y_train, dtype=np.float64).reshape(-1, 1))
        with np.errstate(over="ignore"):  # refused below, naming the feature
            columns = plain.feature_matrix(X_train)
        check_finite(plain.features, X_train, columns, names)
        scaler = Scaler.fit(scaling, columns)
        return cls(d, plain.features, scaler, target)

    @classmethod
    def identity(cls, n_inputs: int) -> Preprocessor:
        """The raw inputs, unscaled."""
        return cls(n_inputs)

    # ------------------------------------------------------------------ shape

    @property
    def n_outputs(self) -> int:
        """Inputs of the network: one per feature."""
        return len(self.features)

    @property
    def raw_features(self) -> bool:
        """True when the features are exactly the raw inputs in order (no feature nodes)."""
        return all(f.kind == "x" and f.i == k for k, f in enumerate(self.features)) and (
            len(self.features) == self.n_inputs
        )

    @property
    def is_identity(self) -> bool:
        """True when the network sees the raw inputs (and targets) unchanged."""
        return self.raw_features and not self.scaler.active and not self.target.active

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Canonical feature names, e.g. ("x1", "x2", "x1^2")."""
        return tuple(f.name for f in self.features)

    @property
    def config_features(self) -> tuple[str, ...]:
        """The features as the config writes them: () for the raw inputs."""
        return () if self.raw_features else self.feature_names

    def input_labels(self, raw_names: Sequence[str], pretty: bool = False) -> tuple[str, ...]:
        """The network's inputs named with the data's columns, e.g. ("petal_width^2", ...).

        ``pretty``: as the window shows them ("petal_width²", "x1·x2").
        """
        names = tuple(raw_names) if len(raw_names) == self.n_inputs else ()
        if not names:
            names = tuple(f"x{k + 1}" for k in range(self.n_inputs))
        return tuple(f.label(names, pretty) for f in self.features)

    # ------------------------------------------------------------------ computing

    def feature_matrix(self, X: np.ndarray) -> np.ndarray:
        """The unscaled feature columns of X (n, d)."""
        X = self._check(X)
        if self.raw_features:
            return X
        out = np.empty((X.shape[0], len(self.features)), dtype=np.float64)
        for k, feature in enumerate(self.features):
            out[:, k] = feature.column(X)
        return out

    def transform(self, X: np.ndarray) -> np.ndarray:
        """The network's inputs for raw rows X (n, d): (n, n_outputs), float64."""
        with np.errstate(all="ignore"):  # a huge raw value gives inf, reported downstream
            return self.scaler.transform(self.feature_matrix(X))

    def scale_targets(self, y: np.ndarray) -> np.ndarray:
        """Regression targets as the network learns them (unchanged without target scaling)."""
        y = np.asarray(y, dtype=np.float64)
        return self.target.transform(y.reshape(-1, 1))[:, 0] if self.target.active else y

    def unscale_outputs(self, outputs: np.ndarray) -> np.ndarray:
        """The network's outputs (n, 1) in the target's own units (unchanged without)."""
        if not self.target.active:
            return outputs
        return outputs * self.target.scale[0] + self.target.shift[0]

    def values(self, inputs: Sequence[Value]) -> list[Value]:
        """The network's inputs as scalar nodes over the raw input Values (the graph view).

        Features are labelled ``feature.<name>``, scaled inputs ``scaled.<name>``.
        """
        if len(inputs) != self.n_inputs:
            raise ValueError(f"expected {self.n_inputs} raw inputs, got {len(inputs)}")
        nodes = []
        for feature in self.features:
            node = feature.value(inputs)
            if feature.kind != "x":
                node.label = f"feature.{feature.name}"
            nodes.append(node)
        if self.scaler.active:
            scaled = []
            for feature, node, shift, scale in zip(
                self.features, nodes, self.scaler.shift, self.scaler.scale, strict=True
            ):
                out = (node - shift) / scale
                out.label = f"scaled.{feature.name}"
                scaled.append(out)
            nodes = scaled
        return nodes

    def _check(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X.reshape(-1, 1) if self.n_inputs == 1 else X.reshape(1, -1)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(
                f"X must have shape (n, {self.n_inputs}) for this model, got {np.shape(X)}"
            )
        return X

    # ------------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: inputs, feature names and the fitted scaling."""
        d = {
            "n_inputs": self.n_inputs,
            "features": list(self.feature_names),
            "scaling": self.scaler.to_dict(),
        }
        if self.target.active:
            d["target_scaling"] = self.target.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: Any) -> Preprocessor:
        """Read ``to_dict`` output; PreprocessingError says what is wrong."""
        if not isinstance(d, dict):
            raise PreprocessingError(f"'preprocessing' must be an object, got {type(d).__name__}")
        n = d.get("n_inputs")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise PreprocessingError(
                f"preprocessing 'n_inputs' must be a whole number >= 1, got {n!r}"
            )
        names = d.get("features", [])
        if not isinstance(names, list):
            raise PreprocessingError("preprocessing 'features' must be a list of names")
        try:
            features = parse_features(names)
            check_inputs(features, n)
        except FeatureError as exc:
            raise PreprocessingError(f"preprocessing features: {exc}") from None
        plain = cls(n, features)
        try:
            scaler = Scaler.from_dict(d.get("scaling", {"kind": "none"}), plain.n_outputs)
            target = Scaler.from_dict(d.get("target_scaling", {"kind": "none"}), 1)
        except ValueError as exc:
            raise PreprocessingError(f"preprocessing: {exc}") from None
        return cls(n, plain.features, scaler, target)

    def describe(self) -> str:
        """One phrase: "features x1, x2, x1^2; standardized" (for summaries)."""
        parts = []
        if not self.raw_features:
            parts.append(f"features {', '.join(self.feature_names)}")
        parts.append(
            {"none": "unscaled", "standardize": "standardized", "minmax": "min-max scaled"}[
                self.scaler.kind
            ]
        )
        if self.target.active:
            parts[-1] += " (and the target)"
        return "; ".join(parts)
