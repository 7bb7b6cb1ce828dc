"""The dataset plugin contract: everything a plugin author needs, and nothing more.

A plugin is a Python module with a function decorated with :data:`hookimpl`
that returns the datasets it offers::

    import numpy as np
    from microgui.hookspecs import Dataset, DatasetSpec, ParamSpec, hookimpl

    def _generate(params: dict, seed: int) -> Dataset:
        rng = np.random.default_rng(seed)
        X = rng.uniform(-1, 1, size=(params["n_samples"], 2))
        y = (X[:, 0] * X[:, 1] > 0).astype(np.float64)
        return Dataset(X, y, "binary", ("x1", "x2"), ("different sign", "same sign"))

    @hookimpl
    def microgui_datasets() -> list[DatasetSpec]:
        return [
            DatasetSpec(
                id="quadrants",
                name="Quadrants",
                description="Points labelled by whether x1 and x2 share a sign.",
                task="binary",
                params=(ParamSpec("n_samples", "int", 100, minimum=10, maximum=2000),),
                generate=_generate,
            )
        ]

Make it discoverable either as a package (an entry point in the group
``microgui.plugins`` naming the module) or as a single drop-in ``.py`` file
in a plugin folder. See docs/plugins.md.

What microgui promises the plugin:

- ``generate(params, seed)`` receives *every* declared parameter, already
  checked against its kind and bounds (defaults filled in), and a seed
  ``0 <= seed < 2**32``. The same params and seed must give the same data.
- Generate runs off the GUI thread and may be abandoned after a timeout;
  it must not touch Qt.

What microgui checks about the result (and reports by plugin name if wrong):
X is a 2-D floating-point array of shape (n, d) with n >= 1 and d >= 1, y has
n numeric entries, nothing is NaN or infinite, ``feature_names`` has d
entries, and for classification y holds class indices 0..k-1 with
``class_names`` naming all k classes (binary: k == 2).

The contract is versioned by :data:`CONTRACT_VERSION`. A plugin written for a
newer contract may say so with a module attribute
``MICROGUI_CONTRACT_VERSION = 3``; an older microgui then reports it as
needing an upgrade instead of failing obscurely. Version 2 added one
optional field, ``DatasetSpec.suggested_scaling``; a plugin that sets it
declares ``MICROGUI_CONTRACT_VERSION = 2``, and every version 1 plugin works
unchanged. Only ``microgui_datasets``
exists today; new hooks (losses, optimizers) would be added beside it, and a
plugin implementing only those is unaffected by this one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pluggy

PROJECT_NAME = "microgui"
CONTRACT_VERSION = 2  # 2: DatasetSpec.suggested_scaling (optional)
ENTRY_POINT_GROUP = "microgui.plugins"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

#: "binary": y in {0, 1} (float64); "multiclass": y in {0..k-1} (int64 after
#: validation); "regression": y any finite float.
TASKS: tuple[str, ...] = ("binary", "multiclass", "regression")
#: What ``DatasetSpec.suggested_scaling`` may say; "" lets microgui decide from the data.
SCALING_HINTS: tuple[str, ...] = ("", "none", "standardize", "minmax")
#: Parameter kinds the GUI can build a form field for. "str" is free text
#: (e.g. a column name); "path" is a file chosen with a file dialog.
PARAM_KINDS: tuple[str, ...] = ("int", "float", "bool", "choice", "path", "str")

Task = Literal["binary", "multiclass", "regression"]
ParamKind = Literal["int", "float", "bool", "choice", "path", "str"]


class DatasetError(ValueError):
    """Raise from ``generate`` when the *user's input* is wrong (a bad CSV file).

    microgui shows its message as it is, as advice to the user. Any other
    exception from ``generate`` is reported as a bug in the plugin.
    """


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a dataset, declared as data so any GUI can build a form for it.

    ``minimum``/``maximum`` are inclusive bounds for "int" and "float";
    ``choices`` lists the allowed values of a "choice" (strings).
    """

    name: str
    kind: ParamKind
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True, eq=False)  # arrays make field-wise equality ambiguous
class Dataset:
    """Data ready to train on.

    X has shape (n, d), float64. y has shape (n,): class indices for
    "binary"/"multiclass", targets for "regression". ``class_names`` has one
    entry per class (empty for regression).
    """

    X: np.ndarray
    y: np.ndarray
    task: Task
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] = ()

    @property
    def n_samples(self) -> int:
        """Number of rows of X."""
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """Feature dimension d = X.shape[1]."""
        return int(self.X.shape[1])


@dataclass(frozen=True)
class DatasetSpec:
    """A dataset a plugin offers: identity, task, parameters and its generator.

    ``id`` is unique across all plugins (lowercase, no spaces, e.g.
    "moons"); ``name`` is the display name; ``description`` one line.
    ``task`` is the task the dataset has with its default parameters; the
    :class:`Dataset` that ``generate`` returns is authoritative (blobs with
    k=2 is binary, with k=3 multiclass).

    ``suggested_scaling`` (contract version 2, optional) is the feature
    scaling microgui uses when the user leaves scaling on "auto":
    "standardize" for tables whose columns come in any unit (the CSV
    plugin), "none" for data made at unit scale; "" (the default) lets
    microgui decide from the data (standardize when a feature is far from
    unit scale).
    """

    id: str
    name: str
    description: str
    task: Task
    params: tuple[ParamSpec, ...]
    generate: Callable[[dict[str, Any], int], Dataset]
    suggested_scaling: str = ""

    def defaults(self) -> dict[str, Any]:
        """The parameters at their declared defaults."""
        return {p.name: p.default for p in self.params}


@hookspec
def microgui_datasets() -> list[DatasetSpec]:
    """Return the datasets this plugin offers (may be empty).

    Called once when plugins are loaded, so keep it cheap: declare the
    datasets here and do the work in each spec's ``generate``.
    """
