"""microgui's built-in plugins.

Each module here is an ordinary plugin: it implements the hooks of
``microgui.hookspecs`` and is found through the ``microgui.plugins`` entry
points in pyproject.toml, exactly like a third party's plugin. microgui never
imports this package directly.
"""
