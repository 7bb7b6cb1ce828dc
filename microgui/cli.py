"""The `microgui` command: the window by default, `train` and `plugins` as subcommands.

`python -m microgui` and the `microgui` console script both call `main`.
Qt is imported only on the window path, so `train` and `plugins` work on a
machine with no display and never pay Qt's start-up cost.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

from microgui import __version__
from microgui.desktop.display import (
    NO_DISPLAY_MESSAGE,
    has_display,
    missing_libraries_message,
    missing_xcb_packages,
    uses_xcb,
)

SHOW_TABS = ("training", "graph", "gradients", "playground")


class OneLineErrorParser(argparse.ArgumentParser):
    """Bad arguments give one line on stderr and exit 2, not argparse's usage block.

    The usage block buried the actual problem; `--help` still shows it all.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _step_count(text: str) -> int:
    """``--steps`` of the window: a whole number from 0 (argparse type)."""
    from engine.config import MAX_STEPS

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of steps") from None
    if not 0 <= value <= MAX_STEPS:
        raise argparse.ArgumentTypeError(
            f"{value} is not allowed; give a whole number of steps from 0 to {MAX_STEPS:,}"
        )
    return value


_step_count.__name__ = "steps"


def _add_plugin_dir_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--plugins-dir",
        action="append",
        default=default,
        metavar="DIR",
        help="also load drop-in dataset plugins (.py files) from DIR; repeatable",
    )


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, subcommands included."""
    from microgui.commands import plugins_command, train_command

    parser = OneLineErrorParser(
        prog="microgui",
        description="A desktop sandbox for watching a scalar autograd network learn. "
        "Without a subcommand, opens the training window.",
    )
    parser.add_argument("--version", action="version", version=f"microgui {__version__}")
    _add_plugin_dir_option(parser, default=None)
    window = parser.add_argument_group("window options")
    window.add_argument(
        "--offscreen",
        action="store_true",
        help="run the window without a display (for screenshots and scripts)",
    )
    window.add_argument(
        "--screenshot",
        metavar="PATH",
        help="after training --steps steps, save a PNG of the whole window to PATH and exit",
    )
    window.add_argument(
        "--show",
        choices=SHOW_TABS,
        default="training",
        help="the tab to open (and to save with --screenshot): graph is the Graph tab as a "
        "user first sees it (the training sample with the largest loss), gradients the "
        "gradient-flow view",
    )
    window.add_argument("--preset", metavar="NAME", help="start from a preset, e.g. micrograd-demo")
    window.add_argument(
        "--steps", type=_step_count, metavar="N", help="train N steps on start (0 or more)"
    )
    window.add_argument("--dataset", metavar="ID", help="dataset plugin id to start with")
    window.add_argument("--layers", metavar="SIZES", help='hidden layer sizes, e.g. "16,16"')

    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=OneLineErrorParser
    )
    train = commands.add_parser(
        "train", help="train headless from the command line", description=train_command.__doc__
    )
    _add_plugin_dir_option(train, default=argparse.SUPPRESS)
    train_command.add_train_arguments(train)
    plugins = commands.add_parser("plugins", help="list every dataset plugin found and its status")
    _add_plugin_dir_option(plugins, default=argparse.SUPPRESS)
    plugins_command.add_plugins_arguments(plugins)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `microgui` command; returns the process exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "train":
        from microgui.commands.train_command import run_train

        return run_train(args)
    if args.command == "plugins":
        from microgui.commands.plugins_command import run_plugins_command

        return run_plugins_command(args)

    if args.offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if not has_display():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return 1
    missing = missing_xcb_packages() if uses_xcb() else []
    if missing:  # Qt would abort with "could not load the Qt platform plugin xcb"
        print(missing_libraries_message(missing), file=sys.stderr)
        return 1
    from microgui.app import run_gui

    return run_gui(args)


def run() -> None:
    """The `microgui` program: :func:`main`, then exit with its code.

    When the window closes, a daemon thread may still be inside a plugin's
    endless ``generate`` or an 80,000-node graph layout; Python cannot stop
    it, and Qt's teardown under a running thread can crash. Likewise a training
    worker still inside a step that the wait after closing gave up on (Qt
    aborts when a running QThread is destroyed). Settings and the log are
    already written on close, so in that case we flush and leave at once
    (os._exit) instead of tearing down around the thread.
    """
    code = main()
    worker = sys.modules.get("microgui.training_run.worker")  # loaded by the window only
    if any(t.daemon and t.is_alive() for t in threading.enumerate()) or (
        worker is not None and worker.stopping_workers()
    ):
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(code)
    sys.exit(code)
