"""`microgui plugins`: list every plugin found, where it came from and whether it works.

Exit status 0 when every plugin loaded (and, with --check, every dataset
generated with its defaults), 1 otherwise, so scripts and CI can notice.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from microgui.commands.stdout_guard import own_stdout
from microgui.plugin_host.manager import STATUS_OK, PluginError, PluginRegistry, load_plugins

DEFAULT_CHECK_TIMEOUT = 30.0


def add_plugins_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the `plugins` subcommand (``--plugins-dir`` is added by the CLI)."""
    parser.add_argument(
        "--check",
        action="store_true",
        help="also generate every dataset with its default parameters and report failures",
    )
    parser.add_argument(
        "--timeout",
        type=timeout_seconds,
        default=DEFAULT_CHECK_TIMEOUT,
        metavar="SECONDS",
        help="with --check, give up on a dataset after this many seconds "
        f"(default {DEFAULT_CHECK_TIMEOUT:g})",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


#: A day: longer is a typo (and threading's wait overflows near 1e9 s, e.g. for 'inf').
MAX_CHECK_TIMEOUT = 86_400.0


def timeout_seconds(text: str) -> float:
    """``--timeout``: a finite number of seconds > 0, at most a day (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        hint = "; use a decimal point, e.g. 1.5" if "," in text else ""
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds{hint}") from None
    if not 0 < value <= MAX_CHECK_TIMEOUT:  # also refuses nan
        raise argparse.ArgumentTypeError(
            f"{text!r} is not allowed; give the seconds to wait for each dataset, a number "
            f"above 0 and at most {MAX_CHECK_TIMEOUT:,.0f} (a day), e.g. 30"
        )
    return value


timeout_seconds.__name__ = "seconds"


def check_datasets(registry: PluginRegistry, timeout: float) -> dict[str, str]:
    """Generate each dataset at its defaults: id -> "ok (n x d, task)", "skipped ..." or the error.

    Datasets that need a file (a "path" parameter with no default) are skipped.
    """
    results: dict[str, str] = {}
    for dataset_id, spec in registry.datasets.items():
        if any(p.kind == "path" and not p.default for p in spec.params):
            results[dataset_id] = "skipped (needs a file)"
            continue
        try:
            data = registry.generate(dataset_id, None, seed=0, timeout=timeout)
        except PluginError as exc:
            results[dataset_id] = f"FAILED: {exc}"
            continue
        results[dataset_id] = f"ok ({data.n_samples} x {data.n_features}, {data.task})"
    return results


def _print_table(registry: PluginRegistry, checks: dict[str, str], out: TextIO) -> None:
    rows = [(r.name, r.source, r.status, ", ".join(r.dataset_ids) or "-") for r in registry.reports]
    header = ("PLUGIN", "SOURCE", "STATUS", "DATASETS")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    for report, row in zip([None, *registry.reports], [header, *rows], strict=True):
        print(
            "  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True))
            + "  "
            + row[3],
            file=out,
        )
        if report is not None and report.status != STATUS_OK:
            print(f"    from:  {report.location}", file=out)
            print(f"    error: {report.error}", file=out)
    if not registry.reports:
        print("no plugins found (is microgui installed? pip install -e .)", file=out)
    for warning in registry.warnings:
        print(f"warning: {warning}", file=out)
    for dataset_id, result in checks.items():
        print(f"check {dataset_id}: {result}", file=out)
    default = registry.default_dataset_id or "none"
    print(
        f"{len(registry.datasets)} datasets from {len(registry.reports)} plugins; "
        f"default dataset: {default}",
        file=out,
    )


def _as_json(registry: PluginRegistry, checks: dict[str, str]) -> dict[str, Any]:
    return {
        "plugins": [r.as_dict() for r in registry.reports],
        "datasets": [
            {"id": s.id, "name": s.name, "task": s.task, "plugin": registry.plugin_of(s.id)}
            for s in registry.datasets.values()
        ],
        "default_dataset": registry.default_dataset_id,
        "warnings": list(registry.warnings),
        "checks": checks,
    }


def run_plugins_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run `microgui plugins`; ``args.plugins_dir`` is the global --plugins-dir list or None."""
    # Whatever a plugin prints while importing or generating must not corrupt --json
    # output, nor may a plugin that closes file descriptor 1 silence the report.
    with own_stdout() as own:
        out = out or own
        registry = load_plugins(getattr(args, "plugins_dir", None))
        timeout = getattr(args, "timeout", DEFAULT_CHECK_TIMEOUT)
        checks = check_datasets(registry, timeout) if getattr(args, "check", False) else {}
        if getattr(args, "json", False):
            print(json.dumps(_as_json(registry, checks), indent=2), file=out)
        else:
            _print_table(registry, checks, out)
    all_ok = not registry.failed_reports and not any(
        r.startswith("FAILED") for r in checks.values()
    )
    return 0 if all_ok else 1
