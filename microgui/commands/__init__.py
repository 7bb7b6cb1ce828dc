"""The command-line subcommands ``microgui train`` and ``microgui plugins``.

``microgui.cli`` parses the command line and hands over to these. No Qt is
imported here except by ``plot_file``, which ``--plot`` loads on demand.
"""
