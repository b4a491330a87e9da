"""The ``schedule`` command: each command parses, calls the library, and prints.

``main`` is the console script's entry point (``schedule = scheduler.cli:main``).
"""

from scheduler.cli.commands import main

__all__ = ["main"]
