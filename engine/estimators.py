"""microgui's MLP as scikit-learn estimators: ``MLPClassifier`` and ``MLPRegressor``.

Built on engine.train.Trainer (the same loop as the window and ``microgui
train``), so they work wherever scikit-learn takes an estimator: in a
``Pipeline``, ``cross_val_score``, ``GridSearchCV`` (``n_jobs > 1`` too: a
fitted estimator is plain numpy arrays and frozen dataclasses)::

    from sklearn.model_selection import GridSearchCV
    from engine.estimators import MLPClassifier

    search = GridSearchCV(MLPClassifier(), {"lr": [0.03, 0.1], "layers": [(16,), (32, 16)]})
    search.fit(X, y)

The parameters are microgui's own settings (engine.config.TrainConfig and
the ``microgui train`` options of the same names), with scikit-learn's
``random_state`` for the seed. Where scikit-learn's MLP has a similar
setting the meaning differs, so the names do too:

==========================  =============================================
scikit-learn's MLP          here
==========================  =============================================
``hidden_layer_sizes``      ``layers``
``solver``                  ``optimizer`` ("sgd" or "adam")
``learning_rate_init``      ``lr`` (``schedule``: constant/linear/cosine/step)
``max_iter`` (epochs)       ``steps`` (one batch each; full batch by default)
``alpha`` (on weights,      ``reg_strength`` x sum(p^2) over weights *and*
0.5 alpha ||W||^2 / n)      biases (``reg``: "l2", "l1" or "none")
``batch_size="auto"``       ``batch_size=None``: every sample in every step
==========================  =============================================

Defaults are microgui's (``init="auto"``: micrograd's uniform(-1, 1) up to
3 inputs, scikit-learn's Glorot uniform beyond), with two differences that
suit tables: the classifier's ``loss="auto"`` is the log loss (binary
cross-entropy, or softmax cross-entropy for more classes), so
``predict_proba`` means something; and ``execution="vectorized"`` (numpy;
"scalar" builds micrograd's graph and gives the same numbers, slowly). ``scaling="auto"``
standardizes features far from unit scale (inside a Pipeline after a
StandardScaler it leaves them alone); ``features`` adds input features such
as "x1^2,x1*x2,sin(x1)"; both are fitted on the data given to ``fit`` and
applied by every ``predict``.

A run that diverges keeps the last finite weights and warns
(``ConvergenceWarning``) with the engine's message.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from engine.config import MAX_SEED, TrainConfig
from engine.metrics import classify
from engine.train import Trainer
from engine.vectorized import ArrayMLP

__all__ = ["MLPClassifier", "MLPRegressor"]

_PROBABILISTIC = ("auto", "bce", "softmax_ce")


class _MLPBase(BaseEstimator):
    """What both estimators share: the settings, fitting with the Trainer, the forward pass."""

    _task_kind = ""

    def __init__(
        self,
        layers: tuple[int, ...] = (16, 16),
        activation: str = "relu",
        init: str = "auto",
        loss: str = "auto",
        reg: str = "l2",
        reg_strength: float = 1e-4,
        optimizer: str = "sgd",
        lr: float = 0.1,
        momentum: float = 0.0,
        betas: tuple[float, float] = (0.9, 0.999),
        schedule: str = "constant",
        final_lr: float | None = None,
        batch_size: int | None = None,
        steps: int = 100,
        features: str | tuple[str, ...] = (),
        scaling: str = "auto",
        execution: str = "vectorized",
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        self.layers = layers
        self.activation = activation
        self.init = init
        self.loss = loss
        self.reg = reg
        self.reg_strength = reg_strength
        self.optimizer = optimizer
        self.lr = lr
        self.momentum = momentum
        self.betas = betas
        self.schedule = schedule
        self.final_lr = final_lr
        self.batch_size = batch_size
        self.steps = steps
        self.features = features
        self.scaling = scaling
        self.execution = execution
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting

    def _config(self, loss: str) -> TrainConfig:
        """The TrainConfig these settings describe (ConfigError, a ValueError, if invalid)."""
        seed = self.random_state
        if not isinstance(seed, numbers.Integral) or isinstance(seed, bool):
            seed = int(check_random_state(seed).randint(MAX_SEED))
        layers = self.layers
        if isinstance(layers, numbers.Integral) and not isinstance(layers, bool):
            layers = (int(layers),)  # scikit-learn users write hidden_layer_sizes=32
        return TrainConfig(
            dataset="estimator",
            seed=int(seed),
            test_fraction=0.0,  # scikit-learn splits; fit uses every row it is given
            layers=layers,
            activation=self.activation,
            init=self.init,
            loss=loss,
            reg=self.reg,
            reg_strength=self.reg_strength,
            optimizer=self.optimizer,
            lr=self.lr,
            momentum=self.momentum,
            betas=self.betas,
            schedule=self.schedule,
            final_lr=self.final_lr,
            batch_size=self.batch_size,
            steps=self.steps,
            features=self.features,
            scaling=self.scaling,
            execution=self.execution,
        ).validate()

    def _train(self, X: np.ndarray, y: np.ndarray, task: str, loss: str, n_classes: int) -> None:
        names = tuple(str(n) for n in getattr(self, "feature_names_in_", ()))
        trainer = Trainer(self._config(loss), X, y, task, n_classes or None, feature_names=names)
        trainer.run()
        if trainer.diverged:
            warnings.warn(trainer.message, ConvergenceWarning, stacklevel=3)
        history = trainer.history
        weights = trainer.weight_arrays()
        self.coefs_ = [w.T.copy() for w, _ in weights]  # scikit-learn's (n_in, n_out)
        self.intercepts_ = [b.copy() for _, b in weights]
        self.preprocessor_ = trainer.preprocessor
        self.loss_curve_ = [r.loss for r in history if r.finite]
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else float("nan")
        self.n_iter_ = trainer.steps_done
        self.n_layers_ = len(weights) + 1
        self.n_outputs_ = trainer.nout
        self.loss_function_ = trainer.loss_name
        self.execution_ = trainer.execution
        self.scaling_ = trainer.scaling

    def _outputs(self, X: Any) -> np.ndarray:
        """The network's outputs (n, nout) for raw rows X, regression targets unscaled."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        arrays = [(w.T, b) for w, b in zip(self.coefs_, self.intercepts_, strict=True)]
        with np.errstate(all="ignore"):
            Z = self.preprocessor_.transform(X)
            outputs = ArrayMLP.from_weight_arrays(arrays, self.activation).forward(Z)[0]
        return self.preprocessor_.unscale_outputs(outputs)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.target_tags.multi_output = False
        return tags


class MLPClassifier(ClassifierMixin, _MLPBase):
    """A microgui MLP for classification (see the module docstring for the parameters).

    ``loss="auto"`` is binary cross-entropy for two classes and softmax
    cross-entropy for more; "hinge" (micrograd's demo loss) and "mse" work
    too but give no probabilities. Fitted: ``classes_``, ``n_features_in_``,
    ``coefs_``/``intercepts_``, ``loss_curve_``, ``n_iter_``, ``execution_``
    and ``scaling_`` (what "auto" chose), ``preprocessor_``.
    """

    def fit(self, X: Any, y: Any) -> MLPClassifier:
        """Train on (X, y); y holds any labels (numbers or text)."""
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        k = len(self.classes_)
        if k < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes in y; got 1 class "
                f"({self.classes_.tolist()[0]!r})"  # 0.0, not np.float64(0.0)
            )
        task = "binary" if k == 2 else "multiclass"
        loss = self.loss
        if loss == "auto":
            loss = "bce" if k == 2 else "softmax_ce"
        self._train(X, encoded.astype(np.float64), task, loss, k)
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """Scores: (n,) for two classes (> 0 means ``classes_[1]``), (n, k) logits for more."""
        outputs = self._outputs(X)
        if len(self.classes_) > 2:
            return outputs
        if outputs.shape[1] == 2:  # softmax over two classes: the difference of the logits
            return outputs[:, 1] - outputs[:, 0]
        return outputs[:, 0]

    def predict(self, X: Any) -> np.ndarray:
        """The predicted label of each row (one of ``classes_``)."""
        outputs = self._outputs(X)
        return self.classes_[classify(outputs, "softmax_ce" if outputs.shape[1] > 1 else "")]

    def _has_probabilities(self) -> bool:
        if self.loss not in _PROBABILISTIC:
            raise AttributeError(
                f"predict_proba needs a probabilistic loss (auto, bce or softmax_ce), "
                f"not loss={self.loss!r}; use decision_function for scores"
            )
        return True

    @available_if(_has_probabilities)
    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities (n, k), columns in ``classes_`` order."""
        outputs = self._outputs(X)
        with np.errstate(all="ignore"):
            if outputs.shape[1] == 1:  # bce: the sigmoid of the logit
                p = 0.5 * (1.0 + np.tanh(0.5 * outputs[:, 0]))
                return np.column_stack([1.0 - p, p])
            z = outputs - outputs.max(axis=1, keepdims=True)
            e = np.exp(z)
            return e / e.sum(axis=1, keepdims=True)

    @available_if(_has_probabilities)
    def predict_log_proba(self, X: Any) -> np.ndarray:
        """The log of ``predict_proba``."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        return tags


class MLPRegressor(RegressorMixin, _MLPBase):
    """A microgui MLP for regression with the squared error (see the module docstring).

    With scaling (``scaling="auto"`` on a target far from unit scale, or
    "standardize"/"minmax"), the target is scaled for training and the
    predictions are scaled back. One target: for several, fit one regressor
    per column (sklearn.multioutput.MultiOutputRegressor).
    """

    def fit(self, X: Any, y: Any) -> MLPRegressor:
        """Train on (X, y) with y a number per row."""
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        if self.loss not in ("auto", "mse"):
            raise ValueError(f"loss={self.loss!r} does not fit regression; use 'auto' or 'mse'")
        self._train(X, y.astype(np.float64), "regression", "mse", 0)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The predicted target of each row, in y's units."""
        return self._outputs(X)[:, 0]
