"""``compute-atlas import-sites PATH FILE.csv [--mapping JSON]``: all rows or nothing."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop_app.core.site_import import SiteImportError, apply, preview, read_csv_text
from desktop_app.exit_codes import EXIT_CANNOT_OPEN, EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from desktop_app.storage.document import Document
from desktop_app.storage.errors import DocumentError


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("import-sites", help="add sites and phases from a CSV file")
    parser.add_argument("path", type=Path)
    parser.add_argument("csv", type=Path)
    parser.add_argument("--mapping", default=None,
                        help='JSON object "column header" → field, e.g. \'{"MW": "capacity_mw"}\'')
    parser.add_argument("--dry-run", action="store_true", help="preview only")


def run(args: argparse.Namespace) -> int:
    mapping = None
    if args.mapping:
        try:
            mapping = json.loads(args.mapping)
        except ValueError as exc:
            print(f"compute-atlas: --mapping is not JSON ({exc})", file=sys.stderr)
            return EXIT_USAGE
        if not isinstance(mapping, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
            print("compute-atlas: --mapping must map column headers to field names",
                  file=sys.stderr)
            return EXIT_USAGE
    try:
        text = read_csv_text(args.csv)
        document = Document.open(args.path)
    except (OSError, SiteImportError, DocumentError) as exc:
        print(f"compute-atlas: {exc}", file=sys.stderr)
        return EXIT_CANNOT_OPEN
    with document:
        try:
            result = preview(document.model, text, mapping)
        except SiteImportError as exc:
            print(f"compute-atlas: {exc}", file=sys.stderr)
            return EXIT_PROBLEMS
        print(result.text())
        if not result.ok:
            print("compute-atlas: nothing imported; fix the rows above", file=sys.stderr)
            return EXIT_PROBLEMS
        if args.dry_run:
            return EXIT_OK
        apply(document.model, result)
        try:
            document.save()
        except DocumentError as exc:
            print(f"compute-atlas: {exc}", file=sys.stderr)
            return EXIT_FAILED
    print(f"imported {len(result.sites)} site(s) and {len(result.phases)} phase(s) into "
          f"{args.path}")
    return EXIT_OK
