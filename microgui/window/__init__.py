"""The training window: the main window, its control panels and what drives them.

``main_window`` lays out the panels; ``training_controller`` connects them to
the worker of ``microgui.training_run``; ``presenter`` draws its snapshots
into the widgets. The Graph and Playground tabs are added by
``microgui.graph_explorer.install``.
"""
