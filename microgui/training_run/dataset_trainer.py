"""A Trainer on a plugin's dataset: the one place that turns a hookspecs.Dataset into one.

The worker (a new run) and model_open (a model file's weights on the current data)
both build their Trainer here, so the arrays, task, class count and feature names a
run sees cannot differ between the two.
"""

from __future__ import annotations

from typing import Any

from engine.config import TrainConfig
from engine.train import Trainer

__all__ = ["trainer_for_dataset"]


def trainer_for_dataset(config: TrainConfig, dataset: Any, **options: Any) -> Trainer:
    """Trainer(config) on ``dataset`` (hookspecs.Dataset); ``options`` go to Trainer as they are
    (scaling_hint for a new run, preprocessor for a model file's own scaling)."""
    return Trainer(
        config,
        dataset.X,
        dataset.y,
        dataset.task,
        n_classes=len(dataset.class_names),
        feature_names=tuple(dataset.feature_names),
        **options,
    )
