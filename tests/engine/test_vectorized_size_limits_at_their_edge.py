"""The vectorized execution's two limits, exactly at their edge: at the limit is allowed.

Its products may reach VECTORIZED_WORK_FACTOR x max_work, and its memory the
budget the scalar limits allow: max_nodes x BYTES_PER_NODE + max_work x
BYTES_PER_PRODUCT bytes. A network needing exactly that much trains; one unit
less of either setting refuses it, with a message that names the figures.
"""

from __future__ import annotations

import pytest

from engine.config import TrainConfig
from engine.size_guard import (
    BYTES_PER_NODE,
    BYTES_PER_PRODUCT,
    PARAMETER_NODE_SHARE,
    VECTORIZED_WORK_FACTOR,
    SizeError,
    check_size,
    estimate_size,
)

CONFIG = TrainConfig(layers=(8, 8), test_fraction=0)


def test_products_exactly_at_the_vectorized_limit_are_allowed_one_step_less_refused():
    work = estimate_size(CONFIG, 100, 2, 1, "vectorized").work
    assert work % VECTORIZED_WORK_FACTOR == 0  # so a max_work puts the limit exactly on it
    max_work = work // VECTORIZED_WORK_FACTOR
    assert check_size(CONFIG.replace(max_work=max_work), 100, 2, 1, "vectorized").work == work
    with pytest.raises(SizeError) as refused:
        check_size(CONFIG.replace(max_work=max_work - 1), 100, 2, 1, "vectorized")
    assert refused.value.field == "max_work"
    limit = (max_work - 1) * VECTORIZED_WORK_FACTOR
    assert f"over the vectorized limit of {limit:,} products (100 x max_work)" in str(refused.value)


def _settings_for_exactly(estimate) -> tuple[int, int]:
    """(max_nodes, max_work) whose memory budget is exactly the estimate's bytes."""
    needed = round(estimate.megabytes * 1e6)
    assert needed / 1e6 == estimate.megabytes  # a whole number of bytes
    max_work = -(-estimate.work // VECTORIZED_WORK_FACTOR)
    while (needed - BYTES_PER_PRODUCT * max_work) % BYTES_PER_NODE:
        max_work += 1
    max_nodes = int((needed - BYTES_PER_PRODUCT * max_work) // BYTES_PER_NODE)
    assert max_nodes >= PARAMETER_NODE_SHARE * estimate.parameters  # that limit stays clear
    return max_nodes, max_work


def test_memory_exactly_at_the_budget_is_allowed_one_node_less_refused():
    estimate = estimate_size(CONFIG, 10_000, 2, 1, "vectorized")
    max_nodes, max_work = _settings_for_exactly(estimate)
    exact = CONFIG.replace(max_nodes=max_nodes, max_work=max_work)
    assert check_size(exact, 10_000, 2, 1, "vectorized") == estimate
    with pytest.raises(SizeError) as refused:
        check_size(exact.replace(max_nodes=max_nodes - 1), 10_000, 2, 1, "vectorized")
    assert refused.value.field == "max_nodes"
    budget = ((max_nodes - 1) * BYTES_PER_NODE + max_work * BYTES_PER_PRODUCT) / 1e6
    assert (
        f"over the memory the limits allow ({budget:,.0f} MB for max_nodes "
        f"{max_nodes - 1:,} and max_work {max_work:,})" in str(refused.value)
    )
