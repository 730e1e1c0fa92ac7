"""``compute-atlas new`` and ``compute-atlas validate``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_app.core.model import Model
from desktop_app.core.sample_model import build_sample_model
from desktop_app.core.validation import validate as validate_model
from desktop_app.exit_codes import EXIT_CANNOT_OPEN, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from desktop_app.storage.document import create_document, read_model
from desktop_app.storage.errors import DocumentError


def new(args: argparse.Namespace) -> int:
    if args.path.exists() and not args.force:
        print(f"compute-atlas: {args.path} exists; use --force to replace it", file=sys.stderr)
        return EXIT_USAGE
    model = build_sample_model() if args.sample else Model()
    try:
        create_document(model, args.path)
    except DocumentError as exc:
        print(f"compute-atlas: {exc}", file=sys.stderr)
        return EXIT_CANNOT_OPEN
    what = "the 2026 buildout sample" if args.sample else "a blank model"
    print(f"created {args.path} with {what}")
    return EXIT_OK


def open_or_report(path) -> Model | None:
    """The document's model, or None after printing the one-line reason it cannot be opened."""
    try:
        return read_model(path)
    except DocumentError as exc:
        print(f"compute-atlas: {exc}", file=sys.stderr)
        return None


def validate(args: argparse.Namespace) -> int:
    model = open_or_report(args.path)
    if model is None:
        return EXIT_CANNOT_OPEN
    problems = validate_model(model)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{args.path}: {len(problems)} problem(s)", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{args.path}: valid ({len(model.sites)} sites, {len(model.phases)} phases, "
          f"{len(model.scenarios)} scenarios)")
    return EXIT_OK


def output_problem(path: Path, suffixes: tuple[str, ...]) -> str | None:
    """Why results cannot be written to ``path`` (checked before a long run), or None."""
    if path.is_dir():
        return f"cannot write {path}: it is a folder"
    folder = path.absolute().parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        return f"cannot write {path}: {folder} {what}"
    if path.suffix.lower() not in suffixes:
        return f"cannot write {path}: the name must end in {', '.join(suffixes)}"
    return None
