"""What ``microgui train`` does once its options are parsed: data, the Trainer loop, files.

The data comes from the plugin registry (the same path as the window), the
loop is ``engine.train.Trainer`` (the only training loop), and every output
file is written atomically. Errors the user can fix become :class:`UserError`
(exit code 2) with one line of text; a divergence exits with 3 and the
engine's message; Ctrl-C, SIGTERM and SIGHUP exit with 128 + the signal's
number (130, 143, 129) after saving the session when ``--session`` was given.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from engine.config import TrainConfig
from engine.history import StepResult
from engine.modelio import ModelFileError, save_model
from engine.session import SessionFileError, read_session, save_session, trainer_from_session
from engine.train import Trainer
from microgui.commands.output_files import RunFiles, plan_run_files, session_lock
from microgui.commands.run_errors import (
    EXIT_BAD_INPUT,
    EXIT_DIVERGED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    UserError,
)
from microgui.commands.stop_signals import Stopped, exit_code_of
from microgui.plugin_host.registry import seconds_from_environment

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_DIVERGED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "RESUME_CHANGEABLE",
    "UserError",
    "load_dataset",
    "run_training",
]

#: Settings that may change when resuming; anything else would not continue the same run.
RESUME_CHANGEABLE = (
    "steps",
    "execution",
    "target_loss",
    "target_accuracy",
    "patience",
    "divergence_factor",
    "max_nodes",
    "max_work",
)
#: What --plot writes (commands.plot_file, through pyqtgraph's exporters).
PLOT_SUFFIXES = (".png", ".svg")
_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


# ---------------------------------------------------------------------------- data


def _typed(kind: str, key: str, value: Any) -> Any:
    """A --dataset-param text value converted to the parameter's declared kind."""
    if not isinstance(value, str):
        return value
    try:
        if kind == "int":
            number = float(value)
            return int(number) if number.is_integer() else number
        if kind == "float":
            return float(value)
    except ValueError:
        raise UserError(f"--dataset-param {key}={value}: not a number") from None
    if kind == "bool":
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise UserError(f"--dataset-param {key}={value}: use true or false")
    return value


#: Seconds a dataset plugin may take to generate before `microgui train` gives up.
DATASET_TIMEOUT_S = seconds_from_environment("MICROGUI_DATASET_TIMEOUT", 300.0)


def load_dataset(
    config: TrainConfig, plugin_dirs: Any, quiet: bool = False
) -> tuple[Any, dict, str]:
    """(Dataset, typed dataset parameters, the dataset's scaling hint) from the plugin
    registry; UserError if impossible. The hint is ``DatasetSpec.suggested_scaling``."""
    from microgui.plugin_host.manager import PluginError, load_plugins
    from microgui.plugin_host.reporting import missing_dataset_message

    registry = load_plugins(plugin_dirs)
    for warning in registry.warnings:
        if not quiet:
            print(f"microgui train: warning: {warning}", file=sys.stderr)
    spec = registry.datasets.get(config.dataset)
    if spec is None:
        raise UserError(f"--dataset: {missing_dataset_message(registry, config.dataset)}")
    kinds = {p.name: p.kind for p in spec.params}
    params = {k: _typed(kinds.get(k, "str"), k, v) for k, v in config.dataset_params.items()}
    try:
        # A hung plugin must not hang a script forever: give up with exit 2.
        data = registry.generate(config.dataset, params, config.seed, timeout=DATASET_TIMEOUT_S)
        return data, params, spec.suggested_scaling
    except PluginError as exc:
        raise UserError(str(exc)) from None


# ---------------------------------------------------------------------------- files


def _save_session(trainer: Trainer, files: RunFiles, quiet: bool) -> None:
    path = files.path("--session")
    if path is None:
        return
    try:
        save_session(trainer, path)
    except SessionFileError as exc:
        raise UserError(f"--session: {exc}") from None
    if not quiet:
        shown = files.given["--session"]
        print(f"session saved to {shown} (step {trainer.steps_done})", file=sys.stderr)


def _write_outputs(trainer: Trainer, dataset: Any, files: RunFiles) -> list[str]:
    written = []
    save = files.path("--save")
    if save is not None:
        try:
            save_model(
                trainer.model,
                save,
                config=trainer.config.to_dict(),
                preprocessor=trainer.preprocessor,
            )
        except ModelFileError as exc:
            raise UserError(f"--save {files.given['--save']}: {exc}") from None
        written.append(f"model saved to {files.given['--save']}")
    if files.path("--session") is not None:
        _save_session(trainer, files, quiet=True)
        written.append(f"session saved to {files.given['--session']}")
    plot = files.path("--plot")
    if plot is not None:
        from microgui.commands.plot_file import PlotError, export_plot

        model = trainer.model
        try:
            export_plot(
                plot,
                trainer,
                dataset,
                title=f"{trainer.config.dataset}: MLP {model.nin}-"
                f"{'-'.join(map(str, model.nouts))}, step {trainer.steps_done}",
            )
        except PlotError as exc:
            raise UserError(f"--plot {files.given['--plot']}: {exc}") from None
        written.append(f"plot saved to {files.given['--plot']}")
    return written


# ---------------------------------------------------------------------------- progress


class Progress:
    """tqdm bar on stderr (unless --quiet) and JSON lines on stdout (with --json)."""

    def __init__(self, trainer: Trainer, args: argparse.Namespace, stdout: TextIO) -> None:
        from tqdm import tqdm

        self.json = args.json
        self.stdout = stdout
        self.metric = "R²" if trainer.task == "regression" else "acc"
        self.bar = tqdm(
            total=trainer.config.steps,
            initial=trainer.steps_done,
            unit="step",
            desc="training",
            file=sys.stderr,
            disable=args.quiet,
            dynamic_ncols=True,
            mininterval=0.2,
        )

    def update(self, result: StepResult) -> None:
        if self.json:
            print(json.dumps(result.to_dict(), allow_nan=False), file=self.stdout, flush=True)
        if result.finite:
            shown = f"{result.accuracy:.1%}" if self.metric == "acc" else f"{result.accuracy:.3f}"
            self.bar.set_postfix({"loss": f"{result.loss:.4g}", self.metric: shown}, refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _summary(trainer: Trainer, ran: int, elapsed: float, engine_seconds: float) -> str:
    if not len(trainer.history):
        return "nothing trained"
    last = trainer.history[-1]
    metric = trainer.metric_name
    score = _score(last.accuracy, metric)
    lines = []
    if ran:
        per_step = engine_seconds / ran
        how = f"{last.nodes:,} nodes per step" if last.nodes else "no graph: numpy arrays"
        lines.append(
            f"trained {ran} step{'s' if ran != 1 else ''} in {elapsed:.2f} s: "
            f"{per_step * 1e3:.2f} ms per step "
            f"({1 / per_step if per_step else math.inf:.1f} steps/s), {how}"
        )
    lines.append(run_description(trainer))
    text = f"final loss {last.loss:.6g}, {metric} {score}"
    if last.rmse is not None:
        text += f", RMSE {last.rmse:.4g}"
    if last.test_loss is not None:
        test_score = _score(last.test_accuracy, metric)
        text += f"; test loss {last.test_loss:.6g}, test {metric} {test_score}"
    lines.append(f"{text} (step {last.step})")
    if trainer.message:
        lines.append(trainer.message)
    return "\n".join(lines)


def _score(value: float | None, metric: str) -> str:
    """Accuracy as a percentage, R² to 4 places; "undefined" where there is none
    (R² of targets that are all equal, as in a small test split)."""
    if value is None or math.isnan(value):
        return "undefined"
    return f"{value:.1%}" if metric == "accuracy" else f"{value:.4f}"


def run_description(trainer: Trainer) -> str:
    """One line: which execution runs and what the network's inputs are, and why if "auto"."""
    execution = f"execution {trainer.execution}"
    if trainer.execution_reason:
        execution += f" ({trainer.execution_reason})"
    inputs = trainer.preprocessor.describe()
    if trainer.scaling_reason:
        inputs += f" ({trainer.scaling_reason})"
    init = f"; init {trainer.init} (auto)" if trainer.config.init == "auto" else ""
    return f"{execution}; inputs {inputs}{init}"


# ---------------------------------------------------------------------------- the run


def _trainer_for_resume(
    path: Path, args: argparse.Namespace, given: dict[str, Any]
) -> tuple[Any, TrainConfig]:
    try:
        session = read_session(path)
    except SessionFileError as exc:
        raise UserError(f"--resume: {exc}") from None
    fixed = sorted(set(given) - set(RESUME_CHANGEABLE))
    if fixed or args.dataset_param:
        option = "--" + (fixed[0] if fixed else "dataset_param").replace("_", "-")
        raise UserError(
            f"{option} cannot change when resuming a session (only "
            f"{', '.join('--' + f.replace('_', '-') for f in RESUME_CHANGEABLE)}); "
            "start a new run instead"
        )
    session.config = session.config.replace(**given)
    return session, session.config


def _reopen(trainer: Trainer, given: dict[str, Any]) -> None:
    """After resuming, let a run that stopped continue if its stop condition changed."""
    reason = trainer.stop_reason
    more_steps = reason == "steps" and trainer.steps_done < trainer.config.steps
    new_target = reason in ("target_loss", "target_accuracy", "patience") and reason in given
    if more_steps or new_target:
        trainer.clear_stop()


def run_training(
    args: argparse.Namespace,
    config: TrainConfig | None,
    given: dict[str, Any],
    started: float,
    stdout: TextIO | None = None,
) -> int:
    """Everything after option parsing; raises UserError/ConfigError for exit code 2.

    ``stdout``: where the JSON lines and the summary go (plugins' prints do not).
    """
    stdout = stdout or sys.stdout
    files = plan_run_files(args)  # absolute and checked before any plugin runs
    plot = files.path("--plot")
    if plot is not None and plot.suffix.lower() not in PLOT_SUFFIXES:
        raise UserError(f"--plot {files.given['--plot']}: end the file name in .png or .svg")
    session = None
    if args.resume:
        session, config = _trainer_for_resume(files.path("--resume"), args, given)
    with session_lock(files.path("--session"), files.given.get("--session", "")):
        dataset, params, hint = load_dataset(config, getattr(args, "plugins_dir", None), args.quiet)
        if session is not None:
            try:
                trainer = trainer_from_session(session, dataset.X, dataset.y)
            except SessionFileError as exc:
                raise UserError(f"--resume: {exc}") from None
            if trainer.diverged:
                print(
                    f"microgui train: the session had stopped: {trainer.message}", file=sys.stderr
                )
                return EXIT_DIVERGED
            _reopen(trainer, given)
        else:
            config = config.replace(dataset_params=params)
            n_classes = len(dataset.class_names) if dataset.task == "multiclass" else None
            trainer = Trainer(
                config,
                dataset.X,
                dataset.y,
                dataset.task,
                n_classes,
                scaling_hint=hint,
                feature_names=tuple(dataset.feature_names),
            )
        return _train(trainer, dataset, args, files, stdout)


def _train(
    trainer: Trainer, dataset: Any, args: argparse.Namespace, files: RunFiles, stdout: TextIO
) -> int:
    out: TextIO = sys.stderr if args.json else stdout
    if trainer.steps_done >= trainer.config.steps and not trainer.finished:
        print(
            f"microgui train: the session has done {trainer.steps_done} steps already; "
            "give a larger --steps to continue",
            file=sys.stderr,
        )
    progress = Progress(trainer, args, stdout)
    first = trainer.steps_done
    engine_seconds = 0.0
    loop_start = time.perf_counter()
    try:
        while not trainer.finished and trainer.steps_done < trainer.config.steps:
            result = trainer.step()
            engine_seconds += result.seconds
            progress.update(result)
    except (KeyboardInterrupt, BrokenPipeError) as exc:
        # Ctrl-C, SIGTERM, SIGHUP (stop_signals.Stopped), or `--json | head`: the reader left.
        progress.close()
        how = f"stopped by {exc}" if isinstance(exc, Stopped) else "interrupted"
        print(f"microgui train: {how} after {trainer.steps_done} steps", file=sys.stderr)
        _save_session(trainer, files, quiet=False)
        return exit_code_of(exc) if isinstance(exc, KeyboardInterrupt) else EXIT_INTERRUPTED
    progress.close()
    elapsed = time.perf_counter() - loop_start
    if trainer.diverged:
        print(f"microgui train: {trainer.message}", file=sys.stderr)
        _save_session(trainer, files, args.quiet)
        return EXIT_DIVERGED
    written = _write_outputs(trainer, dataset, files)
    if not args.quiet:
        ran = trainer.steps_done - first
        print(_summary(trainer, ran, elapsed, engine_seconds), file=out)
        for line in written:
            print(line, file=out)
    return EXIT_OK
