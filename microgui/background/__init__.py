"""Work off the GUI thread: one helper for every background job of the window.

``jobs.JobRunner`` runs a function on a daemon thread and hands its result
back on the GUI thread through a Qt signal, tagged with a ticket. Its users:
the graph explorer's builds (graph_explorer.explorer), the network picture
(widgets.network_render) and dataset generation (training_run.dataset_loader).
It sits below all of them so that each may import it (widgets may not import
the training run or the graph explorer). QtCore only.
"""
