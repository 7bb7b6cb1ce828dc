"""random_state as a numpy RandomState makes a fit reproducible, as in scikit-learn."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import make_moons

from engine.estimators import MLPClassifier


def test_the_same_random_state_instance_seed_gives_the_same_fit():
    X, y = make_moons(n_samples=30, noise=0.2, random_state=0)
    fits = []
    for _ in range(2):
        np.random.seed(None)  # the global numpy state must not matter
        model = MLPClassifier(layers=(4,), steps=3, random_state=np.random.RandomState(5))
        fits.append(model.fit(X, y).coefs_)
    for a, b in zip(*fits, strict=True):
        np.testing.assert_array_equal(a, b)
