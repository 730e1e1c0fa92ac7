"""``compute-atlas scenario list|export|import|diff``."""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

from desktop_app.commands.new_validate import open_or_report
from desktop_app.core.model import Model, Scenario
from desktop_app.core.scenario_diff import diff_scenarios, output_deltas
from desktop_app.core.scenario_files import (
    ScenarioFileError,
    provenance_for,
    read_scenario_file,
    write_scenario_file,
)
from desktop_app.core.scenario_import import apply_import, plan_import
from desktop_app.exit_codes import EXIT_CANNOT_OPEN, EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from desktop_app.storage.document import Document
from desktop_app.storage.errors import DocumentError


def add_parser(sub: argparse._SubParsersAction) -> None:
    scenario = sub.add_parser("scenario", help="list, export, import and diff scenarios")
    actions = scenario.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the scenarios of a document")
    listing.add_argument("path", type=Path)
    export = actions.add_parser("export", help="write a scenario file (.scenario.json)")
    export.add_argument("path", type=Path)
    export.add_argument("name")
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--author", default=None)
    imp = actions.add_parser("import", help="import a scenario file into a document")
    imp.add_argument("path", type=Path)
    imp.add_argument("file", type=Path)
    imp.add_argument("--as", dest="as_name", default=None, help="import under this name")
    imp.add_argument("--replace", action="store_true", help="replace a scenario of that name")
    imp.add_argument("--partial", action="store_true",
                     help="import what resolves and drop the rest")
    diff = actions.add_parser("diff", help="what differs between two scenarios, and its effect")
    diff.add_argument("path", type=Path)
    diff.add_argument("a", help="scenario name (or a .scenario.json file)")
    diff.add_argument("b", help="scenario name (or a .scenario.json file)")
    diff.add_argument("--year", type=int, default=None, help="default: the horizon year")


def run(args: argparse.Namespace) -> int:
    return {"list": _list, "export": _export, "import": _import, "diff": _diff}[args.action](args)


def _list(args: argparse.Namespace) -> int:
    model = open_or_report(args.path)
    if model is None:
        return EXIT_CANNOT_OPEN
    for s in model.scenarios:
        parent = f" (from {s.parent})" if s.parent else ""
        print(f"{s.name}{parent}: {len(s.overrides)} overrides, {len(s.uncertainties)} "
              f"uncertainties — {s.description.splitlines()[0] if s.description else ''}")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    model = open_or_report(args.path)
    if model is None:
        return EXIT_CANNOT_OPEN
    scenario = model.scenario(args.name)
    if scenario is None:
        print(f"compute-atlas: no scenario {args.name!r} in {args.path}", file=sys.stderr)
        return EXIT_USAGE
    try:
        write_scenario_file(scenario, args.out,
                            provenance_for(f"{model.settings.title} ({args.path.name})",
                                           args.author))
    except OSError as exc:
        print(f"compute-atlas: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {args.out}")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    try:
        scenario, provenance = read_scenario_file(args.file)
    except ScenarioFileError as exc:
        print(f"compute-atlas: {exc}", file=sys.stderr)
        return EXIT_CANNOT_OPEN
    try:
        document = Document.open(args.path)
    except DocumentError as exc:
        print(f"compute-atlas: {exc}", file=sys.stderr)
        return EXIT_CANNOT_OPEN
    with document:
        report = plan_import(document.model, scenario, args.as_name, args.replace)
        if provenance:
            print("from " + ", ".join(f"{k} {v}" for k, v in provenance.items()))
        print(report.text())
        if report.clash and not report.replace:
            print("compute-atlas: nothing imported (name clash)", file=sys.stderr)
            return EXIT_PROBLEMS
        if not report.ok and not args.partial:
            print("compute-atlas: nothing imported; fix the references or use --partial",
                  file=sys.stderr)
            return EXIT_PROBLEMS
        imported = apply_import(document.model, report, partial=args.partial)
        try:
            document.save()
        except DocumentError as exc:
            print(f"compute-atlas: {exc}", file=sys.stderr)
            return EXIT_FAILED
    print(f"imported {imported.name!r} ({len(imported.overrides)} overrides, "
          f"{len(imported.uncertainties)} uncertainties) into {args.path}")
    return EXIT_OK


def _resolve(model: Model, ref: str) -> Scenario | None:
    path = Path(ref)
    if ref.endswith(".json") and path.is_file():
        scenario, _ = read_scenario_file(path)
        return scenario
    return model.scenario(ref)


def _diff(args: argparse.Namespace) -> int:
    model = open_or_report(args.path)
    if model is None:
        return EXIT_CANNOT_OPEN
    try:
        a, b = _resolve(model, args.a), _resolve(model, args.b)
    except ScenarioFileError as exc:
        print(f"compute-atlas: {exc}", file=sys.stderr)
        return EXIT_CANNOT_OPEN
    for ref, found in ((args.a, a), (args.b, b)):
        if found is None:
            print(f"compute-atlas: no scenario {ref!r} in {args.path}", file=sys.stderr)
            return EXIT_USAGE
    changes = diff_scenarios(a, b, model)
    print(f"{args.a} → {args.b}: {len(changes)} change(s)")
    for change in changes:
        print(f"  {change}")
    workspace = copy.copy(model)
    workspace.scenarios = [s for s in model.scenarios if s.name not in ("\0a", "\0b")]
    workspace.scenarios += [_renamed(a, "\0a"), _renamed(b, "\0b")]
    problems = [p for name in ("\0a", "\0b")
                for p in plan_import(model, workspace.scenario(name)).unresolved]
    if problems:
        print("effect not computed: " + "; ".join(problems), file=sys.stderr)
        return EXIT_PROBLEMS
    print("\neffect on key outputs:")
    for d in output_deltas(workspace, "\0a", "\0b", args.year):
        print(f"  {d.label:<28} {d.a:>12,.1f} → {d.b:>12,.1f} {d.unit:<7} ({d.delta:+,.1f})")
    return EXIT_OK


def _renamed(s: Scenario, name: str) -> Scenario:
    out = copy.copy(s)
    out.name = name
    return out
