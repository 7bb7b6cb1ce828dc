"""Fault matrix, load: a soak of micrograd's demo through the Trainer, memory flat, no slowdown.

The full soak (20,000 steps, about 4 minutes) is benchmarks/bench_soak.py;
its figures are in tests/faults/README.md. Here the same measurement runs
3,000 steps: 1,000 warm-up, then RSS must grow by less than 10 MB to the
end, and the last 1,000 steps must take less than 1.5 x the CPU time of
the first 1,000 after the warm-up (a ratio within one run; generous because
other programs share the machine; the precise figures are the benchmark's).

The demo's 100-step linear schedule (lr 1.0 -> 0.1) cannot be stretched
over thousands of steps, so the soak trains at a constant lr 0.1.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_soak.py"
STEPS, WARMUP, WINDOW = 3_000, 1_000, 1_000
MAX_GROWTH_MB = 10.0
MAX_CPU_RATIO = 1.5


def bench_soak():
    """benchmarks/bench_soak.py as a module (benchmarks/ is not a package)."""
    if "bench_soak" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_soak", BENCH)
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_soak"] = module  # its dataclass looks itself up there
        spec.loader.exec_module(module)
    return sys.modules["bench_soak"]


@pytest.fixture(scope="module")
def figures():
    return bench_soak().run_soak(STEPS, WARMUP, WINDOW)


@pytest.mark.slow
def test_the_soak_really_trains_the_demo(figures):
    # Not a vacuous loop: every step ran, nothing diverged, the demo was learned.
    assert figures.history_length == STEPS and figures.stop_reason == "steps"
    assert math.isfinite(figures.final_loss) and figures.final_loss < figures.first_loss / 10
    assert figures.final_accuracy == 1.0


@pytest.mark.slow
def test_memory_is_flat_after_warm_up(figures):
    assert figures.rss_after_warmup_mb > 0
    assert figures.rss_growth_mb < MAX_GROWTH_MB, figures


@pytest.mark.slow
def test_the_last_steps_are_no_slower_than_the_first(figures):
    assert figures.first_window_cpu_s > 0
    assert figures.cpu_ratio < MAX_CPU_RATIO, figures


def test_the_soak_config_is_the_demo_with_a_constant_lr():
    from engine.presets import preset_config

    module = bench_soak()
    trainer = module.soak_trainer(20_000)
    demo = preset_config("micrograd-demo")
    changed = {k: v for k, v in trainer.config.to_dict().items() if demo.to_dict()[k] != v}
    assert changed == {"schedule": "constant", "lr": 0.1, "final_lr": None, "steps": 20_000}
    assert len(trainer.y_train) == 100 and trainer.model.nouts == [16, 16, 1]
