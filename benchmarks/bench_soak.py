"""Soak: 20,000 Trainer steps of micrograd's demo; is memory flat, is the last step as fast?

Usage: python benchmarks/bench_soak.py [--steps 20000] [--warmup 1000] [--window 1000]
                                       [--control 1000] [--json]

The run is the ``micrograd-demo`` preset (moons, 100 samples, seed 1337,
MLP 2-16-16-1, hinge + 1e-4 L2, full-batch SGD) with one change: the demo's
100-step linear schedule (lr 1.0 -> 0.1) cannot be stretched over 20,000
steps, so the soak uses a constant lr of 0.1 (the demo's final rate), and
``steps`` is raised to the soak length. The data comes from the moons
plugin through the plugin registry, as in the app.

Measured, all within this one run:

* RSS (resident memory, from /proc/self/statm; ru_maxrss where there is no
  /proc) after the warm-up steps and at the end, and the growth between;
* CPU seconds (``time.process_time``) of the first ``window`` steps after
  the warm-up and of the last ``window`` steps, and their ratio (total and
  median per step). A ratio near 1 means no slowdown;
* the median step time of every window, to tell a trend from a blip;
* a control that machine noise cannot bias: after the soak, ``control``
  more steps of the soaked trainer alternate one by one with steps of a
  fresh trainer of the same run (after 200 warm-up steps of its own). Both
  see the same machine at the same moments, so their ratio isolates the
  trainer: near 1 means a soaked trainer steps as fast as a new one, and
  any first/last difference above came from the machine (other programs
  on a shared 2-core box), not from training longer.

``run_soak`` is also what tests/faults/test_soak.py calls for its shorter
run (without the control), so the test and this benchmark measure the same
way. Not a test: timings are only compared within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from array import array
from dataclasses import asdict, dataclass
from pathlib import Path

SOAK_LR = 0.1  # micrograd's demo ends its linear schedule at 0.1; constant from step 0 here
CONTROL_WARMUP = 200


@dataclass(frozen=True)
class SoakFigures:
    """What one soak measured (times are CPU time; "ms" per step are medians)."""

    steps: int
    warmup: int
    window: int
    rss_after_warmup_mb: float
    rss_end_mb: float
    rss_growth_mb: float
    first_window_cpu_s: float
    last_window_cpu_s: float
    cpu_ratio: float
    first_window_median_ms: float
    last_window_median_ms: float
    median_ratio: float
    window_medians_ms: list[float]
    control_steps: int
    control_soaked_ms: float | None
    control_fresh_ms: float | None
    control_ratio: float | None
    first_loss: float
    final_loss: float
    final_accuracy: float
    history_length: int
    stop_reason: str
    wall_seconds: float


def rss_bytes() -> int:
    """Resident memory of this process now (peak RSS where /proc is missing)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024  # macOS: bytes; Linux: KiB


def soak_trainer(steps: int):
    """A Trainer on micrograd's demo data and network, constant lr, ``steps`` steps."""
    from engine.presets import preset_config
    from engine.train import Trainer
    from microgui.plugin_host.manager import load_plugins

    config = preset_config("micrograd-demo").replace(
        schedule="constant", lr=SOAK_LR, final_lr=None, steps=steps
    )
    registry = load_plugins(include_default_dirs=False)
    data = registry.generate(config.dataset, config.dataset_params, config.seed)
    return Trainer(config, data.X, data.y, data.task)


def timed_step(trainer) -> float:
    """CPU seconds of one step."""
    start = time.process_time()
    trainer.step()
    return time.process_time() - start


def interleaved_control(soaked, steps: int) -> tuple[float, float]:
    """Median ms per step of ``soaked`` and of a fresh trainer, stepping in turns."""
    fresh = soak_trainer(CONTROL_WARMUP + steps)
    for _ in range(CONTROL_WARMUP):
        fresh.step()
    soaked_times, fresh_times = [], []
    for _ in range(steps):
        soaked_times.append(timed_step(soaked))
        fresh_times.append(timed_step(fresh))
    return statistics.median(soaked_times) * 1e3, statistics.median(fresh_times) * 1e3


def run_soak(
    steps: int = 20_000,
    warmup: int = 1_000,
    window: int = 1_000,
    control: int = 0,
    progress: bool = False,
) -> SoakFigures:
    """Train ``steps`` steps and measure memory and per-step CPU time as the module says."""
    if steps < warmup + 2 * window:
        raise ValueError("steps must cover the warm-up and two windows that do not overlap")
    trainer = soak_trainer(steps + control)
    cpu = array("d")  # 8 bytes per step, so the measurement barely adds to the RSS
    rss_warm = 0
    wall = time.perf_counter()
    for k in range(steps):
        cpu.append(timed_step(trainer))
        if k + 1 == warmup:
            rss_warm = rss_bytes()
        if progress and (k + 1) % 1000 == 0:
            print(f"  step {k + 1:,}: RSS {rss_bytes() / 1e6:.1f} MB", file=sys.stderr, flush=True)
    wall = time.perf_counter() - wall
    rss_end = rss_bytes()
    history = trainer.history
    first_loss, final_loss, final_accuracy = history[0].loss, history[-1].loss, history[-1].accuracy
    stop_reason = trainer.stop_reason  # "steps" when there is no control to follow
    first, last = cpu[warmup : warmup + window], cpu[-window:]
    soaked_ms = fresh_ms = None
    if control:
        soaked_ms, fresh_ms = interleaved_control(trainer, control)
    return SoakFigures(
        steps=steps,
        warmup=warmup,
        window=window,
        rss_after_warmup_mb=rss_warm / 1e6,
        rss_end_mb=rss_end / 1e6,
        rss_growth_mb=(rss_end - rss_warm) / 1e6,
        first_window_cpu_s=sum(first),
        last_window_cpu_s=sum(last),
        cpu_ratio=sum(last) / sum(first),
        first_window_median_ms=statistics.median(first) * 1e3,
        last_window_median_ms=statistics.median(last) * 1e3,
        median_ratio=statistics.median(last) / statistics.median(first),
        window_medians_ms=[
            round(statistics.median(cpu[i : i + window]) * 1e3, 2) for i in range(0, steps, window)
        ],
        control_steps=control,
        control_soaked_ms=soaked_ms,
        control_fresh_ms=fresh_ms,
        control_ratio=soaked_ms / fresh_ms if control else None,
        first_loss=first_loss,
        final_loss=final_loss,
        final_accuracy=final_accuracy,
        history_length=steps,
        stop_reason=stop_reason,
        wall_seconds=wall,
    )


def report(f: SoakFigures) -> str:
    """The figures as the lines README.md quotes."""
    lines = [
        f"soak: {f.steps:,} steps of micrograd-demo (constant lr {SOAK_LR}) "
        f"in {f.wall_seconds:.0f} s wall",
        f"  loss {f.first_loss:.4f} -> {f.final_loss:.4f}, accuracy {f.final_accuracy:.0%}",
        f"  RSS after step {f.warmup:,}: {f.rss_after_warmup_mb:.1f} MB; at step {f.steps:,}: "
        f"{f.rss_end_mb:.1f} MB; growth {f.rss_growth_mb:+.2f} MB",
        f"  CPU of steps {f.warmup:,}-{f.warmup + f.window:,}: {f.first_window_cpu_s:.2f} s "
        f"(median {f.first_window_median_ms:.2f} ms/step); last {f.window:,}: "
        f"{f.last_window_cpu_s:.2f} s (median {f.last_window_median_ms:.2f} ms/step)",
        f"  ratio last/first: total {f.cpu_ratio:.3f}, median {f.median_ratio:.3f}",
        f"  median ms/step per {f.window:,}-step window: {f.window_medians_ms}",
    ]
    if f.control_steps:
        lines.append(
            f"  control, {f.control_steps:,} steps each, interleaved: soaked trainer "
            f"{f.control_soaked_ms:.2f} ms/step, fresh trainer {f.control_fresh_ms:.2f} ms/step, "
            f"ratio {f.control_ratio:.3f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_000, help="training steps (20,000)")
    parser.add_argument("--warmup", type=int, default=1_000, help="steps before measuring")
    parser.add_argument("--window", type=int, default=1_000, help="steps per timed window")
    parser.add_argument(
        "--control", type=int, default=1_000, help="interleaved control steps (0: none)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = run_soak(args.steps, args.warmup, args.window, args.control, progress=not args.json)
    print(json.dumps(asdict(figures), indent=1) if args.json else report(figures))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
