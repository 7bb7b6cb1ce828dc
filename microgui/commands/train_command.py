"""Train a network headless from the command line, with the same Trainer as the window.

Settings are taken, later ones winning, from: the defaults, --preset NAME,
--config FILE (JSON, as written by TrainConfig.to_json), then the options
given on the command line. Changing --dataset drops the dataset parameters
of the preset or config file. Examples:

  microgui train --preset micrograd-demo
  microgui train --dataset moons --layers 16,16 --steps 100 --plot boundary.png
  microgui train --dataset blobs --dataset-param k=4 --optimizer adam --lr 0.02 --json

Files: --save writes the model (engine.modelio JSON); --session writes the
whole training state when the run ends, also after Ctrl-C or divergence;
--resume continues a session file exactly where it stopped (only --steps and
the stop conditions may change; use the same file for --session to keep it
up to date); --plot writes the window's boundary, loss and accuracy charts as a
PNG or SVG (by the file name).
After a divergence or Ctrl-C only the session is written (its weights are
the last finite ones), never the model or the plot.

Output: a progress bar on stderr (steps/s, loss, accuracy) and a summary
with the time per step on stdout; --json prints one JSON object per step on
stdout instead (the summary then goes to stderr); --quiet prints neither.

Exit codes: 0 trained; 2 bad arguments, config or files (one line on
stderr); 3 diverged (the message names the step and the parameter);
130 interrupted by Ctrl-C (143 SIGTERM, 129 SIGHUP; the session is written as
for Ctrl-C).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from engine.config import LOSS_NAMES, OPTIMIZER_NAMES, REGULARIZERS, ConfigError, TrainConfig
from engine.jsonfile import read_json_file
from engine.nn import ACTIVATIONS, INITS
from engine.optim import SCHEDULES, follow_base_lr
from engine.presets import PRESETS, preset_names
from engine.size_guard import SizeError
from microgui.commands.stdout_guard import own_stdout
from microgui.commands.stop_signals import Stopped, exit_code_of, stopping_signals_raise
from microgui.commands.train_run import (
    EXIT_BAD_INPUT,
    EXIT_DIVERGED,
    EXIT_INTERRUPTED,
    UserError,
    run_training,
)

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_DIVERGED",
    "EXIT_INTERRUPTED",
    "add_train_arguments",
    "build_config",
    "run_train",
]

MAX_CONFIG_BYTES = 1024 * 1024
_NONE_WORDS = ("none", "null", "off", "")

#: option dest -> TrainConfig field; every such option defaults to None ("not given").
_CONFIG_OPTIONS: dict[str, str] = {}


class _Unset:
    """What ``--target-loss none`` parses to: "set this optional setting to None"."""

    def __repr__(self) -> str:
        return "none"


UNSET = _Unset()


def _number(text: str, expected: str = "a number") -> float:
    """A float option; a decimal comma ("1,5") gets a hint instead of argparse's bare refusal."""
    try:
        return float(text)
    except ValueError:
        hint = "; use a decimal point, e.g. 1.5" if "," in text else ""
        raise argparse.ArgumentTypeError(f"{text!r} is not {expected}{hint}") from None


_number.__name__ = "number"


def _optional(kind: type) -> Any:
    """An argparse type accepting a number of ``kind`` or none/off (-> UNSET)."""

    def parse(text: str) -> Any:
        if text.strip().lower() in _NONE_WORDS:
            return UNSET
        if kind is float:
            return _number(text, "a number or 'none'")
        try:
            return kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a {'whole number' if kind is int else 'number'} or 'none'"
            ) from None

    parse.__name__ = f"{kind.__name__} or none"
    return parse


def _betas(text: str) -> tuple[float, float]:
    parts = text.split(",")
    try:
        if len(parts) == 2:
            return float(parts[0]), float(parts[1])
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"{text!r} is not two numbers like 0.9,0.999")


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=VALUE, e.g. noise=0.2")
    return key.strip(), value.strip()


def _option(group: Any, flag: str, field: str, help: str, **kwargs: Any) -> None:
    dest = field
    _CONFIG_OPTIONS[dest] = field
    group.add_argument(flag, dest=dest, default=None, help=help, **kwargs)


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``microgui train`` (``--plugins-dir`` is added by microgui.cli)."""
    # Keep the examples and exit codes of the description (this module's docstring) as written.
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    d = TrainConfig()
    source = parser.add_argument_group("where the settings come from")
    source.add_argument("--preset", choices=preset_names(), help="start from a named preset")
    source.add_argument("--config", metavar="FILE", help="start from a JSON config file")
    source.add_argument("--resume", metavar="FILE", help="continue a saved --session file")

    data = parser.add_argument_group("data")
    _option(data, "--dataset", "dataset", f"dataset plugin id (default {d.dataset})", metavar="ID")
    data.add_argument(
        "--dataset-param",
        dest="dataset_param",
        action="append",
        type=_key_value,
        default=None,
        metavar="KEY=VALUE",
        help="a dataset parameter, e.g. noise=0.2; repeatable",
    )
    _option(
        data,
        "--seed",
        "seed",
        "seeds the data, weights, split and batches (default 0)",
        type=int,
        metavar="N",
    )
    _option(
        data, "--init-seed", "init_seed", "seed the weights alone", type=_optional(int), metavar="N"
    )
    _option(
        data,
        "--test-fraction",
        "test_fraction",
        f"share of samples held out for testing (default {d.test_fraction})",
        type=_number,
        metavar="F",
    )

    net = parser.add_argument_group("network and loss")
    _option(net, "--layers", "layers", "hidden layer sizes (default 16,16)", metavar="SIZES")
    _option(
        net, "--activation", "activation", "hidden activation (default relu)", choices=ACTIVATIONS
    )
    _option(net, "--init", "init", "weight initialisation (default micrograd)", choices=INITS)
    _option(
        net,
        "--loss",
        "loss",
        "loss; auto = hinge (binary), softmax_ce (multiclass), mse (regression)",
        choices=LOSS_NAMES,
    )
    _option(net, "--reg", "reg", "regularisation (default l2)", choices=REGULARIZERS)
    _option(
        net,
        "--reg-strength",
        "reg_strength",
        f"penalty weight (default {d.reg_strength:g})",
        type=_number,
        metavar="ALPHA",
    )

    opt = parser.add_argument_group("optimizer and schedule")
    _option(opt, "--optimizer", "optimizer", "sgd or adam (default sgd)", choices=OPTIMIZER_NAMES)
    _option(opt, "--lr", "lr", f"learning rate (default {d.lr:g})", type=_number, metavar="LR")
    _option(opt, "--momentum", "momentum", "SGD momentum (default 0)", type=_number, metavar="M")
    _option(opt, "--betas", "betas", "Adam betas (default 0.9,0.999)", type=_betas, metavar="B1,B2")
    _option(
        opt,
        "--schedule",
        "schedule",
        "learning-rate schedule (default constant)",
        choices=SCHEDULES,
    )
    _option(
        opt,
        "--final-lr",
        "final_lr",
        "final rate of linear/cosine (default 0)",
        type=_optional(float),
        metavar="LR",
    )
    _option(
        opt,
        "--step-size",
        "step_size",
        "steps between decays of 'step' (default steps/3)",
        type=_optional(int),
        metavar="N",
    )
    _option(
        opt, "--gamma", "gamma", "decay factor of 'step' (default 0.5)", type=_number, metavar="G"
    )
    _option(
        opt,
        "--batch-size",
        "batch_size",
        "samples per step; 0 = full batch (default)",
        type=_optional(int),
        metavar="N",
    )

    stop = parser.add_argument_group("when to stop")
    _option(stop, "--steps", "steps", f"number of steps (default {d.steps})", type=int, metavar="N")
    _option(
        stop,
        "--target-loss",
        "target_loss",
        "stop once the loss is at most this",
        type=_optional(float),
        metavar="LOSS",
    )
    _option(
        stop,
        "--target-accuracy",
        "target_accuracy",
        "stop once the training accuracy (R² for regression) reaches this fraction",
        type=_optional(float),
        metavar="FRACTION",
    )
    _option(
        stop,
        "--patience",
        "patience",
        "stop after N steps without a better (test) loss",
        type=_optional(int),
        metavar="N",
    )
    _option(
        stop,
        "--divergence-factor",
        "divergence_factor",
        "a loss this many times the first one counts as diverged (default 1e6; none = off)",
        type=_optional(float),
        metavar="X",
    )
    _option(
        stop,
        "--max-nodes",
        "max_nodes",
        f"refuse networks needing more graph nodes per step (default {d.max_nodes:,})",
        type=int,
        metavar="N",
    )
    _option(
        stop,
        "--max-work",
        "max_work",
        f"refuse more parameter-input products per step (default {d.max_work:,})",
        type=int,
        metavar="N",
    )

    out = parser.add_argument_group("output")
    out.add_argument("--save", metavar="MODEL.json", help="write the trained model (JSON)")
    out.add_argument("--session", metavar="FILE", help="write the training session (JSON)")
    out.add_argument(
        "--plot",
        metavar="FILE",
        help="write the boundary, loss and accuracy charts (.png or .svg)",
    )
    out.add_argument("--json", action="store_true", help="print one JSON object per step")
    out.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")


#: What a --config file turns out to be when it is another microgui file, and what to do.
_OTHER_FORMATS = {
    "microgui-session": "a session file, not a config; continue it with --resume {path}",
    "microgui-mlp": "a model file, not a config (its training settings are under its "
    '"config" key; copy them into a file of their own)',
}


def _read_config_file(path: str) -> dict[str, Any]:
    """The settings of a --config file; UserError naming the file (and key) if unusable."""
    try:
        data = read_json_file(path, MAX_CONFIG_BYTES, "config", UserError)
    except UserError as exc:
        raise UserError(f"--config {path}: {_without_path(str(exc), path)}") from None
    if not isinstance(data, dict):
        raise UserError(f'--config {path}: expected a JSON object of settings, e.g. {{"lr": 0.1}}')
    other = _OTHER_FORMATS.get(data.get("format")) if isinstance(data.get("format"), str) else None
    if other:
        raise UserError(f"--config {path}: this is {other.format(path=path)}")
    return data


def _without_path(message: str, path: str) -> str:
    """ "x.json is a folder" -> "is a folder": the option already names the path."""
    for prefix in (f"{path}: ", f"{path} "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message.replace(f" {path}: ", ": ").replace(f": {path}", "")


def explicit_options(args: argparse.Namespace) -> dict[str, Any]:
    """The config fields given on the command line (not defaults)."""
    given = {}
    for dest, field in _CONFIG_OPTIONS.items():
        value = getattr(args, dest, None)
        if value is not None:
            given[field] = None if value is UNSET else value
    return given


def build_config(args: argparse.Namespace) -> TrainConfig:
    """Defaults < --preset < --config < explicit options; ConfigError/UserError if invalid."""
    values = TrainConfig().to_dict()
    if args.preset:
        values.update(PRESETS[args.preset])
    if args.config:
        file_values = _read_config_file(args.config)
        try:
            # The file on its own (over the defaults and preset): its errors name the file
            # and the key, not a command-line option the user never typed.
            TrainConfig.from_dict({**values, **file_values})
        except ConfigError as exc:
            raise UserError(f"--config {args.config}: {_file_key(exc)}") from None
        _follow_lr(values, file_values)
        values.update(file_values)
    given = explicit_options(args)
    if "dataset" in given and given["dataset"] != values.get("dataset"):
        values["dataset_params"] = {}
    _follow_lr(values, given)
    values.update(given)
    values["dataset_params"] = dict(values.get("dataset_params") or {})
    for key, value in args.dataset_param or ():
        values["dataset_params"][key] = value  # text; typed once the plugin is known
    return TrainConfig.from_dict(values)


def _follow_lr(values: dict[str, Any], changes: dict[str, Any]) -> None:
    """A new lr without a new final_lr: the preset's decay keeps its shape (never a hidden
    rise, e.g. micrograd-demo's 1.0 -> 0.1 with --lr 0.01 runs 0.01 -> 0.001)."""
    if "lr" in changes and "final_lr" not in changes:
        values["final_lr"] = follow_base_lr(values.get("final_lr"), values.get("lr"), changes["lr"])


def _file_key(exc: ConfigError) -> str:
    """The error worded for a key of a config file: "lr": ... instead of lr: ..."""
    return f"key {exc.field!r}: {exc.message}"


def run_train(args: argparse.Namespace) -> int:
    """Run ``microgui train`` with parsed arguments; returns the exit code."""
    started = time.perf_counter()
    # Plugins run in this process: their prints must not enter the --json stream, and
    # SIGTERM/SIGHUP must save the session as Ctrl-C does.
    with own_stdout() as stdout, stopping_signals_raise():
        try:
            if args.resume and (args.preset or args.config):
                raise UserError("--resume continues a session as it was; drop --preset/--config")
            config = None if args.resume else build_config(args)
            return run_training(args, config, explicit_options(args), started, stdout)
        except (ConfigError, UserError) as exc:
            print(f"microgui train: error: {_option_name(exc)}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except KeyboardInterrupt as exc:
            how = f"stopped by {exc}" if isinstance(exc, Stopped) else "interrupted"
            print(f"microgui train: {how}", file=sys.stderr)
            return exit_code_of(exc)


def _option_name(exc: Exception) -> str:
    """The error with a config field shown as the option that sets it (lr -> --lr)."""
    if isinstance(exc, ConfigError) and exc.field in _CONFIG_OPTIONS.values():
        option = f"--{exc.field.replace('_', '-')}"
        message = exc.message
        if isinstance(exc, SizeError):
            message = exc.with_advice(
                "use fewer samples, a smaller --batch-size or smaller --layers, "
                f"or raise {option} if you have the memory and patience"
            )
        return f"{option}: {message}"
    return str(exc)
