"""Per-step cost of engine.train.Trainer against samples x nodes: is it linear?

Usage: python benchmarks/bench_trainer.py [--steps 5]

Trains moons (full batch, hinge + L2, SGD) for a grid of sample counts and
layer widths, and prints, for each, the median CPU seconds per Trainer step
(``time.process_time``, so other programs disturb it less), the graph nodes
per step, the parameter-input products per step ("work", samples x
parameters) and the time per node and per product. If the cost is linear,
time per node stays roughly constant down the table while seconds per step
grow by two orders of magnitude, and doubling the samples doubles the time.
Also printed: the size guard's estimate next to the real node count, and
the seconds it predicts.

Not a test: timings are only compared within this one run.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.size_guard import estimate_size
from engine.train import Trainer

GRID = [
    (50, (8, 8)),
    (100, (16, 16)),
    (200, (16, 16)),
    (400, (16, 16)),
    (100, (32, 32)),
    (200, (32, 32)),
    (250, (64, 64)),
    (500, (64, 64)),
]


def seconds_per_step(samples: int, layers: tuple[int, ...], steps: int) -> tuple[float, int, int]:
    """(median CPU seconds per step, nodes per step, work per step)."""
    X, y = make_moons(n_samples=samples, noise=0.1, random_state=0)
    config = TrainConfig(layers=layers, steps=steps + 1, test_fraction=0.0, lr=0.05)
    trainer = Trainer(config, X, y, "binary")
    trainer.step()  # warm-up: counts the nodes once
    times = []
    for _ in range(steps):
        start = time.process_time()
        result = trainer.step()
        times.append(time.process_time() - start)
    return statistics.median(times), result.nodes, trainer.size.work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5, help="timed steps per configuration")
    args = parser.parse_args()
    header = (
        f"{'samples':>7} {'layers':>8} {'nodes':>9} {'est.':>9} {'work':>11} "
        f"{'s/step':>9} {'guard s':>8} {'us/node':>8} {'ns/product':>10}"
    )
    print(header)
    print("-" * len(header))
    per_node, works, times = [], [], []
    for samples, layers in GRID:
        seconds, nodes, work = seconds_per_step(samples, layers, args.steps)
        estimate = estimate_size(TrainConfig(layers=layers, test_fraction=0.0), samples, 2, 1)
        per_node.append(seconds / nodes)
        works.append(work)
        times.append(seconds)
        print(
            f"{samples:>7} {','.join(map(str, layers)):>8} {nodes:>9,} {estimate.nodes:>9,} "
            f"{work:>11,} {seconds:>9.4f} {estimate.seconds:>8.3f} "
            f"{seconds / nodes * 1e6:>8.2f} {seconds / work * 1e9:>10.1f}"
        )
    spread = max(per_node) / min(per_node)
    work_range = works[-1] / works[0]
    print(
        f"\ntime per node varies by a factor {spread:.2f} while the work grows {work_range:.0f}x "
        "(a linear cost keeps this factor small; wider layers cost a little more per node)"
    )
    for (a, la), (b, lb), ta, tb in zip(GRID, GRID[1:], times, times[1:], strict=False):
        if la == lb and b == 2 * a:
            print(f"{a} -> {b} samples with layers {la}: {tb / ta:.2f}x the time per step")


if __name__ == "__main__":
    main()
