"""DatasetControls: the dataset chooser, its parameter form, seed, Regenerate, test fraction."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from microgui.widgets.param_form import ParamForm
from microgui.widgets.strict_spin import StrictDoubleSpinBox, StrictSpinBox

DRAWN_DATASET_ID = "drawn"
DRAWN_DATASET_LABEL = "✎ Drawn data"
MAX_SEED = 2**32 - 1
ICON_PIXELS = 32


class DatasetControls(QGroupBox):
    """Emits datasetRequested() whenever the data must be (re)generated."""

    datasetRequested = Signal()
    testFractionChanged = Signal(float)
    valueRejected = Signal(str)  # a typed number was refused: why, and the value kept
    cancelRequested = Signal()  # stop waiting for the dataset being generated

    def __init__(self, registry: Any, parent: QWidget | None = None) -> None:
        super().__init__("Data", parent)
        self.registry = registry
        self.thumbnails: dict[str, np.ndarray] = {}  # what each dataset's icon shows
        self.combo = QComboBox()
        self.combo.setToolTip("Every dataset offered by the installed plugins")
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(12)
        # Thumbnails of each dataset's points (set_thumbnail); until one arrives (or for a
        # dataset that cannot draw one) a blank one keeps the names aligned.
        self.combo.setIconSize(QSize(ICON_PIXELS, ICON_PIXELS))
        self._blank_icon = _blank_icon(ICON_PIXELS)
        for dataset_id, spec in registry.datasets.items():
            self.combo.addItem(self._blank_icon, spec.name, dataset_id)
            self.combo.setItemData(self.combo.count() - 1, spec.description, Qt.ToolTipRole)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setObjectName("datasetDescription")
        self.description.setStyleSheet("color: #555;")
        self.params = ParamForm()
        self.seed = StrictSpinBox()
        self.seed.setAccessibleName("Seed")
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip(
            "Seeds the data, the train/test split, the initial weights and batches"
        )
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setToolTip("Draw a new sample of this dataset (new seed)")
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("cancelGeneration")
        self.cancel.setToolTip(
            "Stop waiting for this dataset: the previous data and model come back (Esc)"
        )
        self.cancel.setShortcut("Esc")
        self.cancel.hide()
        self.test_fraction = StrictDoubleSpinBox()
        self.test_fraction.setAccessibleName("Test fraction")
        self.test_fraction.setRange(0.0, 0.9)
        self.test_fraction.setSingleStep(0.05)
        self.test_fraction.setDecimals(2)
        self.test_fraction.setToolTip("Share of the samples held out as the test set")

        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.regenerate)
        seed_row.addWidget(self.cancel)
        form = QFormLayout()
        # A field that does not fit beside its label goes under it: a narrow window
        # (800 pixels) then shows every field whole.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.addRow("Seed", seed_row)
        form.addRow("Test fraction", self.test_fraction)
        layout = QVBoxLayout(self)
        layout.addWidget(self.combo)
        layout.addWidget(self.description)
        layout.addWidget(self.params)
        layout.addLayout(form)

        self.combo.currentIndexChanged.connect(self._on_dataset_chosen)
        self.params.changed.connect(self.datasetRequested)
        self.seed.valueChanged.connect(self.datasetRequested)
        self.regenerate.clicked.connect(self.new_seed)
        self.cancel.clicked.connect(self.cancelRequested)
        self.test_fraction.valueChanged.connect(self.testFractionChanged)
        for source in (self.seed, self.test_fraction, self.params):
            source.valueRejected.connect(self.valueRejected)
        if self.combo.count():
            self._show_spec(self.dataset_id())

    # ------------------------------------------------------------------ api
    def dataset_id(self) -> str:
        """Id of the chosen dataset ("drawn" for the user's own points)."""
        return str(self.combo.currentData() or "")

    def set_dataset(self, dataset_id: str, params: dict[str, Any] | None = None) -> bool:
        """Choose `dataset_id` (and fill its form); False if no plugin offers it."""
        index = self.combo.findData(dataset_id)
        if index < 0:
            return False
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)
        self._show_spec(dataset_id)
        if params:
            self.params.blockSignals(True)
            self.params.set_values(params)
            self.params.blockSignals(False)
        return True

    def param_values(self) -> dict[str, Any]:
        """The parameter form's values."""
        return self.params.values()

    def set_seed(self, seed: int) -> None:
        """Set the data seed without triggering a regeneration."""
        self.seed.blockSignals(True)
        self.seed.setValue(int(seed))
        self.seed.blockSignals(False)

    def new_seed(self) -> None:
        """Regenerate: next seed, new sample."""
        self.seed.setValue((self.seed.value() + 1) % self.seed.maximum())

    def add_drawn_entry(self) -> None:
        """Make "Drawn data" selectable (after the user draws points) and select it."""
        if self.combo.findData(DRAWN_DATASET_ID) < 0:
            self.combo.addItem(self._blank_icon, DRAWN_DATASET_LABEL, DRAWN_DATASET_ID)
        self.set_dataset(DRAWN_DATASET_ID)

    def set_thumbnail(self, dataset_id: str, rgba: np.ndarray) -> None:
        """Show `rgba` (a dataset_thumbnail image) beside `dataset_id` in the chooser."""
        index = self.combo.findData(dataset_id)
        if index < 0:
            return
        rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
        height, width = rgba.shape[:2]
        image = QImage(rgba.data, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()
        self.combo.setItemIcon(index, QIcon(QPixmap.fromImage(image)))
        self.thumbnails[dataset_id] = rgba

    def set_generating(self, busy: bool) -> None:
        """While a dataset is being generated, Cancel takes Regenerate's place."""
        self.regenerate.setVisible(not busy)
        self.cancel.setVisible(busy)

    def is_valid(self) -> bool:
        """False while the parameter form holds an invalid value."""
        return self.params.is_valid()

    # ------------------------------------------------------------ internals
    def _show_spec(self, dataset_id: str) -> None:
        if dataset_id == DRAWN_DATASET_ID:
            self.description.setText(
                "Points you drew on the boundary plot: left click adds, right click removes."
            )
            self.params.set_specs([])
            return
        spec = self.registry.datasets.get(dataset_id)
        if spec is None:
            return
        self.description.setText(spec.description)
        self.params.blockSignals(True)
        self.params.set_specs(spec.params)
        self.params.blockSignals(False)

    def _on_dataset_chosen(self, _index: int) -> None:
        self._show_spec(self.dataset_id())
        self.datasetRequested.emit()


def _blank_icon(pixels: int) -> QIcon:
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    return QIcon(pixmap)
