"""LayerSizesEditor: hidden layer sizes as text ("16,16") and as an editable list, in sync."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from microgui.widgets.validation import is_invalid, mark_invalid, set_help

MAX_NEURONS = 512
MAX_LAYERS = 8


def parse_layer_text(text: str) -> tuple[list[int] | None, str]:
    """("16, 8" -> [16, 8], "") or (None, reason) for text that is not sizes."""
    stripped = text.strip()
    if not stripped:
        return [], ""
    sizes = []
    for position, part in enumerate(stripped.replace(";", ",").split(","), start=1):
        part = part.strip()
        if not part:
            return None, f"size {position} is empty; write sizes like 16,16"
        if not part.lstrip("+-").isdigit():
            return None, f"'{part}' is not a whole number; write sizes like 16,16"
        size = int(part)
        if not 1 <= size <= MAX_NEURONS:
            return None, f"a layer needs 1..{MAX_NEURONS} neurons, not {size}"
        sizes.append(size)
    if len(sizes) > MAX_LAYERS:
        return None, f"at most {MAX_LAYERS} hidden layers"
    return sizes, ""


class LayerSizesEditor(QWidget):
    """Emits layersChanged(list[int]) whenever the text or a row changes to a valid list."""

    layersChanged = Signal(list)
    validityChanged = Signal(bool)

    def __init__(self, sizes: list[int] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText("e.g. 16,16")
        set_help(self.text_edit, "Hidden layer sizes, comma separated; the output layer is added")
        self.text_edit.textEdited.connect(self._on_text_edited)
        self.add_button = QPushButton("+ layer")
        self.add_button.setToolTip("Add a hidden layer (copies the last one's size)")
        self.add_button.clicked.connect(self.add_layer)
        self.rows_widget = QWidget()
        self.rows_layout = QGridLayout(self.rows_widget)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.setHorizontalSpacing(4)
        self.rows_layout.setVerticalSpacing(2)
        top = QHBoxLayout()
        top.addWidget(self.text_edit, 1)
        top.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.rows_widget)
        self.spins: list[QSpinBox] = []
        self._sizes: list[int] = []
        self.set_sizes(sizes if sizes is not None else [16, 16])

    # ------------------------------------------------------------------ api
    def sizes(self) -> list[int]:
        """The current valid sizes (the last valid ones while the text is invalid)."""
        return list(self._sizes)

    def text(self) -> str:
        """The text field's content."""
        return self.text_edit.text()

    def is_valid(self) -> bool:
        """False while the text field holds something that is not a list of sizes."""
        return not is_invalid(self.text_edit)

    def set_sizes(self, sizes: list[int]) -> None:
        """Replace both views with `sizes` (emits layersChanged when they differ)."""
        sizes = [int(s) for s in sizes]
        self.text_edit.setText(",".join(str(s) for s in sizes))
        self._set_valid(None)
        self._apply(sizes)

    def set_text(self, text: str) -> None:
        """Type `text` into the field as a user would."""
        self.text_edit.setText(text)
        self._on_text_edited(text)

    def add_layer(self) -> None:
        """Append a hidden layer with the size of the last one (or 8)."""
        if len(self._sizes) >= MAX_LAYERS:
            return
        self.set_sizes([*self._sizes, self._sizes[-1] if self._sizes else 8])

    def remove_layer(self, index: int) -> None:
        """Drop hidden layer `index`."""
        sizes = self.sizes()
        if 0 <= index < len(sizes):
            del sizes[index]
            self.set_sizes(sizes)

    # ------------------------------------------------------------ internals
    def _on_text_edited(self, text: str) -> None:
        sizes, reason = parse_layer_text(text)
        if sizes is None:
            self._set_valid(reason)
            return
        self._set_valid(None)
        self._apply(sizes, update_text=False)

    def _set_valid(self, reason: str | None) -> None:
        was_valid = self.is_valid()
        mark_invalid(self.text_edit, reason)
        if was_valid != self.is_valid():
            self.validityChanged.emit(self.is_valid())

    def _apply(self, sizes: list[int], update_text: bool = True) -> None:
        changed = sizes != self._sizes
        self._sizes = sizes
        self._rebuild_rows()
        if update_text:
            self.text_edit.setText(",".join(str(s) for s in sizes))
        self.add_button.setEnabled(len(sizes) < MAX_LAYERS)
        if changed:
            self.layersChanged.emit(list(sizes))

    def _rebuild_rows(self) -> None:
        if [s.value() for s in self.spins] == self._sizes:
            return
        while self.rows_layout.count():
            item = self.rows_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.spins = []
        for index, size in enumerate(self._sizes):
            label = QLabel(f"layer {index + 1}")
            spin = QSpinBox()
            spin.setRange(1, MAX_NEURONS)
            spin.setValue(size)
            spin.setSuffix(" neurons")
            spin.setToolTip(f"Neurons in hidden layer {index + 1}")
            spin.valueChanged.connect(self._on_spin_changed)
            remove = QToolButton()
            remove.setText("✕")
            remove.setToolTip(f"Remove hidden layer {index + 1}")
            remove.clicked.connect(lambda _=False, i=index: self.remove_layer(i))
            self.rows_layout.addWidget(label, index, 0)
            self.rows_layout.addWidget(spin, index, 1)
            self.rows_layout.addWidget(remove, index, 2)
            self.spins.append(spin)

    def _on_spin_changed(self) -> None:
        sizes = [s.value() for s in self.spins]
        self.text_edit.setText(",".join(str(s) for s in sizes))
        self._set_valid(None)
        if sizes != self._sizes:
            self._sizes = sizes
            self.layersChanged.emit(list(sizes))
