"""``python -m scheduler.cli``: the same as the ``schedule`` command."""

from scheduler.cli.commands import main

main()
