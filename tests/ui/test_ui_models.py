"""Every item model passes Qt's model tester, also while rows are added, removed, sorted and
filtered under it (the tester keeps watching the signals until the test ends)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop_app.core import edits
from desktop_app.ui.issues_panel import QProblemListModel
from desktop_app.ui.navigator import QNavigatorModel
from desktop_app.ui.tables.registry import EDITORS

pytest_plugins = ["ui_fixtures"]


@pytest.mark.parametrize("kind", list(EDITORS))
def test_table_models_pass_the_model_tester(qtmodeltester, window, kind):
    model = window.editors[kind].model
    qtmodeltester.check(model, force_py=False)
    if kind == "settings":
        model.setData(model.index(1, 1), "2025")
        window.session.stack.undo()
        return
    session = window.session
    first = model.row_at(0)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    session.push(edits.InsertRows(kind, [(0, model.new_row())]), "add")
    session.push(edits.duplicate_rows(session.model, kind, [first.uid]), "duplicate")
    session.push(edits.RemoveRows(kind, [first.uid]), "remove")
    model.set_filter_text("a")
    session.stack.undo()
    model.sort(-1)
    session.stack.undo()
    model.set_filter_text("")
    session.stack.undo()
    session.stack.undo()
    assert [edits.key_of(r) for r in model.visible_rows()] == \
        [edits.key_of(r) for r in model.source_rows()]
    qtmodeltester.check(model, force_py=True)


def test_phase_model_filtered_to_a_site_passes(qtmodeltester, window):
    phases = window.editors["phase"]
    phases.follow_site(window.session.model.sites[1])
    qtmodeltester.check(phases.model, force_py=False)
    window.editors["phase"].add_row()
    assert phases.model.rowCount() == 4
    window.session.stack.undo()
    assert phases.model.rowCount() == 3


def test_navigator_and_problem_models_pass(qtmodeltester, window):
    navigator = window.navigator.model
    assert isinstance(navigator, QNavigatorModel)
    qtmodeltester.check(navigator, force_py=False)
    problems = window.issues.model
    assert isinstance(problems, QProblemListModel)
    qtmodeltester.check(problems, force_py=False)
    site = window.session.model.sites[0]
    window.session.push(edits.SetField("site", site.uid, "utilisation", 2.0), "bad")
    window.session.push(edits.RemoveRows("site", [window.session.model.sites[3].uid]), "rm")
    window.session.checker.wait()
    assert problems.rowCount() == 1
    qtmodeltester.check(problems, force_py=True)
    qtmodeltester.check(navigator, force_py=True)
