"""The cost of engine.jsonfile's guards when reading a session, as a ratio to json.loads.

Usage: python benchmarks/bench_file_read.py [--steps 300] [--repeats 9]

engine.jsonfile counts how deeply a file nests before handing it to
json.loads (Python's json recurses: 100,000 levels of ``[`` raised
RecursionError). This measures what that costs on a real session file: a
MLP(2, [64, 64, 1]) trained ``--steps`` steps on moons, saved with
engine.session (its weights, optimizer state and history). Both readers
parse the same text, interleaved A B A B, CPU time of this process; printed
are the medians and their ratio (guarded / plain).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from sklearn.datasets import make_moons

from engine.config import TrainConfig
from engine.jsonfile import parse_json
from engine.session import session_to_dict
from engine.train import Trainer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    X, y = make_moons(n_samples=100, noise=0.1, random_state=0)
    trainer = Trainer(TrainConfig(layers=(64, 64), steps=10**6), X, y.astype(float), "binary")
    for _ in range(args.steps):
        trainer.step()
    text = json.dumps(session_to_dict(trainer), separators=(",", ":"))
    plain, guarded = [], []
    for _ in range(args.repeats):
        start = time.process_time()
        json.loads(text)
        plain.append(time.process_time() - start)
        start = time.process_time()
        parse_json(text, "session", ValueError)
        guarded.append(time.process_time() - start)
    a, b = statistics.median(plain), statistics.median(guarded)
    print(f"session of {len(text) / 1e6:.2f} MB ({args.steps} steps, MLP 2-64-64-1)")
    print(f"json.loads median {a * 1e3:.1f} ms; engine.jsonfile.parse_json {b * 1e3:.1f} ms")
    print(f"ratio guarded / plain: {b / a:.2f}")


if __name__ == "__main__":
    main()
