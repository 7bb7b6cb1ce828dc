"""A config read without validation keeps the user's text for layers and features in to_dict."""

from __future__ import annotations

import pytest

from engine.config import ConfigError, TrainConfig


def test_text_layers_and_features_are_written_back_as_the_text_given():
    given = {"layers": "16 16", "features": "x1;x2"}
    config = TrainConfig.from_dict(given, validate=False)
    d = config.to_dict()
    assert (d["layers"], d["features"]) == ("16 16", "x1;x2")
    assert TrainConfig.from_dict(d, validate=False) == config
    # validating the written-back data gives the message the original text gets
    with pytest.raises(ConfigError) as original:
        TrainConfig.from_dict(given)
    with pytest.raises(ConfigError) as again:
        TrainConfig.from_dict(d)
    assert str(again.value) == str(original.value)
    assert "'16 16'" in str(original.value)
