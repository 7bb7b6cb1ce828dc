"""``--preset NAME``: the names on offer, the demo's settings, and the message for a wrong name."""

from __future__ import annotations

import pytest

import engine.presets
from engine.config import ConfigError, TrainConfig
from engine.optim import make_schedule
from engine.presets import preset_config, preset_names


def test_the_presets_on_offer_are_named_in_order():
    assert preset_names() == ("micrograd-demo",)


def test_the_demo_preset_is_the_notebooks_run():
    config = preset_config("micrograd-demo")
    assert isinstance(config, TrainConfig)
    # micrograd's demo.ipynb: make_moons(n_samples=100, noise=0.1) after np.random.seed(1337),
    # MLP(2, [16, 16, 1]) after random.seed(1337), every point used for training
    assert (config.dataset, config.dataset_params) == ("moons", {"n_samples": 100, "noise": 0.1})
    assert (config.seed, config.weight_seed, config.test_fraction) == (1337, 1337, 0.0)
    assert (config.layers, config.activation, config.init) == ((16, 16), "relu", "micrograd")
    # the SVM max-margin loss plus 1e-4 * sum(p*p), full batch, 100 steps of plain SGD
    assert (config.loss, config.reg, config.reg_strength) == ("hinge", "l2", 1e-4)
    assert (config.optimizer, config.momentum, config.full_batch) == ("sgd", 0.0, True)
    assert config.steps == 100
    assert (config.target_loss, config.target_accuracy, config.patience) == (None, None, None)
    # the raw inputs in micrograd's scalar arithmetic, whatever "auto" would choose
    assert (config.features, config.scaling, config.execution) == ((), "none", "scalar")


def test_the_demo_presets_learning_rate_is_the_notebooks():
    config = preset_config("micrograd-demo")
    rate = make_schedule(config.schedule, config.lr, config.steps, final_lr=config.final_lr)
    for k in range(100):
        assert rate(k) == pytest.approx(1.0 - 0.9 * k / 100, rel=1e-12, abs=0.0)


def test_a_name_that_is_not_a_preset_is_refused_with_the_names_to_choose_from():
    with pytest.raises(ConfigError) as caught:
        preset_config("micrograd")
    assert caught.value.field == "preset"
    assert str(caught.value) == "preset: 'micrograd' is not a preset; choose one of micrograd-demo"


def test_the_names_to_choose_from_are_separated_by_commas(monkeypatch):
    # A second preset, as the next one added to PRESETS will be.
    monkeypatch.setitem(engine.presets.PRESETS, "tiny", {"layers": [4], "steps": 10})
    assert preset_names() == ("micrograd-demo", "tiny")
    assert preset_config("tiny").layers == (4,)
    with pytest.raises(ConfigError) as caught:
        preset_config("")
    assert str(caught.value) == "preset: '' is not a preset; choose one of micrograd-demo, tiny"


def test_changing_a_presets_config_leaves_the_preset_as_it_was():
    # A notebook user tries the demo with more noise; the next preset_config is the demo again.
    config = preset_config("micrograd-demo")
    config.dataset_params["noise"] = 0.3
    assert preset_config("micrograd-demo").dataset_params == {"n_samples": 100, "noise": 0.1}
