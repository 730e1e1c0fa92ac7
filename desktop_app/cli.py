"""The ``compute-atlas`` command: the GUI when no subcommand is given, otherwise headless work.

Exit codes scripts can rely on (``desktop_app.exit_codes``): 0 ok, 1 validation problems,
2 usage, 3 cannot open a file, 4 the run failed or was interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from desktop_app import __version__
from desktop_app.exit_codes import EXIT_FAILED, EXIT_OK

SUBCOMMANDS = ("new", "validate", "run", "scenario", "import-sites", "sweep")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="compute-atlas",
        description="Plan the AI-infrastructure buildout: what compute costs, where, and what "
                    "holds it back, to 2030. Without a command, opens the desktop app.")
    parser.add_argument("--version", action="version", version=f"compute-atlas {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    new = sub.add_parser("new", help="create a document (blank, or the 2026 sample)")
    new.add_argument("path", type=Path)
    new.add_argument("--sample", action="store_true", help="the built-in 2026 buildout model")
    new.add_argument("--force", action="store_true", help="replace an existing file")

    validate = sub.add_parser("validate", help="print every problem of a document")
    validate.add_argument("path", type=Path)

    run = sub.add_parser("run", help="project scenarios (deterministic and Monte Carlo)")
    run.add_argument("path", type=Path)
    which = run.add_mutually_exclusive_group(required=True)
    which.add_argument("--scenario", help="scenario name")
    which.add_argument("--all-scenarios", action="store_true", help="every scenario in turn")
    run.add_argument("--samples", type=int, default=None,
                     help="Monte Carlo samples (default: the document's; 0: deterministic only)")
    run.add_argument("--seed", type=int, default=None, help="default: the document's seed")
    run.add_argument("--period", choices=("year", "quarter"), default=None,
                     help="default: the document's period")
    run.add_argument("--out", type=Path, help="write tidy results (.csv, .json or .xlsx)")
    run.add_argument("--quiet", action="store_true", help="no summary on stdout")

    from desktop_app.commands import scenarios, sites, sweep

    scenarios.add_parser(sub)
    sites.add_parser(sub)
    sweep.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--headless-demo" in argv:
        from desktop_app.commands.demo import headless_demo

        return headless_demo()
    if "--selftest" in argv:
        from desktop_app.selftest import run_selftest

        return run_selftest()
    if not argv or (argv[0] not in SUBCOMMANDS and not argv[0].startswith("-")):
        return _gui(argv)
    args = _parser().parse_args(argv)
    if args.command is None:
        return _gui([])
    from desktop_app.commands import new_validate, run, scenarios, sites, sweep

    handlers = {"new": new_validate.new, "validate": new_validate.validate, "run": run.run,
                "scenario": scenarios.run, "import-sites": sites.run, "sweep": sweep.run}
    try:
        return handlers[args.command](args)
    except BrokenPipeError:  # `compute-atlas ... | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _gui(paths: list[str]) -> int:
    try:
        from desktop_app.ui.app import main as gui_main
    except ImportError as exc:
        print(f"compute-atlas: the desktop app cannot start ({exc})", file=sys.stderr)
        return EXIT_FAILED
    return gui_main(paths)

