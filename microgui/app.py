"""Start the Qt application and the main window (placeholder until the window lands)."""

from __future__ import annotations

import argparse
import sys


def run_gui(args: argparse.Namespace) -> int:
    """Open the window; with --screenshot, save a PNG of it and exit."""
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("microgui")
    window.setCentralWidget(QLabel("microgui"))
    window.resize(1280, 800)
    window.show()
    if args.screenshot:
        app.processEvents()
        window.grab().save(args.screenshot)
        return 0
    return app.exec()
