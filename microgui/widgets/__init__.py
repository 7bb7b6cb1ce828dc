"""One widget per job; each takes data through small setters and knows nothing of training."""

from microgui.widgets.boundary_plot import DecisionBoundaryPlot
from microgui.widgets.layer_sizes_editor import LayerSizesEditor
from microgui.widgets.loss_plot import LossPlot
from microgui.widgets.metric_plot import MetricPlot
from microgui.widgets.network_view import NetworkView
from microgui.widgets.param_form import ParamForm
from microgui.widgets.speed_control import SpeedControl
from microgui.widgets.status_bar import TrainingStatusBar

__all__ = [
    "DecisionBoundaryPlot",
    "LayerSizesEditor",
    "LossPlot",
    "MetricPlot",
    "NetworkView",
    "ParamForm",
    "SpeedControl",
    "TrainingStatusBar",
]
