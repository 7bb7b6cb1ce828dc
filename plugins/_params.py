"""Parameter declarations shared by the built-in dataset plugins."""

from __future__ import annotations

from microgui.hookspecs import ParamSpec

#: A scalar engine builds one graph node per number: more points than this
#: makes a training step take seconds, which defeats watching it learn.
MAX_GENERATED_SAMPLES = 10_000


def n_samples_param(default: int, minimum: int = 10) -> ParamSpec:
    """The number of points to generate."""
    return ParamSpec(
        "n_samples",
        "int",
        default,
        minimum=minimum,
        maximum=MAX_GENERATED_SAMPLES,
        help="number of points",
    )


def noise_param(default: float, maximum: float, help: str) -> ParamSpec:
    """A noise level from 0 (none) to ``maximum``."""
    return ParamSpec("noise", "float", default, minimum=0.0, maximum=maximum, help=help)


def split_in_two(n_samples: int) -> tuple[int, int]:
    """Sizes of two classes adding up to exactly ``n_samples`` (the first gets the spare)."""
    second = n_samples // 2
    return n_samples - second, second
