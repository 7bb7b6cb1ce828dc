"""Time micrograd's demo training step: micrograd==0.1.0 against engine.

Usage: python benchmarks/bench_engine.py [--steps 10] [--big-steps 3]

The step is the one of micrograd's demo.ipynb: make_moons(100, noise=0.1),
MLP(2, [16, 16, 1]), SVM max-margin loss + 1e-4 L2, backward, SGD with
lr = 1.0 - 0.9*k/100. Both libraries train side by side from the same
weights, interleaved A B A B ..., with default interpreter settings (the
cyclic garbage collector on for both). Before each timed step an untimed
``gc.collect()`` clears what the previous step left, so that neither side
pays for the other's garbage; this favours micrograd, whose steps leave
cyclic garbage behind, so the ratio is if anything an underestimate.

Times are CPU seconds of this process (``time.process_time``), so that
other programs on the machine disturb the ratio less than wall-clock time.
Printed: the median seconds per step of each, their ratio, the largest
relative difference between the two losses, peak memory of one step
(tracemalloc, measured in separate untimed steps), and engine's time per
step for MLP(2, [64, 64, 1]) on 250 and 500 samples, to show that the cost
grows linearly with the number of nodes.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
import tracemalloc

import numpy as np
from sklearn.datasets import make_moons

from engine.graph import nodes_and_edges, topological_order
from engine.losses import hinge_loss, l2_penalty
from engine.nn import MLP
from engine.optim import SGD


def micrograd_setup():
    import micrograd.nn

    state = random.getstate()
    random.seed(1337)
    model = micrograd.nn.MLP(2, [16, 16, 1])
    random.setstate(state)
    return model


def micrograd_step(model, X, y, k):
    """The notebook's loop body, verbatim but for names."""
    from micrograd.engine import Value

    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return float(total_loss.data)


def engine_step(model, optimizer, rows, targets, k, batch=False):
    """The same step with engine: fused neurons, fused loss, one backward."""
    scores = model.forward_batch(rows) if batch else [model(row) for row in rows]
    total_loss = hinge_loss(scores, targets) + l2_penalty(model.parameters(), 1e-4)
    optimizer.zero_grad()
    total_loss.backward()
    optimizer.step(1.0 - 0.9 * k / 100)
    return total_loss.data, total_loss


def timed(fn):
    gc.collect()  # untimed: start from a clean heap
    start = time.process_time()
    result = fn()
    return time.process_time() - start, result


def peak_memory(fn):
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def demo_comparison(steps):
    X, y = make_moons(n_samples=100, noise=0.1, random_state=1337)
    y = y * 2 - 1
    rows, targets = X.tolist(), y.tolist()
    theirs = micrograd_setup()
    ours = MLP(2, [16, 16, 1], seed=1337)
    ours_batch = MLP(2, [16, 16, 1], seed=1337)
    optimizer = SGD(ours.parameters(), lr=1.0)
    optimizer_batch = SGD(ours_batch.parameters(), lr=1.0)
    times = {"micrograd": [], "engine": [], "engine_batch": []}
    worst = 0.0
    for k in range(steps):
        t_mg, loss_mg = timed(lambda k=k: micrograd_step(theirs, X, y, k))
        t_en, (loss_en, _) = timed(lambda k=k: engine_step(ours, optimizer, rows, targets, k))
        t_eb, _ = timed(
            lambda k=k: engine_step(ours_batch, optimizer_batch, rows, targets, k, batch=True)
        )
        times["micrograd"].append(t_mg)
        times["engine"].append(t_en)
        times["engine_batch"].append(t_eb)
        worst = max(worst, abs(loss_en - loss_mg) / abs(loss_mg))
    medians = {name: statistics.median(ts) for name, ts in times.items()}

    k = steps
    memory = {
        "micrograd": peak_memory(lambda: micrograd_step(theirs, X, y, k)),
        "engine": peak_memory(lambda: engine_step(ours, optimizer, rows, targets, k)),
    }
    _, (_, graph) = timed(lambda: engine_step(ours, optimizer, rows, targets, k + 1))
    nodes, edges = nodes_and_edges(graph)
    return medians, worst, memory, (len(nodes), len(edges))


def big_model_times(n_samples, steps):
    X, y = make_moons(n_samples=n_samples, noise=0.1, random_state=1337)
    rows, targets = X.tolist(), (y * 2 - 1).tolist()
    model = MLP(2, [64, 64, 1], seed=1)
    optimizer = SGD(model.parameters(), lr=0.1)
    times = []
    for k in range(steps):
        t, (_, graph) = timed(lambda k=k: engine_step(model, optimizer, rows, targets, k))
        times.append(t)
    edges = sum(len(n.parents) for n in topological_order(graph))
    return statistics.median(times), edges


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="demo steps per library")
    parser.add_argument("--big-steps", type=int, default=3, help="steps per big-model size")
    args = parser.parse_args(argv)
    if args.steps < 1 or args.big_steps < 1:
        parser.error("--steps and --big-steps must be at least 1")

    import micrograd

    print(
        f"micrograd {getattr(micrograd, '__version__', '0.1.0')} vs engine, numpy {np.__version__}"
    )
    print(f"demo step, MLP(2, [16, 16, 1]) on 100 samples, {args.steps} steps each, interleaved")
    medians, worst, memory, (n_nodes, n_edges) = demo_comparison(args.steps)
    mg, en, eb = medians["micrograd"], medians["engine"], medians["engine_batch"]
    print(f"  micrograd      median {mg:9.4f} s/step")
    print(f"  engine         median {en:9.4f} s/step   {mg / en:6.1f}x faster")
    print(f"  engine (batch) median {eb:9.4f} s/step   {mg / eb:6.1f}x faster (forward_batch)")
    print(f"  largest relative loss difference: {worst:.2e}")
    print(
        f"  peak memory of one step: micrograd {memory['micrograd'] / 2**20:.1f} MiB, "
        f"engine {memory['engine'] / 2**20:.1f} MiB (tracemalloc)"
    )
    print(f"  engine graph per step: {n_nodes} nodes, {n_edges} edges")

    print("engine, MLP(2, [64, 64, 1]) (micrograd's recursive backward cannot run it):")
    for n in (250, 500):
        t, edges = big_model_times(n, args.big_steps)
        print(f"  {n} samples: {t:8.4f} s/step, {edges} edges, {t / edges * 1e9:6.1f} ns/edge")


if __name__ == "__main__":
    main()
