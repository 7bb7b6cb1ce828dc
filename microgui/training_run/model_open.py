"""Open a model file (engine.modelio JSON) as the starting weights of the window's run.

The model brings its network (hidden layers, activation, initialisation),
its weights and what it does to raw inputs (input features and the scaling
fitted when it was trained: used as stored, never refitted); the data and
the training settings stay the window's. Runs in
the worker thread: a model file may hold millions of weights. Everything
that does not fit is a ModelOpenError in one line naming the file, the
mismatch and what to do; nothing is changed until the whole model fits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.config import TrainConfig
from engine.modelio import load_model_file
from engine.train import Trainer
from microgui.training_run.dataset_trainer import trainer_for_dataset


class ModelOpenError(ValueError):
    """The model file is fine but cannot be used with this window's data or limits."""


def trainer_for_model(
    path: str,
    base: TrainConfig,
    dataset: Any,
    max_neurons: int,
    max_layers: int,
) -> Trainer:
    """A Trainer of `base` on `dataset` whose network and weights are the model file's.

    Raises engine.modelio.ModelFileError (the file), ModelOpenError (the fit)
    or engine.config.ConfigError (e.g. the size guard).
    """
    loaded = load_model_file(path)
    model, preprocessor = loaded.model, loaded.preprocessor
    name = Path(path)
    features = dataset.X.shape[1] if dataset.X.ndim == 2 else 1
    if preprocessor.n_inputs != features:
        raise ModelOpenError(
            f"{name}: the model takes {preprocessor.n_inputs} inputs but {base.dataset} has "
            f"{features} features; choose a dataset with {preprocessor.n_inputs} features, "
            "then open the model again"
        )

    hidden = tuple(model.nouts[:-1])
    if not hidden or len(hidden) > max_layers or max(hidden) > max_neurons:
        shape = ",".join(map(str, hidden)) or "none"
        raise ModelOpenError(
            f"{name}: the model has hidden layers {shape}; the window trains 1 to "
            f"{max_layers} layers of at most {max_neurons} neurons "
            "(train it with 'microgui train' instead)"
        )
    config = base.replace(layers=hidden, activation=model.activation, init=model.init)
    trainer = trainer_for_dataset(config, dataset, preprocessor=preprocessor)
    if trainer.nout != model.nouts[-1]:
        raise ModelOpenError(
            f"{name}: the model gives {model.nouts[-1]} outputs but {base.dataset} "
            f"({trainer.task}, loss {trainer.loss_name}) needs {trainer.nout}; "
            "choose a dataset (or loss) it was trained for"
        )
    trainer.set_parameter_values({n: p.data for n, p in model.named_parameters()})
    return trainer
