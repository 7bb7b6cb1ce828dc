"""`python -m microgui` does exactly what the `microgui` command does."""

from microgui.cli import run

if __name__ == "__main__":
    run()
