"""The whole message for a network with more parameters than max_nodes allows."""

from __future__ import annotations

import pytest

from engine.config import TrainConfig
from engine.size_guard import SizeError, check_size


@pytest.mark.parametrize("execution", ["scalar", "vectorized"])
def test_too_many_parameters_names_the_count_the_limit_and_what_to_do(execution):
    # layers (10,) between 2 inputs and 1 output: 3 * 10 + 11 = 41 parameters
    config = TrainConfig(layers=(10,), batch_size=1, max_nodes=4 * 41 - 1)
    with pytest.raises(SizeError) as info:
        check_size(config, 50, 2, 1, execution)
    assert str(info.value) == (
        "max_nodes: this network has 41 parameters, over the limit of 40 (max_nodes / 4): "
        "each is a Value built with the model, about 0.00029 s for this one; "
        "use smaller layers, or raise the limit if you have the memory and patience"
    )
