"""Fixtures of the UI tests (a pytest plugin: ``pytest_plugins = ["ui_fixtures"]``).

Every dialog function of ``desktop_app.ui.dialogs`` is replaced by a stub that fails the test
unless the test said what the user answers (``dialog_answers.set("ask_save_changes",
"discard")``), so no test can hang on a modal box and every question asked is recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from ui_support import make_window

from desktop_app.ui import dialogs
from desktop_app.ui.main_window import QAtlasMainWindow

DIALOGS = ("ask_save_changes", "ask_recover", "ask_revert", "get_open_path", "get_save_path",
           "show_error", "show_paste_rejected", "show_about", "get_scenario_import_path",
           "get_scenario_export_path", "ask_scenario_to_export", "get_sites_csv_path",
           "get_results_export_path", "get_export_path")


class DialogAnswers:
    """What each dialog answers in a test, and the log of what was asked."""

    def __init__(self) -> None:
        self.answers: dict[str, Any] = {}
        self.calls: list[tuple[str, tuple]] = []

    def set(self, name: str, answer: Any) -> None:
        self.answers[name] = answer

    def asked(self, name: str) -> list[tuple]:
        return [args for called, args in self.calls if called == name]

    def stub(self, name: str) -> Any:
        def answer(*args: Any) -> Any:
            self.calls.append((name, args))
            if name.startswith("show_"):
                return None
            if name not in self.answers:
                raise AssertionError(f"unexpected dialog {name}{args[1:]!r}")
            value = self.answers[name]
            return value(*args) if callable(value) else value
        return answer


@pytest.fixture
def dialog_answers(monkeypatch: pytest.MonkeyPatch) -> DialogAnswers:
    answers = DialogAnswers()
    for name in DIALOGS:
        monkeypatch.setattr(dialogs, name, answers.stub(name))
    return answers


@pytest.fixture
def window(qtbot: Any, qtlog: Any, dialog_answers: DialogAnswers
           ) -> Iterator[QAtlasMainWindow]:
    yield make_window(qtbot)
    # Qt's model tester reports a broken model as a warning; the project does not fail tests
    # on Qt warnings (the offscreen platform emits harmless ones), so check for it here.
    failures = [r.message for r in qtlog.records if "FAIL!" in r.message]
    assert not failures, "Qt's model tester failed:\n" + "\n".join(failures)
