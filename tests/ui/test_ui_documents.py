"""Documents never lose work: save and reopen, prompts only when modified, clear errors, recent
files, drag and drop, the command line, revert, and the layout coming back next time."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QMainWindow
from ui_support import cell, make_window, settle, type_into_cell

from desktop_app.core.sample_model import build_sample_model
from desktop_app.storage.document import write_model
from desktop_app.ui import document_controller as documents
from desktop_app.ui import settings

pytest_plugins = ["ui_fixtures"]
SITE = "Stargate Abilene"
PASTE = ("Name\tRegion\tAccelerator\n"
         "Alpha One\tUS\tB200\nBeta Two\tIN\tH200\nGamma Three\tEU\tGB200\n")


def test_save_reopen_and_find_the_edits(qtbot, window, dialog_answers, tmp_path):
    window.show_row("site", window.session.model.site(SITE))
    phases = window.editors["phase"]
    type_into_cell(qtbot, phases, cell(phases, f"{SITE}/Phase 3", "capacity_mw"), "0.5 GW")
    QApplication.clipboard().setText(PASTE)
    window.show_editor("site")
    window.paste()
    assert window.isWindowModified()

    target = tmp_path / "plan.atlas"
    dialog_answers.set("get_save_path", str(target))
    qtbot.keyClick(window.editors["site"].view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert target.is_file()
    assert not window.isWindowModified()
    assert window.windowTitle() == "plan.atlas[*]"
    assert str(target) in window.documents.recent_files()
    window.close()
    assert not dialog_answers.asked("ask_save_changes")

    again = make_window(qtbot, [str(target)])
    model = again.session.model
    assert model.phases_of(SITE)[2].capacity_mw == 500.0
    assert {"Alpha One", "Beta Two", "Gamma Three"} <= {s.name for s in model.sites}
    assert again.session.document.path == target
    assert not again.isWindowModified()


def test_close_prompts_only_when_modified(qtbot, dialog_answers):
    unchanged = make_window(qtbot)
    assert unchanged.close()
    assert not dialog_answers.asked("ask_save_changes")

    edited = make_window(qtbot)
    sites = edited.editors["site"]
    type_into_cell(qtbot, sites, cell(sites, SITE, "utilisation"), "50 %")
    dialog_answers.set("ask_save_changes", "cancel")
    assert not edited.close()
    assert edited.isVisible()
    assert len(dialog_answers.asked("ask_save_changes")) == 1
    assert dialog_answers.asked("ask_save_changes")[0][1] == "Untitled"

    edited.undo_action.trigger()  # back to the saved state: no question
    assert edited.close()
    assert len(dialog_answers.asked("ask_save_changes")) == 1


def test_save_from_the_close_prompt(qtbot, dialog_answers, tmp_path):
    window = make_window(qtbot)
    sites = window.editors["site"]
    type_into_cell(qtbot, sites, cell(sites, SITE, "utilisation"), "40 %")
    dialog_answers.set("ask_save_changes", "save")
    dialog_answers.set("get_save_path", str(tmp_path / "kept.atlas"))
    assert window.close()
    again = make_window(qtbot, [str(tmp_path / "kept.atlas")])
    assert again.session.model.site(SITE).utilisation == 0.4


def test_open_prompts_for_unsaved_changes_first(qtbot, window, dialog_answers, tmp_path):
    other = tmp_path / "other.atlas"
    write_model(build_sample_model(), other)
    sites = window.editors["site"]
    type_into_cell(qtbot, sites, cell(sites, SITE, "utilisation"), "45 %")
    dialog_answers.set("get_open_path", str(other))
    dialog_answers.set("ask_save_changes", "cancel")
    window.documents.open_dialog()
    assert window.session.document.path is None
    dialog_answers.set("ask_save_changes", "discard")
    window.documents.open_dialog()
    assert window.session.document.path == other
    assert not window.isWindowModified()


def test_a_file_that_cannot_be_opened_gets_a_clear_dialog(qtbot, window, dialog_answers,
                                                          tmp_path):
    junk = tmp_path / "notes.atlas"
    junk.write_text("this is not a database")
    window.documents.open_path(junk)
    (_, title, message), = dialog_answers.asked("show_error")
    assert title == "Cannot open document"
    assert "notes.atlas" in message and "not a Compute Atlas document" in message
    assert window.session.model.site(SITE) is not None  # still the sample, still usable
    sites = window.editors["site"]
    type_into_cell(qtbot, sites, cell(sites, SITE, "utilisation"), "55 %")
    assert window.session.model.site(SITE).utilisation == 0.55


def test_a_document_open_elsewhere_is_refused_with_the_reason(qtbot, window, dialog_answers,
                                                               tmp_path):
    from desktop_app.storage.document import Document

    path = tmp_path / "shared.atlas"
    write_model(build_sample_model(), path)
    with Document.open(path):
        window.documents.open_path(path)
    (_, _, message), = dialog_answers.asked("show_error")
    assert "open for editing in another Compute Atlas" in message


def test_open_recent_prunes_missing_files(qtbot, window, tmp_path):
    kept, gone = tmp_path / "kept.atlas", tmp_path / "gone.atlas"
    for path in (kept, gone):
        write_model(build_sample_model(), path)
    settings.put(settings.RECENT_FILES, [])
    window.documents.remember(gone)
    window.documents.remember(kept)
    gone.unlink()
    window.recent_menu.aboutToShow.emit()
    labels = [a.text() for a in window.recent_menu.actions() if a.text()]
    assert labels == ["&1 kept.atlas", "Clear Menu"]
    assert settings.get(settings.RECENT_FILES) == [str(kept)]
    window.recent_menu.actions()[0].trigger()
    assert window.session.document.path == kept


def test_drop_an_atlas_file_onto_the_window(qtbot, window, tmp_path):
    path = tmp_path / "dropped.atlas"
    model = build_sample_model()
    model.sites[0].name = "Dropped Site"
    write_model(model, path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPoint(200, 200), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert event.isAccepted()
    qtbot.waitUntil(lambda: window.session.document.path == path, timeout=2000)
    assert window.session.model.site("Dropped Site") is not None


def test_command_line_path_and_large_files_open_in_the_background(qtbot, dialog_answers,
                                                                   tmp_path, monkeypatch):
    path = tmp_path / "cli.atlas"
    write_model(build_sample_model(), path)
    monkeypatch.setattr(documents, "WORKER_BYTES", 0)  # take the worker path for any size
    window = make_window(qtbot, [str(path)])
    qtbot.waitUntil(lambda: window.session.document.path == path, timeout=5000)
    assert window.editors["site"].model.rowCount() == 33
    assert window.editors["site"].isEnabled()
    assert window.windowTitle() == "cli.atlas[*]"


def test_new_blank_new_sample_close_and_revert(qtbot, window, dialog_answers, tmp_path):
    window.actions["file.new"].trigger()
    assert window.session.model.sites == []
    assert window.editors["site"].model.rowCount() == 0
    window.actions["file.new_sample"].trigger()
    assert len(window.session.model.sites) == 33

    path = tmp_path / "revert.atlas"
    dialog_answers.set("get_save_path", str(path))
    window.actions["file.save_as"].trigger()
    sites = window.editors["site"]
    type_into_cell(qtbot, sites, cell(sites, SITE, "utilisation"), "10 %")
    dialog_answers.set("ask_revert", True)
    window.actions["file.revert"].trigger()
    assert window.session.model.site(SITE).utilisation == 0.75
    assert not window.isWindowModified()
    assert window.session.stack.count() == 0

    window.actions["file.close"].trigger()
    assert window.session.document.path is None
    assert window.session.model.sites == []


def test_layout_and_geometry_come_back_next_time(qtbot, dialog_answers, monkeypatch):
    settings.put(settings.WINDOW_STATE, settings.WINDOW_STATE.default)
    first = make_window(qtbot)
    first.docks["drivers"].hide()
    first.docks["editor.phase"].setFloating(True)
    first.move(21, 17)
    geometry = first.saveGeometry()
    assert first.close()
    assert settings.get(settings.GEOMETRY) == geometry

    restored = []
    original = QMainWindow.restoreGeometry
    monkeypatch.setattr(QMainWindow, "restoreGeometry",
                        lambda self, g: restored.append(g) or original(self, g))
    second = make_window(qtbot)
    assert restored == [geometry]  # Qt fits it to the screen (800×800 offscreen)
    assert not second.docks["drivers"].isVisible()
    assert second.docks["editor.phase"].isFloating()
    second.reset_layout()
    qtbot.wait(5)
    assert not second.docks["editor.phase"].isFloating()
    assert second.tabifiedDockWidgets(second.docks["drivers"]) == [second.docks["issues"]]
    settings.put(settings.WINDOW_STATE, settings.WINDOW_STATE.default)


def test_preferences_live_in_the_redirected_config_folder(qtbot, window, isolated_user_dirs):
    window.documents.remember(Path("/tmp/x.atlas"))
    path = Path(settings.store().fileName())
    assert path.is_relative_to(isolated_user_dirs)
    assert path.name == "compute-atlas.ini"
    settle(qtbot, window)


@pytest.mark.parametrize("horizon", ['"2030"', "2030.5", "null", "99999"])
def test_a_file_whose_years_cannot_be_projected_opens_and_says_why(qtbot, window, tmp_path,
                                                                   horizon: str):
    """Text, fractions or a 99999 horizon: the document opens (its problems listed, the
    dashboard saying why it cannot project) instead of raising or freezing."""
    import sqlite3

    path = tmp_path / "years.atlas"
    write_model(build_sample_model(), path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE settings SET value=? WHERE key='horizon_year'", (horizon,))
    conn.close()
    window.documents.open_path(path)
    settle(qtbot, window)
    assert window.session.document.path == path.resolve()
    assert any(p.field == "horizon_year" for p in window.session.problems.problems)
    assert window.editors["site"].model.rowCount() == len(build_sample_model().sites)
