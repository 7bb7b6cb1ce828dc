"""microgui on every dataset scikit-learn ships, beside scikit-learn's own MLP.

Usage: python benchmarks/bench_real_data.py [--repeats 3] [--markdown]

Each bundled dataset (no downloads: iris, wine, breast_cancer, digits for
classification; diabetes and linnerud for regression) is written to a CSV
file and loaded through the CSV plugin, exactly as a user's table would be.
microgui trains it with its defaults for that data: TrainConfig's defaults
(hidden layers 16,16, ReLU, SGD at learning rate 0.1, L2 1e-4, 100
full-batch steps, a 20% test split) with scaling "auto" (the CSV plugin
suggests standardize) and execution "auto" (vectorized once a step is big
enough). scikit-learn's MLPClassifier / MLPRegressor gets the same hidden
sizes, optimizer (plain SGD: momentum 0), learning rate, full batch, number
of iterations and L2 strength (alpha = 2 x 1e-4 x n_train, its scaling of
the same gradient), on the same split, standardized by a StandardScaler
fitted on the training rows (and, for regression, the target too, as
microgui does: TransformedTargetRegressor).

linnerud has three targets (Weight, Waist, Pulse): the CSV plugin reads one
label column, so each target is its own CSV and its own run, for both
libraries. Its 20 rows leave 4 to test on, so its R² are noisy.

Reported per dataset: test accuracy (R² for regression) of both, and the
time per step (microgui: one Trainer.step, test metrics included;
scikit-learn: fit time / iterations), the least disturbed of ``--repeats``
interleaved runs in this one process. Both run under the same BLAS thread
limit (``--blas-threads``, default 1: on a small, shared machine OpenBLAS's
threads fight over the cores and a 1,437 x 64 product took 30 ms instead of
1 ms, for both libraries alike; 0 leaves OpenBLAS its default). Targets: microgui's time per step at
most 2x scikit-learn's, and its test score within 2 points of
scikit-learn's.

Not a test: timings are only compared within this one run.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn import datasets
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from engine.config import TrainConfig
from engine.train import Trainer
from microgui.plugin_host.manager import load_plugins

CLASSIFICATION = ("iris", "wine", "breast_cancer", "digits")
REGRESSION = ("diabetes",)
MULTI_OUTPUT = ("linnerud",)


@dataclass
class Table:
    name: str
    X: np.ndarray
    y: np.ndarray
    columns: list[str]
    task: str  # "classification" | "regression" (the CSV plugin's task parameter)


def bundled_tables() -> list[Table]:
    """Every dataset scikit-learn ships, one table per target."""
    tables = []
    for name in CLASSIFICATION + REGRESSION:
        data = getattr(datasets, f"load_{name}")()
        task = "regression" if name in REGRESSION else "classification"
        tables.append(Table(name, data.data, data.target, list(data.feature_names), task))
    for name in MULTI_OUTPUT:
        data = getattr(datasets, f"load_{name}")()
        for k, target in enumerate(data.target_names):
            tables.append(
                Table(
                    f"{name} ({target})",
                    data.data,
                    data.target[:, k],
                    list(data.feature_names),
                    "regression",
                )
            )
    return tables


def write_csv(table: Table, folder: Path) -> Path:
    """The table as a CSV file with a header and a "label" column."""
    path = folder / f"{table.name.replace(' ', '_').replace('(', '').replace(')', '')}.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow([*(c.replace(" ", "_") for c in table.columns), "label"])
        for row, target in zip(table.X, table.y, strict=True):
            writer.writerow([*(repr(float(v)) for v in row), repr(float(target))])
    return path


@dataclass
class Result:
    score: float
    seconds_per_step: float
    execution: str = ""
    scaling: str = ""


def run_microgui(registry, path: Path, task: str) -> tuple[Trainer, Result]:
    """Load the CSV through the plugin and train with microgui's defaults for it."""
    spec = registry.datasets["csv"]
    params = {"path": str(path), "label_column": "label", "task": task}
    data = registry.generate("csv", params, 0)
    config = TrainConfig(dataset="csv", dataset_params=params)
    n_classes = len(data.class_names) if data.task == "multiclass" else None
    trainer = Trainer(
        config,
        data.X,
        data.y,
        data.task,
        n_classes,
        scaling_hint=spec.suggested_scaling,
        feature_names=tuple(data.feature_names),
    )
    trainer.step()  # warm-up (first-step allocations), not counted
    trainer.reset()
    start = time.perf_counter()
    while not trainer.finished:
        trainer.step()
    elapsed = time.perf_counter() - start
    # The test score of the final weights (a step reports the weights before its update).
    outputs = trainer.predict(trainer.X_test)
    from engine.metrics import scores

    score, _ = scores(outputs, trainer.y_test, trainer.task, trainer.loss_name)
    return trainer, Result(score, elapsed / trainer.steps_done, trainer.execution, trainer.scaling)


def run_sklearn(trainer: Trainer) -> Result:
    """scikit-learn's MLP with the same settings, split and standardization."""
    cfg = trainer.config
    n_train = len(trainer.y_train)
    common = dict(
        hidden_layer_sizes=tuple(cfg.layers),
        activation=cfg.activation,
        solver="sgd",
        learning_rate_init=cfg.lr,
        momentum=cfg.momentum,
        nesterovs_momentum=False,
        batch_size=n_train,
        max_iter=cfg.steps,
        alpha=2.0 * cfg.reg_strength * n_train,
        shuffle=False,
        tol=0.0,
        n_iter_no_change=cfg.steps + 1,
        random_state=cfg.seed,
    )
    if trainer.task == "regression":
        model = TransformedTargetRegressor(
            make_pipeline(StandardScaler(), MLPRegressor(**common)), transformer=StandardScaler()
        )
    else:
        model = make_pipeline(StandardScaler(), MLPClassifier(**common))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(trainer.X_train, trainer.y_train)
        elapsed = time.perf_counter() - start
    fitted = model.regressor_[-1] if trainer.task == "regression" else model[-1]
    return Result(model.score(trainer.X_test, trainer.y_test), elapsed / fitted.n_iter_)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved runs per dataset")
    parser.add_argument("--markdown", action="store_true", help="print the README table")
    parser.add_argument("--blas-threads", type=int, default=1, help="0: OpenBLAS's default")
    args = parser.parse_args()
    if args.blas_threads:
        from threadpoolctl import threadpool_limits  # scikit-learn's own dependency

        threadpool_limits(args.blas_threads)
    registry = load_plugins(include_default_dirs=False)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for table in bundled_tables():
            path = write_csv(table, Path(folder))
            ours, theirs = [], []
            for _ in range(args.repeats):
                trainer, result = run_microgui(registry, path, table.task)
                ours.append(result)
                theirs.append(run_sklearn(trainer))
            n, d = trainer.X.shape
            rows.append(
                (
                    table,
                    n,
                    d,
                    trainer,
                    ours[0].score,
                    theirs[0].score,
                    min(r.seconds_per_step for r in ours),
                    min(r.seconds_per_step for r in theirs),
                )
            )
    metric = {"classification": "accuracy", "regression": "R²"}
    if args.markdown:
        print("| dataset | rows x features | task | test score: microgui | scikit-learn | "
              "time per step: microgui | scikit-learn | ratio |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|")
    for table, n, d, trainer, ours, theirs, t_ours, t_theirs in rows:
        task = f"{trainer.task}, {metric[table.task]}"
        fmt = "{:.1%}" if table.task == "classification" else "{:.3f}"
        if args.markdown:
            print(
                f"| {table.name} | {n} x {d} | {task} | {fmt.format(ours)} | "
                f"{fmt.format(theirs)} | {t_ours * 1e3:.2f} ms ({trainer.execution}) | "
                f"{t_theirs * 1e3:.2f} ms | {t_ours / t_theirs:.2f}x |"
            )
        else:
            gap = (ours - theirs) * 100
            print(
                f"{table.name:22s} {n:5d} x {d:2d} {task:24s} microgui {fmt.format(ours):>7s} "
                f"sklearn {fmt.format(theirs):>7s} ({gap:+5.1f} pts)  "
                f"step {t_ours * 1e3:7.3f} ms ({trainer.execution}, {trainer.scaling}) vs "
                f"{t_theirs * 1e3:7.3f} ms: {t_ours / t_theirs:5.2f}x"
            )


if __name__ == "__main__":
    main()
