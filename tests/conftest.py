"""Shared test set-up: every Qt test runs headless, and no test can hang the run."""

import faulthandler
import os
import sys

import pytest

# Qt aborts the process when it finds no display; offscreen needs none.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The longest test (the 20,000-step soak, or the 60 s UI fuzz on a slow machine) takes a few
# minutes; a test still running after this is stuck (e.g. threads waiting on each other).
TEST_DEADLINE_S = float(os.environ.get("MICROGUI_TEST_DEADLINE_S", "900"))
_terminal = {"file": sys.__stderr__}


def pytest_configure(config):
    """Keep a handle on the real stderr: pytest captures fd 2 into a temporary file during
    each test, and a dump written there is lost when the watchdog ends the process."""
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is None:
        return
    with capture.global_and_fixture_disabled():
        _terminal["file"] = os.fdopen(os.dup(2), "w")


@pytest.fixture
def terminal_stderr():
    """The real stderr, for messages that must survive os._exit() (pytest captures fd 2)."""
    return _terminal["file"]


@pytest.fixture(autouse=True)
def deadline_per_test():
    """A stuck test prints every thread's stack and ends the run (exit 1), never hangs CI.

    faulthandler's watchdog thread fires even while the main thread is blocked on a lock,
    where no Python-level timeout could run. A test may set its own, shorter watchdog
    (the UI fuzz does); it replaces this one until the test ends.
    """
    faulthandler.dump_traceback_later(TEST_DEADLINE_S, exit=True, file=_terminal["file"])
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(autouse=True)
def isolated_log_folder(tmp_path_factory, monkeypatch):
    """microgui's log folder ($XDG_STATE_HOME on Linux) is a temporary one in every test.

    The app writes its crash log there as soon as its exception handler is installed, also in
    the subprocesses some tests start (they inherit the variable).
    """
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
