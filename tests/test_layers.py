"""Layering rule: ``desktop_app.core``, ``desktop_app.storage`` and the headless
``desktop_app.commands`` never import Qt.

Core (domain + engine) and storage must stay usable from scripts, benchmarks and tests without
a GUI toolkit, and a Qt import hidden in them would also slow every headless run. Checking the
source text would miss indirect imports (a helper that imports pyqtgraph), so the modules are
really imported, in a fresh interpreter (this one may have Qt loaded already, via pytest-qt),
with an import hook that refuses the GUI packages.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The same rule as import-linter's "qt-free" contract (pyproject.toml), checked at run time:
# this catches dynamic imports (importlib, __import__) the static graph cannot see.
QT_FREE_PACKAGES = ("desktop_app.core", "desktop_app.storage", "desktop_app.commands")
FORBIDDEN = ("PySide6", "pyqtgraph", "shiboken6")

# Installed first thing in the child interpreter. Imports already in sys.modules bypass
# sys.meta_path, so it also checks that start-up (site, .pth files) loaded none of them.
BLOCKER = f"""
import importlib.abc
import sys

FORBIDDEN = {FORBIDDEN!r}

class LayeringViolation(ImportError):
    pass

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in FORBIDDEN:
            raise LayeringViolation(f"{{name}} imported from a Qt-free layer", name=name)
        return None

preloaded = sorted(m for m in sys.modules if m.partition(".")[0] in FORBIDDEN)
if preloaded:
    sys.exit(f"already imported at interpreter start-up, cannot check: {{preloaded}}")
sys.meta_path.insert(0, Blocker())
"""

IMPORT_ALL = f"""
import importlib
import pkgutil
import traceback

imported, failures = [], []

def try_import(name):
    try:
        module = importlib.import_module(name)
    except Exception:
        failures.append((name, traceback.format_exc()))
        return None
    imported.append(name)
    return module

for package_name in {QT_FREE_PACKAGES!r}:
    package = try_import(package_name)
    if package is None:
        continue
    # walk_packages imports each subpackage to look inside it, right after yielding it here:
    # a broken one is already recorded by try_import, so its second failure only ends the walk.
    walk = pkgutil.walk_packages(package.__path__, package_name + ".", onerror=lambda name: None)
    try:
        for info in walk:
            if info.name.rpartition(".")[2] != "__main__":
                try_import(info.name)
    except Exception:
        failures.append((f"(walking {{package_name}})", traceback.format_exc()))

for name, tb in failures:
    print(f"FAILED {{name}}\\n{{tb}}")
print("\\n".join(f"imported {{name}}" for name in imported))
if failures:
    raise SystemExit(1)
print("OK")
"""


def run_child(code: str) -> subprocess.CompletedProcess[str]:
    # cwd=ROOT puts the working tree first on sys.path ("-c" adds the cwd), so this checks
    # the source being tested rather than whatever copy of desktop_app is installed.
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def expected_modules() -> set[str]:
    """Every module file under the Qt-free packages, so a walk that misses one fails loudly."""
    names = set()
    for package in QT_FREE_PACKAGES:
        for path in (ROOT / package.replace(".", "/")).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if parts[-1] != "__main__":
                names.add(".".join(parts))
    return names


def test_core_and_storage_import_without_qt() -> None:
    result = run_child(BLOCKER + IMPORT_ALL)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert result.stdout.rstrip().endswith("OK"), report

    imported = {
        line.removeprefix("imported ")
        for line in result.stdout.splitlines()
        if line.startswith("imported ")
    }
    missed = expected_modules() - imported
    assert not missed, (
        f"modules not reached by pkgutil.walk_packages (is an __init__.py missing?): "
        f"{sorted(missed)}"
    )
    assert "desktop_app.core.model" in imported, report


def test_blocker_really_blocks_qt() -> None:
    """The rule can fail: under the same hook every GUI package import is refused."""
    probed = ("PySide6.QtCore", "pyqtgraph", "shiboken6")
    probe = f"""
import importlib
for name in {probed!r}:
    try:
        importlib.import_module(name)
    except LayeringViolation:
        print("blocked", name)
    else:
        raise SystemExit(f"{{name}} was imported despite the blocker")
"""
    result = run_child(BLOCKER + probe)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [f"blocked {name}" for name in probed]
