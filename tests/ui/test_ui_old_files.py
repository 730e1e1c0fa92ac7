"""Adversarial review of the v3 migration in the window: a hostile v2 file opens, shows its
problems, never writes, and runs nothing that crashes."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

from dashboard_support import ready
from PySide6.QtCore import Qt
from ui_support import settle

from desktop_app.storage.document import read_model

pytest_plugins = ["ui_fixtures"]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def hostile_v2(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.atlas"
    shutil.copy(FIXTURES / "v2_sample.atlas", path)
    with sqlite3.connect(path) as db:
        ids = [r[0] for r in db.execute("SELECT rowid FROM accelerators ORDER BY rowid")]
        db.execute("UPDATE accelerators SET power_kw = NULL WHERE rowid = ?", (ids[0],))
        db.execute("UPDATE accelerators SET power_kw = '1.2 kW' WHERE rowid = ?", (ids[1],))
        db.execute("UPDATE accelerators SET power_kw = 1e400 WHERE rowid = ?", (ids[2],))
    db.close()
    return path


def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def test_a_hostile_v2_file_opens_shows_problems_and_runs_nothing_bad(
        qtbot, window, dialog_answers, tmp_path):
    path = hostile_v2(tmp_path)
    before = digest(path)
    dialog_answers.set("ask_save_changes", "discard")
    assert window.documents.open_path(path)
    settle(qtbot, window)
    assert digest(path) == before  # opening never writes
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [
        "hostile.atlas"]
    problems = [p for p in window.session.problems.problems if p.entity == "accelerator"]
    fields = {p.field for p in problems}
    assert {"power_kw", "chip_tdp_kw"} <= fields
    dashboard = ready(qtbot, window)
    mc = dashboard.monte_carlo
    qtbot.mouseClick(dashboard.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not mc.running, timeout=20000)
    assert dashboard.run_button.isEnabled() and not dashboard.cancel_button.isEnabled()
    assert digest(path) == before


def test_saving_a_migrated_v1_file_writes_v3_with_the_estimated_tdp(
        qtbot, window, dialog_answers, tmp_path):
    path = tmp_path / "v1.atlas"
    shutil.copy(FIXTURES / "v1_sample.atlas", path)
    before = digest(path)
    assert window.documents.open_path(path)
    settle(qtbot, window)
    assert digest(path) == before
    tdp = [a.chip_tdp_kw for a in window.session.model.accelerators]
    assert all(t is not None and t > 0 for t in tdp)
    out = tmp_path / "v3.atlas"
    dialog_answers.set("get_save_path", str(out))
    window.action("file.save_as").trigger() if "file.save_as" in window.actions else \
        window.documents.save_as()
    settle(qtbot, window)
    with sqlite3.connect(out) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 3
    assert [a.chip_tdp_kw for a in read_model(out).accelerators] == tdp
