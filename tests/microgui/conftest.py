"""The application's tests get the Qt fixtures of tests/window_fixtures.py."""

from window_fixtures import (  # noqa: F401  (pytest finds fixtures by their names here)
    collect_garbage_after_the_test,
    dialogs,
    isolated_settings,
    make_window,
    registry,
    settings_file,
)
