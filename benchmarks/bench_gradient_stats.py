"""What the gradient story costs the training run, as ratios measured in one process.

Usage: python benchmarks/bench_gradient_stats.py [--steps 40]

The Trainer's step is unchanged (no new work inside it). After every step
the worker reads ``Trainer.layer_gradient_norms()`` (one pass over the
gradients the step leaves); with every snapshot (at most 20 a second) it
runs ``evaluate_training_set`` (the training set through the weights once,
with numpy: sample losses, dead units). For micrograd's demo network
(MLP(2,[16,16,1]) on 100 moons, full batch) and MLP(2,[64,64,1]) on 250,
this prints, from interleaved measurements (CPU time, ``time.process_time``
of each call back to back, so other programs disturb it less):

* the median CPU time of a step, of the gradient norms after it, and the
  ratio (step + norms) / step: the slowdown of training;
* the median CPU time of a whole snapshot (``SnapshotBuilder.build``: the
  boundary grid and images, neuron maps, history, now also the evaluation)
  and the evaluation's share of it.

Not a test: timings are only compared within this one run.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sklearn.datasets import make_moons

from engine.presets import preset_config
from engine.train import Trainer
from microgui.training_run.gradient_stats import evaluate_training_set
from microgui.training_run.snapshot_builder import SnapshotBuilder

CASES = (
    ("MLP(2,[16,16,1]), 100 moons", (16, 16), 100),
    ("MLP(2,[64,64,1]), 250 moons", (64, 64), 250),
)


class _Dataset:
    def __init__(self, X, y) -> None:
        self.X, self.y = X, y


def cpu(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def measure(layers: tuple[int, ...], samples: int, steps: int) -> dict[str, float]:
    X, y = make_moons(n_samples=samples, noise=0.1, random_state=0)
    config = preset_config("micrograd-demo").replace(
        layers=layers, steps=steps + 10, dataset_params={"n_samples": samples}
    )
    trainer = Trainer(config, X, y.astype(float), "binary")
    builder = SnapshotBuilder()
    builder.set_data(trainer, _Dataset(X, y))
    trainer.step()  # warm-up
    step_s, norm_s, snapshot_s, evaluation_s = [], [], [], []
    for k in range(steps):
        step_s.append(cpu(trainer.step))
        norm_s.append(cpu(trainer.layer_gradient_norms))
        if k % 4 == 0:  # snapshots are rarer than steps
            snapshot_s.append(cpu(lambda: builder.build(trainer, "running")))
            evaluation_s.append(cpu(lambda: evaluate_training_set(trainer)))
    step, norms = statistics.median(step_s), statistics.median(norm_s)
    snapshot, evaluation = statistics.median(snapshot_s), statistics.median(evaluation_s)
    return {
        "step": step,
        "norms": norms,
        "ratio": (step + norms) / step,
        "snapshot": snapshot,
        "evaluation": evaluation,
        "share": evaluation / snapshot,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40, help="timed steps per network")
    args = parser.parse_args()
    print(
        f"{'network':30} {'step ms':>8} {'norms ms':>9} {'(step+norms)/step':>18} "
        f"{'snapshot ms':>12} {'evaluation ms':>14} {'share':>6}"
    )
    for name, layers, samples in CASES:
        r = measure(layers, samples, args.steps if layers == (16, 16) else max(8, args.steps // 5))
        print(
            f"{name:30} {r['step'] * 1e3:8.2f} {r['norms'] * 1e3:9.3f} {r['ratio']:18.4f} "
            f"{r['snapshot'] * 1e3:12.2f} {r['evaluation'] * 1e3:14.3f} {r['share']:6.1%}"
        )


if __name__ == "__main__":
    main()
