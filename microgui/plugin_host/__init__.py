"""The plugin host: find dataset plugins, load them safely, check them, generate their data.

No Qt here, so ``microgui train`` and ``microgui plugins`` run without a display.
``discovery`` finds candidates (entry points, drop-in files), ``manager`` loads
them into a registry, ``validation`` checks what they declare and return, and
``registry`` generates data with timeouts, naming the plugin on any failure.

Plugin authors test their plugin with ``load_plugins`` (docs/plugins.md).
"""

from __future__ import annotations

from microgui.plugin_host.manager import PluginError, PluginRegistry, load_plugins

__all__ = ["PluginError", "PluginRegistry", "load_plugins"]
