"""Fault matrix, bad input: layer text and numbers, via the engine and via `microgui train`.

Every bad value must give one clear message naming the field, the bad
value and what is allowed: ``ConfigError`` from engine.config (or the size
guard's ``SizeError`` with its estimate), and through the CLI exit code 2
with exactly one line on stderr and no traceback.

Decisions recorded here (and in README.md):

* test fraction 0 is valid (micrograd's demo has no test set); 1 and
  negative values are errors;
* batch size 0 means full batch; a batch size larger than the training set
  is also full batch, as in micrograd's demo, where
  ``np.random.permutation(n)[:batch_size]`` takes every sample.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from fault_helpers import assert_one_line_error
from sklearn.datasets import make_moons

from engine.config import MAX_LAYER_SIZE, ConfigError, TrainConfig, parse_layers
from engine.size_guard import SizeError
from engine.train import Trainer

# (layer text, what the message must say)
BAD_LAYERS = [
    ("", "is empty"),
    ("abc", "'abc' is not a whole number"),
    ("16,,16", "empty size at position 2"),
    ("0", "at least 1 neuron, got 0"),
    ("-4", "at least 1 neuron, got -4"),
    ("1e9", "far too many"),
    ("16;16", "';' between sizes; separate them with commas"),
    ("10000", f"10000 neurons is more than the maximum {MAX_LAYER_SIZE}"),
]


def moons(n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    return make_moons(n_samples=n, noise=0.1, random_state=0)


def check_config_error(error: ConfigError, field: str, *must_say: str) -> None:
    assert error.field == field
    text = str(error)
    assert "\n" not in text
    assert text.startswith(f"{field}: ")
    for part in must_say:
        assert part in text, (part, text)


# ------------------------------------------------------------------ layers


@pytest.mark.parametrize(("text", "must_say"), BAD_LAYERS)
def test_bad_layer_text_is_refused_by_parse_layers(text, must_say):
    with pytest.raises(ConfigError) as info:
        parse_layers(text)
    check_config_error(info.value, "layers", must_say)
    # Every message shows the user what a good value looks like.
    assert "16,16" in str(info.value)


@pytest.mark.parametrize(("text", "must_say"), BAD_LAYERS)
def test_bad_layer_text_is_refused_by_validate(text, must_say):
    with pytest.raises(ConfigError) as info:
        TrainConfig(layers=text).validate()
    check_config_error(info.value, "layers", must_say)


@pytest.mark.parametrize(("text", "must_say"), BAD_LAYERS)
def test_bad_layer_text_on_the_command_line_is_one_line_and_exit_2(train_cli, text, must_say):
    result = train_cli(f"--layers={text}", "--steps", "1")
    assert_one_line_error(result, "--layers", must_say)


def test_good_layer_text_with_spaces_is_accepted():
    assert parse_layers(" 16 , 8 ") == (16, 8)
    assert parse_layers(str(MAX_LAYER_SIZE)) == (MAX_LAYER_SIZE,)


def test_a_10000_neuron_network_is_refused_by_the_size_guard_with_its_estimate():
    # Four layers of 2,500 (10,000 neurons) pass the per-layer cap; the size
    # guard, which knows the data, refuses them and says what they would cost.
    # Counted here by hand: (inputs + 1) x neurons per layer; one node per
    # hidden/output neuron per sample, one per parameter, 3 for loss + L2 + sum.
    parameters = 3 * 2500 + 3 * (2501 * 2500) + 2501
    batch = 80  # 100 moons, test fraction 0.2
    nodes = batch * (10_000 + 1) + parameters + 3
    config = TrainConfig(layers=(2500, 2500, 2500, 2500), execution="scalar")
    with pytest.raises(SizeError) as info:
        Trainer(config, *moons(), "binary")
    text = str(info.value)
    assert info.value.field == "max_nodes"
    assert f"needs {nodes:,} nodes and {batch * parameters:,} parameter-input products" in text
    assert f"batch {batch} x {parameters:,} parameters" in text
    assert " MB and " in text and " s per step" in text
    assert "over the limit of 2,000,000 nodes" in text
    assert "a smaller batch size or smaller layers" in text  # what to do


def test_a_10000_neuron_network_on_the_command_line_quotes_the_estimate(train_cli):
    result = train_cli(
        "--layers", "2500,2500,2500,2500", "--steps", "1", "--execution", "scalar"
    )  # fmt: skip
    assert_one_line_error(result, "--max-nodes", "19,567,584 nodes", "MB", "per step")
    # ... and what to do, in the command line's words
    assert "a smaller --batch-size or smaller --layers, or raise --max-nodes" in result.err


def test_the_vectorized_execution_has_its_own_limits():
    # The same network on "auto" would run vectorized (no graph: 18.8 million weights
    # in numpy): refused by the memory the limits allow, with its own estimate.
    parameters = 3 * 2500 + 3 * (2501 * 2500) + 2501
    with pytest.raises(SizeError) as info:
        Trainer(TrainConfig(layers=(2500, 2500, 2500, 2500)), *moons(), "binary")
    text = str(info.value)
    assert info.value.field == "max_nodes"
    assert f"needs {80 * parameters:,} parameter-input products per step, vectorized" in text
    assert "over the memory the limits allow (1,100 MB" in text
    # Few products for numpy, far too many nodes for the scalar graph: accepted vectorized.
    trainer = Trainer(TrainConfig(layers=(256, 256)), *moons(), "binary")
    assert trainer.execution == "vectorized" and trainer.size.nodes == 0


def test_the_size_guard_refuses_work_with_its_estimate():
    # Few nodes but many products: 80 samples x 4096 x 4096 weights.
    config = TrainConfig(layers=(4096, 4096), max_nodes=10**9, execution="scalar")
    with pytest.raises(SizeError) as info:
        Trainer(config, *moons(), "binary")
    assert info.value.field == "max_work"
    assert "over the limit of 20,000,000 products" in str(info.value)


def test_the_size_guard_refuses_nodes_too_with_its_estimate():
    config = TrainConfig(layers=(64, 64), max_nodes=1000, execution="scalar")
    with pytest.raises(SizeError) as info:
        Trainer(config, *moons(), "binary")
    assert info.value.field == "max_nodes"
    assert "over the limit of 1,000 nodes" in str(info.value)


# ------------------------------------------------------------------ learning rate

BAD_LR = [0, -1.0, math.nan, math.inf, -math.inf, "1,5"]


@pytest.mark.parametrize("lr", BAD_LR, ids=repr)
def test_bad_learning_rate_is_refused(lr):
    with pytest.raises(ConfigError) as info:
        TrainConfig(lr=lr).validate()
    check_config_error(info.value, "lr", "is not allowed", "a finite number > 0")
    shown = repr(lr) if isinstance(lr, str) else str(lr)
    assert shown in str(info.value)


@pytest.mark.parametrize(
    ("text", "shown"), [("0", "0"), ("-1", "-1"), ("nan", "nan"), ("inf", "inf")]
)
def test_bad_learning_rate_on_the_command_line(train_cli, text, shown):
    result = train_cli("--lr", text, "--steps", "1")
    assert_one_line_error(result, "--lr", shown, "a finite number > 0")


def test_decimal_comma_learning_rate_on_the_command_line_exits_2_naming_it(train_cli):
    result = train_cli("--lr", "1,5", "--steps", "1")
    assert result.code == 2
    assert "Traceback" not in result.err
    last = result.err_lines[-1]
    assert "--lr" in last and "'1,5'" in last


def test_decimal_comma_learning_rate_on_the_command_line_is_one_line(train_cli):
    assert_one_line_error(train_cli("--lr", "1,5", "--steps", "1"), "--lr", "1,5", "decimal point")


# ------------------------------------------------------------------ batch size


def first_steps(config: TrainConfig, n: int = 3) -> tuple[list[float], dict[str, float]]:
    trainer = Trainer(config, *moons(), "binary")
    losses = [trainer.step().loss for _ in range(n)]
    return losses, trainer.parameter_values()


@pytest.mark.parametrize("batch_size", [0, 80, 1000])
def test_batch_size_zero_or_larger_than_the_data_is_full_batch(batch_size):
    # 100 moons with test fraction 0.2: 80 training samples.
    full = first_steps(TrainConfig(batch_size=None))
    assert first_steps(TrainConfig(batch_size=batch_size)) == full
    assert first_steps(TrainConfig(batch_size=16)) != full  # the comparison can fail


@pytest.mark.parametrize("batch_size", [-1, 2.5, "8"], ids=repr)
def test_bad_batch_size_is_refused(batch_size):
    with pytest.raises(ConfigError) as info:
        TrainConfig(batch_size=batch_size).validate()
    check_config_error(info.value, "batch_size", "0 or empty means full batch")


def test_batch_size_on_the_command_line(train_cli, tmp_path):
    assert_one_line_error(train_cli("--batch-size=-1", "--steps", "1"), "--batch-size", "-1")
    ok = train_cli("--batch-size", "1000", "--steps", "2", "--session", str(tmp_path / "s.json"))
    assert ok.code == 0, ok.err
    assert (tmp_path / "s.json").is_file()


# ------------------------------------------------------------------ test fraction


def test_test_fraction_zero_is_valid_and_means_no_test_set():
    trainer = Trainer(TrainConfig(test_fraction=0.0), *moons(), "binary")
    assert len(trainer.y_train) == 100 and len(trainer.y_test) == 0
    result = trainer.step()
    assert math.isfinite(result.loss)
    assert result.test_loss is None and result.test_accuracy is None


@pytest.mark.parametrize("fraction", [1, 1.0, -0.1, -1, math.nan, "0.2"], ids=repr)
def test_bad_test_fraction_is_refused(fraction):
    with pytest.raises(ConfigError) as info:
        TrainConfig(test_fraction=fraction).validate()
    check_config_error(info.value, "test_fraction", "a number from 0 to below 1")


def test_a_test_fraction_that_leaves_no_training_sample_is_refused():
    with pytest.raises(ConfigError) as info:
        Trainer(TrainConfig(test_fraction=0.999), *moons(), "binary")
    check_config_error(info.value, "test_fraction", "leaves no training samples out of 100")


@pytest.mark.parametrize(("text", "shown"), [("1", "1.0"), ("-0.5", "-0.5")])
def test_bad_test_fraction_on_the_command_line(train_cli, text, shown):
    result = train_cli(f"--test-fraction={text}", "--steps", "1")
    assert_one_line_error(result, "--test-fraction", shown, "from 0 to below 1")


def test_test_fraction_zero_on_the_command_line_trains(train_cli):
    result = train_cli("--test-fraction", "0", "--steps", "2")
    assert result.code == 0, result.err
