"""microgui: a desktop sandbox for watching a scalar autograd network learn."""

__version__ = "0.1.0"
