"""A feature that overflows on the training data is refused by name, not trained into NaN.

x1^2 of an input near 1e200 is past the float range (about 1.8e308): the
network could only see inf, and training used to stop at step 0 on a NaN
loss with a numpy warning and a generic "check the data" message.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.config import ConfigError, TrainConfig
from engine.estimators import MLPClassifier
from engine.features import FeatureError
from engine.preprocessing import Preprocessor
from engine.train import Trainer

pytestmark = pytest.mark.filterwarnings("error")  # and no numpy overflow warning

X = np.array([[1e200, 1e150], [2e200, -1.0], [-1e200, 0.5], [3e199, 2.0]])


def refusal(features: str, X: np.ndarray = X, scaling: str = "standardize") -> str:
    with pytest.raises(FeatureError) as caught:
        Preprocessor.fit(X, features, scaling)
    return str(caught.value)


def test_a_square_beyond_the_float_range_is_named_with_its_input():
    assert refusal("x1,x1^2") == (
        "'x1^2' is beyond the float range on the training data: x1 reaches 2e+200; "
        "scale that input down in the data, or leave 'x1^2' out"
    )
    assert refusal("x1*x1", scaling="none") == refusal("x1^2", scaling="none")


def test_a_product_beyond_the_float_range_names_both_inputs():
    assert refusal("x2, x1*x2") == (
        "'x1*x2' is beyond the float range on the training data: "
        "x1 reaches 2e+200 and x2 reaches 1e+150; "
        "scale those inputs down in the data, or leave 'x1*x2' out"
    )


def test_the_datas_own_column_names_are_shown_beside_the_inputs():
    with pytest.raises(FeatureError) as caught:
        Preprocessor.fit(X, "x1*x2", "none", names=("size", "x2"))
    assert str(caught.value).startswith(
        "'x1*x2' is beyond the float range on the training data: "
        "x1 ('size') reaches 2e+200 and x2 reaches 1e+150; "
    )


def test_features_that_stay_in_range_are_fitted():
    pre = Preprocessor.fit(X, "x1, x2^2, sin(x1)", "standardize")
    assert pre.feature_names == ("x1", "x2^2", "sin(x1)")
    assert np.isfinite(pre.transform(X)).all()
    near_the_edge = np.array([[1e154], [-1e154], [3.0]])  # its square is 1e308
    assert Preprocessor.fit(near_the_edge, "x1^2", "none").feature_names == ("x1^2",)


@pytest.mark.parametrize("row", [0, 2])
def test_an_input_that_is_already_infinite_is_not_blamed_on_a_feature(row):
    with_inf = np.array([[3.0, 1.0], [1.0, 1.0], [2.0, 1.0]])
    with_inf[row, 0] = np.inf
    assert Preprocessor.fit(with_inf, "x1^2", "none").feature_names == ("x1^2",)


def test_the_trainer_names_the_datas_columns():
    config = TrainConfig(layers=(2,), features=("x1", "x1*x2"), scaling="none", test_fraction=0.0)
    with pytest.raises(ConfigError) as caught:
        Trainer(config, X, np.array([0, 1, 0, 1]), "binary", feature_names=("size", "width"))
    assert "data: x1 ('size') reaches 2e+200 and x2 ('width') reaches 1e+150; " in str(caught.value)


def test_the_estimator_refuses_it_as_a_features_setting():
    with pytest.raises(ConfigError) as caught:
        MLPClassifier(features="x1^2").fit(X, [0, 1, 0, 1])
    assert caught.value.field == "features"
    assert "'x1^2' is beyond the float range on the training data: x1 reaches" in str(caught.value)


def test_inputs_the_names_do_not_reach_keep_their_number():
    with pytest.raises(FeatureError) as caught:
        Preprocessor.fit(X, "x1*x2", "none", names=("size",))
    assert "data: x1 ('size') reaches 2e+200 and x2 reaches 1e+150; " in str(caught.value)
