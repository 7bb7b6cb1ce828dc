"""Shared test set-up: every Qt test runs headless."""

import os

# Qt aborts the process when it finds no display; offscreen needs none.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
