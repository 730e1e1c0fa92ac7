"""Import direction inside the UI: the session owns its undo commands and problem checker, so
those never import the session back — not even under ``TYPE_CHECKING``, which import-linter
counts too. They depend on small protocols (model, events, generation) instead."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "desktop_app" / "ui"


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_undo_and_problems_do_not_import_the_session():
    for name in ("undo.py", "problems.py", "jobs.py"):
        assert "desktop_app.ui.session" not in imported(UI / name), name


def test_jobs_needs_no_widgets():
    """Workers never touch widgets: the helper itself only needs QtCore."""
    qt = {m for m in imported(UI / "jobs.py") if m.startswith("PySide6")}
    assert qt == {"PySide6.QtCore"}
