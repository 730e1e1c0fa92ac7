"""The exit codes scripts can rely on, for ``cli`` and every ``commands`` module.

A module of their own (no Qt, no argparse) so a command does not import ``cli`` for them:
``cli`` imports the commands, and that cycle made every headless command reach the GUI
statically.
"""

EXIT_OK = 0  # done
EXIT_PROBLEMS = 1  # the document has validation problems, or an import was refused
EXIT_USAGE = 2  # bad arguments
EXIT_CANNOT_OPEN = 3  # a file cannot be opened or read
EXIT_FAILED = 4  # the run failed or was interrupted
