"""Where microgui meets the desktop it runs on.

``display`` decides before Qt starts whether a window can open, ``paths``
knows where bundled resources and per-user folders are, and
``error_handler`` turns an uncaught exception into a dialog and a log entry.
"""
