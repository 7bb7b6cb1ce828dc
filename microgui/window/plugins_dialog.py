"""Help > Plugins: every dataset plugin found, where it came from, and why a broken one failed.

The window's counterpart of `microgui plugins`: a plugin that failed to
import offers no dataset, so without this list a user would only see that
"rings" is missing from the dataset list, never why.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

COLUMNS = ("Plugin", "Source", "Status", "Datasets", "Problem")
DATASETS_WIDTH = 240


class PluginsDialog(QDialog):
    """A table of the registry's plugin reports (failed ones first), plus its warnings."""

    def __init__(self, registry: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plugins")
        reports = sorted(registry.reports, key=lambda r: r.status == "ok")
        self.table = QTableWidget(len(reports), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setWordWrap(True)
        for row, report in enumerate(reports):
            cells = (
                report.name,
                report.source,
                report.status,
                ", ".join(report.dataset_ids) or "-",
                report.error or "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{report.location}\n{report.error}" if report.error else text)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        for column in range(3):  # plugin, source, status: short
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        # Long dataset lists wrap; the problem gets the rest of the width.
        self.table.resizeColumnToContents(3)
        self.table.setColumnWidth(3, min(self.table.columnWidth(3), DATASETS_WIDTH))
        header.setSectionResizeMode(4, QHeaderView.Stretch)
        self.table.resizeRowsToContents()
        failed = sum(r.status != "ok" for r in reports)
        summary = f"{len(reports)} plugins, {failed} failed to load"
        lines = [summary, *registry.warnings, "From a terminal: microgui plugins --check"]
        self.summary = QLabel("\n".join(lines))
        self.summary.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(900, 380)

    def showEvent(self, event) -> None:
        """Row heights once the columns have their final widths (long problems wrap)."""
        super().showEvent(event)
        self.table.resizeRowsToContents()
