"""Adversarial review of the declared menus: shortcuts work from the keyboard like a person."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from ui_support import cell, settle, type_into_cell

from desktop_app.storage.document import read_model
from desktop_app.ui import actions as A

pytest_plugins = ["ui_fixtures"]


def _press(qtbot, keys: str) -> None:
    from PySide6.QtGui import QKeySequence

    seq = QKeySequence(keys)[0]
    target = QApplication.focusWidget() or QApplication.activeWindow()
    qtbot.keyClick(target, seq.key(), seq.keyboardModifiers())
    QApplication.processEvents()


def test_ctrl_z_after_typing_a_tdp_then_ctrl_s_saves_it(qtbot, window, dialog_answers,
                                                       tmp_path):
    editor = window.editors["accelerator"]
    window.select_row("accelerator", window.session.model.accelerators[0].uid)
    key = window.session.model.accelerators[0].name
    before = window.session.model.accelerators[0].chip_tdp_kw
    type_into_cell(qtbot, editor, cell(editor, key, "chip_tdp_kw"), "1.5 kW")
    assert window.session.model.accelerators[0].chip_tdp_kw == pytest.approx(1.5)
    editor.view.setFocus()
    _press(qtbot, "Ctrl+Z")
    assert window.session.model.accelerators[0].chip_tdp_kw == pytest.approx(before)
    _press(qtbot, "Ctrl+Y")
    assert window.session.model.accelerators[0].chip_tdp_kw == pytest.approx(1.5)
    path = tmp_path / "saved.atlas"
    dialog_answers.set("get_save_path", str(path))
    _press(qtbot, "Ctrl+S")
    settle(qtbot, window)
    assert path.exists() and not window.session.is_modified
    assert read_model(path).accelerators[0].chip_tdp_kw == pytest.approx(1.5)


def test_every_shortcut_is_unique_and_every_action_reachable(window):
    seen: dict[str, str] = {}
    for action_id, action in window.actions.items():
        for seq in action.shortcuts():
            text = seq.toString()
            assert text not in seen, (text, action_id, seen.get(text))
            seen[text] = action_id
    assert A.FILE_SAVE in window.actions


def test_sweep_export_and_monte_carlo_on_a_blank_model_say_why(qtbot, window,
                                                               dialog_answers):
    from desktop_app.ui.sweep.dialog import FILE_SWEEP
    from desktop_app.ui.transfer import file_transfer as T

    window.documents.new_blank()
    settle(qtbot, window)
    window.action(FILE_SWEEP).trigger()
    dialog = window.sweep.dialog
    qtbot.waitExposed(dialog)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=10000)
    dialog.close()
    window.actions[T.FILE_EXPORT_RESULTS].trigger()
    results = window.file_transfer.results.dialog
    if results is not None:
        results.reject()
    window.actions[T.FILE_EXPORT_SCENARIO].trigger() if hasattr(T, "FILE_EXPORT_SCENARIO") \
        else None
    assert window.isVisible()
