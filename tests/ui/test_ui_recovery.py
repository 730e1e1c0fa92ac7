"""Autosave and crash recovery: a killed app's edits come back on the next start."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ui_support import cell, make_window, type_into_cell

from desktop_app.core.sample_model import build_sample_model
from desktop_app.storage.document import read_model, write_model
from desktop_app.ui import autosave

pytest_plugins = ["ui_fixtures"]
ROOT = Path(__file__).resolve().parents[2]
SITE = "Stargate Abilene"
EDITS = [
    {"kind": "phase", "key": f"{SITE}/Phase 1", "field": "capacity_mw", "text": "1,234 MW"},
    {"kind": "site", "key": "xAI Colossus 1", "field": "notes", "text": "edited before the kill"},
]


def wait_for(predicate, timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_a_running_app_after_edits_and_recover_them(qtbot, dialog_answers):
    env = dict(os.environ, COMPUTE_ATLAS_AUTOSAVE_MS="200",
               COMPUTE_ATLAS_TEST_EDITS=json.dumps(EDITS), QT_QPA_PLATFORM="offscreen")
    app = subprocess.Popen([sys.executable, "-m", "desktop_app.ui.app"], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        folder = autosave.recovery_dir()
        pattern = f"recovery-{app.pid}-*.json"
        wait_for(lambda: any(folder.glob(pattern)) or app.poll() is not None,
                 what="the recovery file of the running app")
        assert app.poll() is None, app.communicate()
        recovery_file = next(folder.glob(pattern)).with_suffix(".atlas")
        written = read_model(recovery_file)
        assert written.phases_of(SITE)[0].capacity_mw == 1234.0
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait(10)
    assert recovery_file.exists()  # nothing cleaned it up: the app died

    window = make_window(qtbot)
    offered = []

    def answer(_parent, recovery):
        offered.append(recovery)
        return "recover" if recovery.path == recovery_file else "later"

    dialog_answers.set("ask_recover", answer)
    assert window.documents.offer_recovery()
    recovery = next(r for r in offered if r.path == recovery_file)
    assert "Untitled" in recovery.describe() and "autosaved on" in recovery.describe()
    model = window.session.model
    assert model.phases_of(SITE)[0].capacity_mw == 1234.0
    assert model.site("xAI Colossus 1").notes == "edited before the kill"
    assert window.isWindowModified()
    window.autosaver.wait()
    qtbot.waitUntil(lambda: not recovery_file.exists(), timeout=5000)  # once ours is written
    assert window.autosaver.path.exists()
    assert autosave.find_recoveries() == [r for r in autosave.find_recoveries()
                                          if r.path != window.autosaver.path]


def test_autosave_writes_while_modified_and_cleans_up_on_save(qtbot, dialog_answers, tmp_path):
    window = make_window(qtbot, autosave_ms=50)
    path = window.autosaver.path
    qtbot.wait(150)
    assert not path.exists()  # nothing to protect yet
    sites = window.editors["site"]
    type_into_cell(qtbot, sites, cell(sites, SITE, "utilisation"), "61 %")
    qtbot.waitUntil(lambda: path.with_suffix(".json").exists(), timeout=3000)
    assert read_model(path).site(SITE).utilisation == 0.61
    info = json.loads(path.with_suffix(".json").read_text())
    assert info["original"] is None and info["name"] == "Untitled"
    assert path not in [r.path for r in autosave.find_recoveries()]  # ours is locked, alive

    dialog_answers.set("get_save_path", str(tmp_path / "saved.atlas"))
    window.documents.save()
    window.autosaver.wait()
    qtbot.waitUntil(lambda: not path.exists(), timeout=3000)


def test_recovering_a_saved_document_keeps_its_path_and_stays_modified(qtbot, dialog_answers,
                                                                       tmp_path):
    original = tmp_path / "plan.atlas"
    write_model(build_sample_model(), original)
    folder = autosave.recovery_dir()
    folder.mkdir(parents=True, exist_ok=True)
    orphan = folder / "recovery-999999-20260101000000.atlas"
    model = build_sample_model()
    model.site(SITE).utilisation = 0.33
    write_model(model, orphan)
    orphan.with_suffix(".json").write_text(json.dumps(
        {"original": str(original), "name": "plan.atlas", "saved_at": "2026-01-01T09:30:00"}))

    window = make_window(qtbot)
    shown = []
    dialog_answers.set("ask_recover", lambda _p, r: shown.append(r.describe()) or (
        "recover" if r.path == orphan else "later"))
    assert window.documents.offer_recovery()
    assert any("“plan.atlas” in" in text and "01 Jan 2026 at 09:30" in text for text in shown)
    assert window.session.document.path == original
    assert window.session.model.site(SITE).utilisation == 0.33
    assert window.isWindowModified()
    assert window.windowTitle() == "plan.atlas[*]"


def test_discarding_a_recovery_removes_it(qtbot, dialog_answers):
    folder = autosave.recovery_dir()
    folder.mkdir(parents=True, exist_ok=True)
    orphan = folder / "recovery-999998-20260101000000.atlas"
    write_model(build_sample_model(), orphan)
    window = make_window(qtbot)
    dialog_answers.set("ask_recover",
                       lambda _p, r: "discard" if r.path == orphan else "later")
    assert not window.documents.offer_recovery()
    assert not orphan.exists()
