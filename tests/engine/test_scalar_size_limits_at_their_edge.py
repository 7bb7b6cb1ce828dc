"""The scalar execution's limits, exactly at their edge: at the limit is allowed.

max_nodes bounds the nodes of one step's graph and max_work its parameter-input
products. A network needing exactly max_nodes nodes (or max_work products)
trains; one unit less of the setting refuses it, with a message that names the
figures. The figures here are those of a real step's graph, not the estimate.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.config import TrainConfig
from engine.size_guard import SizeError, SizeEstimate, estimate_size
from engine.train import Trainer

ADVICE = (
    "use fewer samples, a smaller batch size or smaller layers, "
    "or raise the limit if you have the memory and patience"
)
X = np.random.default_rng(0).normal(size=(20, 2))
Y = (X[:, 0] > 0).astype(float)
CONFIG = TrainConfig(layers=(4,), test_fraction=0, execution="scalar")
PARAMETERS = (2 + 1) * 4 + (4 + 1) * 1  # 17


def _real_step() -> tuple[Trainer, int, int]:
    """A trainer, the nodes of its step's graph (counted) and its products."""
    trainer = Trainer(CONFIG, X, Y, "binary")
    assert len(trainer.model.parameters()) == PARAMETERS
    return trainer, trainer.step().nodes, 20 * PARAMETERS


def test_a_scalar_estimate_is_the_real_step_and_keeps_no_arrays():
    trainer, nodes, work = _real_step()
    expected = SizeEstimate(
        nodes=nodes, work=work, parameters=PARAMETERS, batch=20, execution="scalar", floats=0
    )
    assert trainer.size == expected
    assert estimate_size(CONFIG, 20, 2, 1) == expected  # the default execution is the scalar one


def test_nodes_exactly_at_max_nodes_are_allowed_one_node_less_refused():
    _, nodes, work = _real_step()
    assert Trainer(CONFIG.replace(max_nodes=nodes), X, Y, "binary").size.nodes == nodes
    with pytest.raises(SizeError) as refused:
        Trainer(CONFIG.replace(max_nodes=nodes - 1), X, Y, "binary")
    message = str(refused.value)
    assert refused.value.field == "max_nodes"
    assert message.startswith(
        f"max_nodes: this network needs {nodes:,} nodes and {work:,} parameter-input products "
        f"per step (batch 20 x {PARAMETERS} parameters; about 0 MB and "
    )
    assert message.endswith(f" s per step), over the limit of {nodes - 1:,} nodes; {ADVICE}")


def test_products_exactly_at_max_work_are_allowed_one_product_less_refused():
    _, nodes, work = _real_step()
    assert Trainer(CONFIG.replace(max_work=work), X, Y, "binary").size.work == work
    with pytest.raises(SizeError) as refused:
        Trainer(CONFIG.replace(max_work=work - 1), X, Y, "binary")
    message = str(refused.value)
    assert refused.value.field == "max_work"
    assert message.startswith(
        f"max_work: this network needs {nodes:,} nodes and {work:,} parameter-input products "
    )
    assert message.endswith(f" s per step), over the limit of {work - 1:,} products; {ADVICE}")
