"""The import report of a scenario file: where it comes from, what applies, what cannot be
resolved in this model and why, and the choices an import needs (a new name or replace, drop
the unresolved items). Nothing changes until the user accepts; the caller then adds
``imported`` to the model as one undo step.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.edits import unique_key
from desktop_app.core.model import Model, Scenario
from desktop_app.core.scenario_import import (
    ImportRefused,
    ImportReport,
    imported_scenario,
    plan_import,
    report_parent,
)

PROVENANCE = (("author", "Author:"), ("created", "Created:"), ("source_model", "From model:"),
              ("compute_atlas", "Compute Atlas:"))
BAD_COLOR = "#a61b1b"
BAD = f"color: {BAD_COLOR};"


class QScenarioImportDialog(QDialog):
    """Plans the import again whenever a choice changes; ``imported`` is set on accept."""

    def __init__(self, model: Model, scenario: Scenario, provenance: dict[str, str],
                 source: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scenario_import_dialog")
        self.setWindowTitle("Import Scenario")
        self.resize(720, 560)
        self._model = model
        self._scenario = scenario
        self.report: ImportReport | None = None
        self.imported: Scenario | None = None
        clash = model.scenario(scenario.name) is not None
        taken = {s.name for s in model.scenarios}
        suggested = unique_key(taken, f"{scenario.name} (imported)") if clash else scenario.name
        self.name_edit = QLineEdit(suggested, self)
        self.as_new = QRadioButton("Import as a &new scenario named:", self)
        self.replace = QRadioButton(
            f"&Replace the existing “{scenario.name.replace('&', '&&')}”", self)
        self.applies = QListWidget(self)
        self.unresolved = QListWidget(self)
        self.partial = QCheckBox("&Drop the unresolved items and import the rest", self)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.import_button: QPushButton = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setDefault(True)
        self._build(source, provenance, clash)
        self.as_new.setChecked(True)
        self.as_new.toggled.connect(self._replan)
        self.name_edit.textChanged.connect(self._replan)
        self.partial.toggled.connect(self._update_status)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._replan()
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    # --- layout ---------------------------------------------------------------------------
    def _build(self, source: str, provenance: dict[str, str], clash: bool) -> None:
        s = self._scenario
        heading = QLabel(f"<b>{_escape(s.name)}</b> from {_escape(source)}: "
                         f"{_count(len(s.overrides), 'override')}, "
                         f"{_count(len(s.uncertainties), 'uncertainty', 'uncertainties')}, "
                         f"{_count(len(s.correlations), 'correlation')}", self)
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self._provenance_box(provenance))
        layout.addWidget(self._name_box(clash))
        lists = QHBoxLayout()
        self._applies_box = self._list_box(self.applies)
        self._unresolved_box = self._list_box(self.unresolved)
        lists.addWidget(self._applies_box, 1)
        lists.addWidget(self._unresolved_box, 1)
        layout.addLayout(lists, 1)
        layout.addWidget(self.partial)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def _provenance_box(self, provenance: dict[str, str]) -> QGroupBox:
        box = QGroupBox("Provenance", self)
        form = QFormLayout(box)
        shown = [(label, provenance[key]) for key, label in PROVENANCE if provenance.get(key)]
        for label, value in shown:
            text = QLabel(value, box)
            text.setTextFormat(Qt.TextFormat.PlainText)  # the file is not trusted
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, text)
        if not shown:
            form.addRow(QLabel("The file does not say who made it or from which model.", box))
        return box

    def _name_box(self, clash: bool) -> QGroupBox:
        box = QGroupBox("Name in this model", self)
        group = QButtonGroup(box)
        group.addButton(self.as_new)
        group.addButton(self.replace)
        row = QHBoxLayout()
        row.addWidget(self.as_new)
        row.addWidget(self.name_edit, 1)
        column = QVBoxLayout(box)
        column.addLayout(row)
        column.addWidget(self.replace)
        if clash:
            note = QLabel(f"This model already has a scenario named “{self._scenario.name}”.",
                          box)
            note.setTextFormat(Qt.TextFormat.PlainText)
            column.insertWidget(0, note)
        else:
            self.replace.hide()
        return box

    def _list_box(self, view: QListWidget) -> QGroupBox:
        box = QGroupBox(self)
        view.setWordWrap(True)
        view.setAlternatingRowColors(True)
        QVBoxLayout(box).addWidget(view)
        return box

    # --- planning -------------------------------------------------------------------------
    def target_name(self) -> str:
        return self._scenario.name if self.replace.isChecked() else self.name_edit.text().strip()

    def _replan(self, *_args: object) -> None:
        self.name_edit.setEnabled(self.as_new.isChecked())
        name = self.target_name()
        self.report = plan_import(self._model, self._scenario, name or None,
                                  self.replace.isChecked())
        report = self.report
        self.applies.clear()
        self.applies.addItems(report.applicable)
        self.unresolved.clear()
        problems = ([report_parent(report)] if report.parent_missing else []) + report.unresolved
        self.unresolved.addItems(problems)
        for view in (self.applies, self.unresolved):
            for i in range(view.count()):
                view.item(i).setToolTip(view.item(i).text())
                if view is self.unresolved:
                    view.item(i).setForeground(QColor(BAD_COLOR))
        self._titles(len(report.applicable), len(problems))
        self.partial.setEnabled(bool(problems))
        self._update_status()

    def _titles(self, applies: int, unresolved: int) -> None:
        self._applies_box.setTitle(f"Applies ({applies})")
        self._unresolved_box.setTitle(
            f"Cannot be resolved in this model ({unresolved})")

    def blocked_reason(self) -> str:
        """Why Import is disabled, or "" when the import would be accepted."""
        report = self.report
        assert report is not None
        unresolved = len(report.unresolved) + report.parent_missing
        if not self.target_name():
            return "Type a name for the imported scenario."
        if report.clash and not report.replace:
            return (f"A scenario named “{report.target_name}” already exists: choose another "
                    "name or replace it.")
        if unresolved and not self.partial.isChecked():
            return (f"{_count(unresolved, 'item')} cannot be resolved in this model: tick "
                    "“Drop the unresolved items” to import the rest, or cancel.")
        return ""

    def _update_status(self, *_args: object) -> None:
        reason = self.blocked_reason()
        self.import_button.setEnabled(not reason)
        if reason:
            self.status.setStyleSheet(BAD)
            self.status.setText(reason)
            return
        assert self.report is not None
        scenario = imported_scenario(self.report, self.partial.isChecked())
        verb = "Replaces" if self.report.replace else "Adds"
        self.status.setStyleSheet("")
        self.status.setText(
            f"{verb} “{scenario.name}” with {_count(len(scenario.overrides), 'override')} and "
            f"{_count(len(scenario.uncertainties), 'uncertainty', 'uncertainties')} "
            "(one step: Edit ▸ Undo takes it back).")

    def accept(self) -> None:
        if self.report is None or self.blocked_reason():
            return
        try:
            self.imported = imported_scenario(self.report, self.partial.isChecked())
        except ImportRefused:  # the button is disabled whenever this would happen
            return
        super().accept()


def _count(n: int, noun: str, plural: str = "") -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
