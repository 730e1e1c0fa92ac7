"""Smoke test of the packaged binary: build it (reusing PyInstaller's cache), then run it as a
user would, offscreen, and fail on any error or import problem (``make dist-test``; ``make test``
runs it after pytest and ruff, so CI does too).

Usage, from anywhere::

    .venv/bin/python build_scripts/smoke_test.py               # build onedir, check it
    .venv/bin/python build_scripts/smoke_test.py --onefile     # build onefile, check it
    .venv/bin/python build_scripts/smoke_test.py --no-build    # check what dist/ holds
    .venv/bin/python build_scripts/smoke_test.py --binary PATH # check that executable

Checks: ``--version`` reports pyproject's version; ``--selftest`` passes (main window offscreen
on the sample, projection, Monte Carlo, plot to PNG); ``new --sample``, ``validate``, ``run`` to
XLSX (openpyxl), CSV and JSON, ``scenario export`` + ``import --as`` (jsonschema and its bundled
metaschemas), ``scenario list``/``diff``, ``import-sites``, a refused file (exit 3), the headless
demo, and the GUI up to its first painted window. Every output is scanned for
``ModuleNotFoundError``/``ImportError``/tracebacks and Qt plugin load failures. Each run gets
fresh config/data/state folders and no stdin.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build  # build_scripts/build.py (found first: this folder leads sys.path)

TIMEOUT_S = 180
BAD_OUTPUT = re.compile(
    r"ModuleNotFoundError|ImportError|Traceback \(most recent call last\)|"
    r"Failed to execute script|Could not (load|find) the Qt platform plugin|"
    r"Cannot load library|qt\.qpa\.plugin: Could not|selftest FAILED")
SITES_CSV = "Site,Country,GPU,Online,Capacity\nSmoke Test Park,US,B200,2027,50 MW\n"


class SmokeFailure(AssertionError):
    pass


@dataclass
class Result:
    args: list[str]
    code: int
    out: str
    err: str
    seconds: float


class Smoke:
    def __init__(self, exe: Path, folder: Path) -> None:
        self.exe = exe
        self.folder = folder
        self.failures: list[str] = []
        self.passed = 0

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "QT_"))}
        home = self.folder / "home"
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[var] = str(home / var.lower())
        env["QT_QPA_PLATFORM"] = "offscreen"
        env.update(extra)
        return env

    def run(self, *args: str, expect: int = 0, **env: str) -> Result:
        started = time.perf_counter()
        try:
            done = subprocess.run([str(self.exe), *args], cwd=self.folder, env=self.env(**env),
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise SmokeFailure(f"no exit after {TIMEOUT_S} s") from exc
        result = Result(list(args), done.returncode, done.stdout, done.stderr,
                        time.perf_counter() - started)
        bad = BAD_OUTPUT.search(done.stdout + done.stderr)
        if bad:
            raise SmokeFailure(f"output contains {bad.group(0)!r}:\n{_tail(result)}")
        if done.returncode != expect:
            raise SmokeFailure(f"exit {done.returncode}, expected {expect}:\n{_tail(result)}")
        return result

    def check(self, name: str, test: Callable[[], str | None]) -> None:
        started = time.perf_counter()
        try:
            note = test()
        except (SmokeFailure, OSError, ValueError, KeyError) as exc:
            self.failures.append(name)
            print(f"FAIL {name}: {exc}", flush=True)
            return
        self.passed += 1
        print(f"ok   {name} ({time.perf_counter() - started:.2f} s)"
              f"{f': {note}' if note else ''}", flush=True)


def _tail(result: Result, lines: int = 25) -> str:
    text = (result.out + result.err).strip().splitlines()
    return "\n".join(f"     | {line}" for line in text[-lines:])


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def run_checks(smoke: Smoke, bundle: Path | None) -> None:
    s, folder = smoke, smoke.folder
    atlas = folder / "smoke.atlas"

    def version() -> str:
        out = s.run("--version").out.strip()
        _require(out == f"compute-atlas {build.version()}",
                 f"--version printed {out!r}, expected 'compute-atlas {build.version()}'")
        return out

    def selftest() -> str:
        out = s.run("--selftest").out.strip()
        _require(out.startswith("selftest OK") and "(frozen)" in out,
                 f"unexpected --selftest output: {out!r}")
        return out.removeprefix("selftest OK: ")

    def new_sample() -> str:
        s.run("new", "--sample", str(atlas))
        _require(atlas.is_file() and atlas.stat().st_size > 0, f"{atlas.name} was not written")
        return f"{atlas.stat().st_size:,} bytes"

    def validate() -> str:
        return s.run("validate", str(atlas)).out.strip()

    def run_xlsx() -> str:
        out = folder / "results.xlsx"
        r = s.run("run", str(atlas), "--scenario", "Baseline", "--samples", "300", "--seed", "7",
                  "--out", str(out))
        _require("P50" in r.out or "p50" in r.out.lower(), "run printed no Monte Carlo P50")
        with zipfile.ZipFile(out) as book:
            names = book.namelist()
        _require("xl/workbook.xml" in names, f"{out.name} is not an XLSX workbook")
        return f"{out.name}: {len([n for n in names if n.startswith('xl/worksheets/')])} sheets"

    def run_csv_json() -> str:
        out_csv, out_json = folder / "results.csv", folder / "results.json"
        s.run("run", str(atlas), "--all-scenarios", "--samples", "0", "--out", str(out_csv),
              "--quiet")
        with out_csv.open(newline="") as fh:
            rows = list(csv.DictReader(fh))
        tidy = {"scenario", "region", "period", "metric", "deterministic"}
        _require(bool(rows) and tidy <= set(rows[0]), f"{out_csv.name} lacks the tidy columns")
        s.run("run", str(atlas), "--scenario", "Baseline", "--samples", "100", "--out",
              str(out_json), "--quiet")
        json.loads(out_json.read_text(encoding="utf-8"))
        return f"{len(rows):,} CSV rows, JSON parses"

    def scenario_round_trip() -> str:
        exported = folder / "baseline.scenario.json"
        s.run("scenario", "export", str(atlas), "Baseline", "--out", str(exported))
        json.loads(exported.read_text(encoding="utf-8"))
        s.run("scenario", "import", str(atlas), str(exported), "--as", "Smoke import")
        listing = s.run("scenario", "list", str(atlas)).out
        _require("Smoke import" in listing, "the imported scenario is not listed")
        s.run("scenario", "diff", str(atlas), "Baseline", "Smoke import")
        return "export → import --as → list → diff"

    def import_sites() -> str:
        sites = folder / "sites.csv"
        sites.write_text(SITES_CSV, encoding="utf-8")
        out = s.run("import-sites", str(atlas), str(sites)).out
        _require("imported 1 site" in out, f"unexpected import-sites output: {out!r}")
        s.run("validate", str(atlas))
        return "1 site, document still valid"

    def refuses_bad_file() -> str:
        bogus = folder / "not-a-model.atlas"
        bogus.write_text("hello", encoding="utf-8")
        r = s.run("validate", str(bogus), expect=3)
        return r.err.strip().splitlines()[-1] if r.err.strip() else "exit 3"

    def headless_demo() -> str:
        r = s.run("--headless-demo")
        return f"{len(r.out.splitlines())} lines"

    def gui_first_paint() -> str:
        r = s.run(COMPUTE_ATLAS_BENCH="first-paint")
        _require("first-paint " in r.out, f"the GUI did not report a painted window:\n{_tail(r)}")
        return f"window painted, exit 0 ({r.seconds:.2f} s to quit)"

    def bundle_contents() -> str:
        assert bundle is not None
        internal = bundle / "_internal" if (bundle / "_internal").is_dir() else bundle
        wanted = ["resources/scenario.schema.json", "resources/icons/app.svg",
                  "resources/icons/app/compute-atlas-256.png",
                  "resources/linux/compute-atlas.desktop"]
        missing = [w for w in wanted if not (internal / w).is_file()]
        _require(not missing, f"missing from the bundle: {missing}")
        metaschemas = list(internal.glob("jsonschema_specifications/schemas/**/*"))
        _require(bool(metaschemas), "jsonschema_specifications' metaschemas are not bundled")
        strays = [p.name for p in internal.rglob("*") if p.name.startswith(("scipy", "_pytest"))]
        _require(not strays, f"excluded packages came back: {strays[:5]}")
        metainfo = (internal / "resources/linux/io.computeatlas.ComputeAtlas.metainfo.xml")
        releases = re.findall(r'<release version="([^"]+)"', metainfo.read_text(encoding="utf-8"))
        _require(bool(releases) and releases[0] == build.version(),
                 f"{metainfo.name}: newest <release> is {releases[:1]}, pyproject.toml says "
                 f"{build.version()} (add a <release> entry)")
        return f"resources, {len(metaschemas)} metaschema files, no scipy/pytest"

    def every_subcommand_help() -> str:
        from desktop_app.cli import SUBCOMMANDS  # the source tree's list: a new one is checked

        for command in SUBCOMMANDS:
            out = s.run(command, "--help").out
            _require(out.startswith("usage: compute-atlas " + command),
                     f"`{command} --help` printed {out[:80]!r}")
        return ", ".join(SUBCOMMANDS)

    s.check("--version", version)
    s.check("--help of every subcommand", every_subcommand_help)
    s.check("--selftest", selftest)
    s.check("new --sample", new_sample)
    s.check("validate", validate)
    s.check("run → XLSX (openpyxl)", run_xlsx)
    s.check("run → CSV, JSON", run_csv_json)
    s.check("scenario export/import (jsonschema)", scenario_round_trip)
    s.check("import-sites", import_sites)
    s.check("refuses a non-document (exit 3)", refuses_bad_file)
    s.check("--headless-demo", headless_demo)
    s.check("GUI to first painted window", gui_first_paint)
    if bundle is not None:
        s.check("bundle contents", bundle_contents)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--onefile", action="store_true", help="build and check the onefile form")
    parser.add_argument("--no-build", action="store_true", help="check the existing build")
    parser.add_argument("--binary", type=Path, help="check this executable (implies --no-build)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.binary:
        exe = args.binary.resolve()
    elif args.no_build:
        exe = build.executable(args.onefile)
    else:
        exe = build.build(onefile=args.onefile)
    if not exe.is_file():
        print(f"smoke test: no binary at {exe} (run `make dist` first)", file=sys.stderr)
        return 1
    onedir = exe.parent if (exe.parent / "_internal").is_dir() else None
    print(f"smoke test: {exe}", flush=True)
    with tempfile.TemporaryDirectory(prefix="compute-atlas-smoke-") as tmp:
        smoke = Smoke(exe, Path(tmp))
        run_checks(smoke, onedir)
    total = smoke.passed + len(smoke.failures)
    elapsed = time.perf_counter() - started
    if smoke.failures:
        print(f"smoke test: FAILED {len(smoke.failures)} of {total} checks "
              f"({', '.join(smoke.failures)}) in {elapsed:.1f} s", file=sys.stderr)
        return 1
    print(f"smoke test: all {total} checks passed in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
