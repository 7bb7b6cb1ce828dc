"""Plugin problems told to a user: which plugin failed, and where to look.

Shared by the command line and the window, so both say the same thing.
"""

from __future__ import annotations

from microgui.plugin_host.registry import PluginRegistry, PluginReport

__all__ = ["failed_plugins_summary", "missing_dataset_message"]


def _suspects(registry: PluginRegistry, dataset_id: str) -> list[PluginReport]:
    """Failed plugins that may have provided ``dataset_id``: by name first, else all."""
    failed = [r for r in registry.failed_reports if not r.dataset_ids]
    named = [r for r in failed if dataset_id in r.name or r.name in dataset_id]
    return named or failed


def missing_dataset_message(registry: PluginRegistry, dataset_id: str) -> str:
    """One line: no such dataset, and, if plugins failed to load, which and how to see why."""
    known = ", ".join(sorted(registry.datasets)) or "none"
    suspects = _suspects(registry, dataset_id)
    if not suspects:
        return f"no dataset {dataset_id!r}; available: {known}"
    first = suspects[0]
    more = f" (and {len(suspects) - 1} more)" if len(suspects) > 1 else ""
    return (
        f"no dataset {dataset_id!r}: the plugin {first.name!r}{more} that may provide it "
        f"failed to load ({first.error}); run `microgui plugins` for details; "
        f"available: {known}"
    )


def failed_plugins_summary(registry: PluginRegistry) -> str:
    """One line naming the plugins that failed to load, or "" when none did."""
    failed = registry.failed_reports
    if not failed:
        return ""
    names = ", ".join(r.name for r in failed[:3]) + (" ..." if len(failed) > 3 else "")
    count = f"{len(failed)} plugin{'s' if len(failed) > 1 else ''}"
    return f"{count} failed to load: {names} (Help > Plugins shows why)"
