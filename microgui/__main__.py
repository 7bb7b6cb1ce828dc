"""`python -m microgui` does exactly what the `microgui` command does."""

import sys

from microgui.cli import main

if __name__ == "__main__":
    sys.exit(main())
