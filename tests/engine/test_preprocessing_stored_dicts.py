"""Preprocessor.from_dict: saved preprocessings come back equal (one raw input too), the keys
a file may leave out mean the raw inputs unscaled, and a bad saved dict is refused in one
line that names the problem."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine.preprocessing import PreprocessingError, Preprocessor


def _through_json(p: Preprocessor) -> Preprocessor:
    return Preprocessor.from_dict(json.loads(json.dumps(p.to_dict())))


def test_a_fitted_preprocessing_of_one_raw_input_round_trips():
    rng = np.random.default_rng(0)
    X = rng.normal(50.0, 20.0, size=(30, 1))  # one column, far from unit scale
    y = rng.normal(300.0, 40.0, size=30)
    fitted = Preprocessor.fit(X, "x1,x1^2", "standardize", y)
    assert fitted.n_inputs == 1 and fitted.scaler.active and fitted.target.active
    loaded = _through_json(fitted)
    assert loaded == fitted
    np.testing.assert_array_equal(loaded.transform(X), fitted.transform(X))


def test_the_identity_of_one_input_round_trips():
    assert _through_json(Preprocessor.identity(1)) == Preprocessor.identity(1)


def test_without_features_or_scaling_a_saved_dict_means_the_raw_inputs_unscaled():
    assert Preprocessor.from_dict({"n_inputs": 2}) == Preprocessor.identity(2)
    loaded = Preprocessor.from_dict({"n_inputs": 3, "features": ["x1", "x3^2"]})
    assert loaded.feature_names == ("x1", "x3^2")
    assert loaded.scaler.kind == "none" and not loaded.target.active


@pytest.mark.parametrize(
    "saved, message",
    [
        ([2, ["x1"]], "'preprocessing' must be an object, got list"),
        ("x1,x2", "'preprocessing' must be an object, got str"),
        ({"n_inputs": 0}, "preprocessing 'n_inputs' must be a whole number >= 1, got 0"),
        ({"n_inputs": True}, "preprocessing 'n_inputs' must be a whole number >= 1, got True"),
        ({"features": []}, "preprocessing 'n_inputs' must be a whole number >= 1, got None"),
        (
            {"n_inputs": 2, "features": "x1,x2"},
            "preprocessing 'features' must be a list of names",
        ),
        (
            {"n_inputs": 2, "features": ["x1"], "scaling": {"kind": "whiten"}},
            "preprocessing: scaling 'whiten' is unknown; this version knows "
            "none, standardize, minmax",
        ),
    ],
)
def test_a_bad_saved_preprocessing_is_refused_in_one_line(saved, message):
    with pytest.raises(PreprocessingError) as info:
        Preprocessor.from_dict(saved)
    assert str(info.value) == message
