"""How tests start a microgui process that should get Ctrl-C."""

from __future__ import annotations

import sys

# Python started with SIGINT ignored keeps ignoring it (no KeyboardInterrupt), and a test
# runner's process may have been started that way (a background job of a script, mutmut's
# workers): a child meant to get Ctrl-C starts with SIGINT at its default, as from a
# terminal. exec keeps the process id (the session lock names it).
AS_FROM_A_TERMINAL = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])",
]
