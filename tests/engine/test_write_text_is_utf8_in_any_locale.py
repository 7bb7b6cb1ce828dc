"""write_text writes UTF-8 whatever the user's locale says, as every microgui reader expects.

A user whose locale is plain ASCII (LANG=C without Python's UTF-8 mode) or
Latin-1 must still get a UTF-8 file: the JSON and CSV readers decode UTF-8,
and a model saved with a feature named "température" must load again.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from engine.atomic_write import write_text

ROOT = Path(__file__).resolve().parents[2]

_WRITE = textwrap.dedent(
    """
    import locale, sys  # this source stays ASCII: the command line is decoded by the locale
    from engine.atomic_write import write_text
    print(locale.getpreferredencoding(False))
    write_text(sys.argv[1], "temp\\u00e9rature \\u2211 \\u2713\\n", "model")
    """
)


def test_the_file_is_utf8_under_an_ascii_locale(tmp_path):
    # In this process's locale first: also how mutation testing (which maps tests to the
    # functions they call in-process) knows this test reaches write_text.
    here = tmp_path / "here.json"
    write_text(here, "température\n", "model")
    assert here.read_bytes() == "température\n".encode()
    target = tmp_path / "m.json"
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    done = subprocess.run(
        [sys.executable, "-c", _WRITE, str(target)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() != "UTF-8"  # the locale really is not UTF-8 here
    assert target.read_bytes() == "température ∑ ✓\n".encode()
