"""Named starting configurations: ``--preset NAME`` on the command line and in the window.

``micrograd-demo`` is exactly the training run of micrograd's demo.ipynb:

.. code-block:: python

    np.random.seed(1337); random.seed(1337)
    X, y = make_moons(n_samples=100, noise=0.1)
    model = MLP(2, [16, 16, 1])                      # weights uniform(-1, 1)
    # hinge loss mean(relu(1 - y*score)) + 1e-4 * sum(p*p), full batch
    for k in range(100):
        ...
        learning_rate = 1.0 - 0.9*k/100              # SGD
        for p in model.parameters(): p.data -= learning_rate * p.grad

The moons plugin with seed 1337 draws the same points as numpy's global
generator seeded with 1337, and ``init="micrograd"`` with seed 1337 draws the
same weights as micrograd after ``random.seed(1337)``.
"""

from __future__ import annotations

import copy
from typing import Any

from engine.config import ConfigError, TrainConfig

__all__ = ["PRESETS", "preset_config", "preset_names"]

#: Each preset lists every setting it fixes; the rest keep TrainConfig's defaults.
PRESETS: dict[str, dict[str, Any]] = {
    "micrograd-demo": {
        "dataset": "moons",
        "dataset_params": {"n_samples": 100, "noise": 0.1},
        "seed": 1337,
        "init_seed": None,
        "test_fraction": 0.0,
        "layers": [16, 16],
        "activation": "relu",
        "init": "micrograd",
        "loss": "hinge",
        "reg": "l2",
        "reg_strength": 1e-4,
        "optimizer": "sgd",
        "lr": 1.0,
        "momentum": 0.0,
        "schedule": "linear",
        "final_lr": 0.1,
        "batch_size": None,
        "steps": 100,
        "target_loss": None,
        "target_accuracy": None,
        "patience": None,
        # micrograd's own arithmetic on the raw inputs, whatever "auto" would choose
        "features": [],
        "scaling": "none",
        "execution": "scalar",
    },
}


def preset_names() -> tuple[str, ...]:
    """Names accepted by ``--preset``."""
    return tuple(PRESETS)


def preset_config(name: str) -> TrainConfig:
    """The validated config of preset ``name``; ConfigError listing the names otherwise."""
    if name not in PRESETS:
        raise ConfigError(
            "preset", f"{name!r} is not a preset; choose one of {', '.join(preset_names())}"
        )
    # A deep copy: the config must not share dataset_params (a dict) with the preset.
    return TrainConfig.from_dict(copy.deepcopy(PRESETS[name]))
