"""FeatureToggles: TensorFlow Playground's input features as toggles beside the network.

One checkable row per feature the data offers (X1, X2, X1², X2², X1X2,
sin(X1), sin(X2) for two inputs; for d inputs each xk, its square and its
sine, and the products of pairs). With more than four inputs the pairs are
too many to list (64 inputs: 2,016), so a picker adds the products the
user wants. The widget knows nothing of the engine: the window hands it the
choices as (name, label) pairs (name is the config's feature name, e.g.
"x1*x2"; label what to show, e.g. "petal_length·petal_width") and reads
back the checked names.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

_NAME = Qt.ItemDataRole.UserRole
MIN_WIDTH = 72


class FeatureToggles(QWidget):
    """A column of feature check boxes (and a product picker for many inputs).

    Signals: ``changed()`` when the user checks or unchecks a feature;
    ``productRequested(i, j)`` when the picker asks for the product of
    inputs i and j (0-based), which the window answers with ``add_choice``.
    """

    changed = Signal()
    productRequested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Inputs")
        self.title.setToolTip(
            "The network's inputs: the raw features and features computed from them.\n"
            "Each one is a node of the graph (see the Graph tab), before the scaling."
        )
        self.list = QListWidget()
        self.list.setObjectName("featureToggles")
        # Narrower than its labels when squeezed (long CSV names elide, tooltips keep
        # them), but never gone: at 800 x 600 the network gives way instead.
        self.list.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Expanding)
        self.list.setMinimumWidth(0)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setUniformItemSizes(True)
        self.first = QComboBox()
        self.second = QComboBox()
        self.add_button = QPushButton("Add x·y")
        self.add_button.setToolTip("Add the product of the two inputs chosen above")
        self.picker = QWidget()
        picker = QVBoxLayout(self.picker)
        picker.setContentsMargins(0, 0, 0, 0)
        picker.setSpacing(2)
        pair = QHBoxLayout()
        pair.setSpacing(2)
        pair.addWidget(self.first)
        pair.addWidget(self.second)
        picker.addLayout(pair)
        picker.addWidget(self.add_button)
        self.picker.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)  # the gap to the network
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.picker)
        self.list.itemChanged.connect(self._on_item_changed)
        self.add_button.clicked.connect(self._on_add)
        self._updating = False
        self._width = 132
        self.setSizePolicy(QSizePolicy.Maximum, QSizePolicy.Preferred)
        self.setMaximumWidth(self._width)

    # ------------------------------------------------------------------ data in
    def set_choices(
        self,
        choices: Sequence[tuple[str, str]],
        checked: Sequence[str],
        inputs: Sequence[str] = (),
        picker: bool = False,
    ) -> None:
        """The features to offer ((name, label) pairs), which are on, and the input names.

        ``picker``: show the product picker (inputs chosen by ``inputs``' names).
        """
        on = set(checked)
        self._updating = True
        try:
            self.list.clear()
            for name, label in choices:
                self._add_item(name, label, name in on)
            for combo in (self.first, self.second):
                combo.clear()
                combo.addItems(list(inputs))
            self.second.setCurrentIndex(min(1, len(inputs) - 1))
        finally:
            self._updating = False
        self.picker.setVisible(picker and len(inputs) > 1)
        self._fit_width()

    def add_choice(self, name: str, label: str, checked: bool = True) -> None:
        """One more feature (a picked product); checking an existing one instead."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(_NAME) == name:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                return
        self._updating = True
        try:
            self._add_item(name, label, checked)
        finally:
            self._updating = False
        self._fit_width()
        self.changed.emit()

    def set_checked(self, names: Sequence[str]) -> None:
        """Check exactly the features ``names`` (without emitting ``changed``)."""
        on = set(names)
        self._updating = True
        try:
            for row in range(self.list.count()):
                item = self.list.item(row)
                state = Qt.CheckState.Checked if item.data(_NAME) in on else Qt.CheckState.Unchecked
                item.setCheckState(state)
        finally:
            self._updating = False

    # ------------------------------------------------------------------ data out
    def checked(self) -> tuple[str, ...]:
        """The names of the checked features, in list order."""
        return tuple(
            self.list.item(row).data(_NAME)
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        )

    def names(self) -> tuple[str, ...]:
        """Every offered feature's name, in list order."""
        return tuple(self.list.item(row).data(_NAME) for row in range(self.list.count()))

    def label_of(self, name: str) -> str:
        """The shown label of feature ``name`` ("" if not offered)."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(_NAME) == name:
                return item.text()
        return ""

    # ------------------------------------------------------------------ inside
    def _add_item(self, name: str, label: str, checked: bool) -> None:
        item = QListWidgetItem(label)
        item.setData(_NAME, name)
        item.setToolTip(f"{label}  ({name})" if label != name else name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.addItem(item)

    def _fit_width(self) -> None:
        metrics = self.list.fontMetrics()
        widest = max(
            (metrics.horizontalAdvance(self.list.item(r).text()) for r in range(self.list.count())),
            default=40,
        )
        # check box + text + scroll bar, within reason (long CSV names are elided)
        self._width = max(96, min(widest + 52, 190))
        self.setMaximumWidth(self._width)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(self._width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        # Room for a check box and "sin(x1)" (the longest of Playground's names): the
        # column stays usable in an 800 x 600 window, where the network view is narrow.
        text = self.list.fontMetrics().horizontalAdvance("sin(x1)")
        return QSize(max(MIN_WIDTH, text + 36), super().minimumSizeHint().height())

    def _on_item_changed(self, _item: QListWidgetItem) -> None:
        if not self._updating:
            self.changed.emit()

    def _on_add(self) -> None:
        i, j = self.first.currentIndex(), self.second.currentIndex()
        if i >= 0 and j >= 0:
            self.productRequested.emit(i, j)
