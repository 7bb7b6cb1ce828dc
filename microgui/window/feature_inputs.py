"""Between the feature toggles beside the network and the config's ``features``.

The toggles (microgui.widgets.feature_toggles) show labels and hand back
names; this module knows the feature grammar (engine.features): which
features data with d columns offers, their labels in the data's own column
names, which products the picker adds, and that "exactly the raw inputs"
is the config's ``()``. A feature that the new data cannot compute (x3 on
two columns) is dropped with a notice instead of making the run fail.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from engine.features import Feature, available_features, parse_features
from microgui.training_run.worker import MAX_WINDOW_FEATURES
from microgui.widgets.feature_toggles import FeatureToggles

#: Up to this many inputs every product is listed; beyond, the picker adds them.
LISTED_PRODUCTS_UP_TO = 4


def feature_label(feature: Feature, names: Sequence[str]) -> str:
    """The feature in the data's column names, written as TensorFlow Playground does."""
    return feature.label(names, pretty=True)


class FeatureInputs:
    """Keeps the wanted features across data changes and the toggles in step with them."""

    def __init__(self, toggles: FeatureToggles, notice: Callable[[str], None]) -> None:
        self.toggles = toggles
        self.notice = notice
        self.names: tuple[str, ...] = ()
        self.wanted: tuple[Feature, ...] = ()  # () = the raw inputs
        toggles.changed.connect(self._on_toggled)
        toggles.productRequested.connect(self._on_product)

    # ------------------------------------------------------------------ config
    def set_config_features(self, features: Sequence[str]) -> None:
        """The features a config (a preset, a session, the last run) asks for."""
        self.wanted = parse_features(list(features))
        if self.names:
            self._rebuild()

    def config_features(self) -> tuple[str, ...]:
        """The config's ``features`` for what is checked: () when it is the raw inputs."""
        return tuple(f.name for f in self.wanted)

    # ------------------------------------------------------------------ data
    def show_inputs(self, names: Sequence[str]) -> bool:
        """The data's columns; True when a wanted feature had to be dropped.

        Data wider than the window trains (the worker refuses it with a message) offers
        no toggles: three rows per column of 100,000 held the GUI thread for minutes.
        """
        names = tuple(str(n) for n in names)
        d = len(names)
        if d > MAX_WINDOW_FEATURES:
            self.names = ()
            self.toggles.set_choices([], [])
            return False
        kept = tuple(f for f in self.wanted if max(f.inputs) < d)
        dropped = [f.name for f in self.wanted if f not in kept]
        self.wanted = kept  # nothing left: () is the raw inputs
        if names != self.names or dropped:
            self.names = names
            self._rebuild()
        if dropped:
            self.notice(
                f"Input feature{'s' if len(dropped) > 1 else ''} {', '.join(dropped)} "
                f"dropped: the data has {d} feature{'s' if d != 1 else ''}"
            )
        return bool(dropped)

    def _rebuild(self) -> None:
        d = len(self.names)
        offered = list(available_features(d, products=d <= LISTED_PRODUCTS_UP_TO))
        offered += [f for f in self.wanted if f not in offered]  # picked products
        offered.sort(key=Feature.sort_key)
        checked = self.wanted or tuple(Feature("x", k) for k in range(d))
        self.toggles.set_choices(
            [(f.name, feature_label(f, self.names)) for f in offered],
            [f.name for f in checked],
            self.names,
            picker=d > LISTED_PRODUCTS_UP_TO,
        )

    # ------------------------------------------------------------------ edits
    def _on_toggled(self) -> None:
        checked = parse_features(list(self.toggles.checked()))
        if not checked:
            # The network needs an input: put the last one back.
            self.toggles.set_checked([f.name for f in self.wanted] or self._raw_names())
            self.notice("The network needs at least one input: check another one first")
            return
        raw = tuple(Feature("x", k) for k in range(len(self.names)))
        self.wanted = () if checked == raw else checked

    def _on_product(self, i: int, j: int) -> None:
        (feature,) = parse_features(f"x{i + 1}*x{j + 1}")  # x1*x1 is x1^2
        self.toggles.add_choice(feature.name, feature_label(feature, self.names))

    def _raw_names(self) -> list[str]:
        return [f"x{k + 1}" for k in range(len(self.names))]
