"""One widget per job; each takes data through small setters and knows nothing of training.

The widget classes are imported on first use, so that the plain-data modules
here (boundary_grid, boundary_image, colors) can be used by the worker
without loading Qt's widget modules.
"""

from __future__ import annotations

import importlib
from typing import Any

_WIDGETS = {
    "DecisionBoundaryPlot": "boundary_plot",
    "LayerSizesEditor": "layer_sizes_editor",
    "LossPlot": "loss_plot",
    "MetricPlot": "metric_plot",
    "NetworkView": "network_view",
    "ParamForm": "param_form",
    "SpeedControl": "speed_control",
    "TrainingStatusBar": "status_bar",
}

__all__ = sorted(_WIDGETS)


def __getattr__(name: str) -> Any:
    if name in _WIDGETS:
        module = importlib.import_module(f"microgui.widgets.{_WIDGETS[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
