"""The cell editor: a line edit that knows the column's unit, or a drop-down for choices.

Text the unit refuses ("abc" for a capacity, a negative price) keeps the editor open on Enter or
Tab with the reason beside it, so the user can fix what they typed; leaving the cell abandons
the edit and the status bar says why nothing changed. Nothing is ever coerced. Ctrl+Enter
writes the value into every selected cell of the column at once (one undo step).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QComboBox,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from desktop_app.ui.tables.base import EDIT, Index

COMMIT_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab}
REFUSED_STYLE = "QLineEdit { background: #fdecea; border: 1px solid #c0392b; }"


class QCellLineEdit(QLineEdit):
    """A line edit that remembers which cell it edits (to check text against its unit)."""

    def __init__(self, parent: QWidget, index: Index) -> None:
        super().__init__(parent)
        self.index = QPersistentModelIndex(index)
        self.setFrame(False)
        self.textEdited.connect(self._clear_refusal)

    def show_refusal(self, reason: str) -> None:
        self.setStyleSheet(REFUSED_STYLE)
        self.setToolTip(reason)
        QToolTip.showText(self.mapToGlobal(self.rect().bottomLeft()), reason, self)

    def _clear_refusal(self) -> None:
        if self.styleSheet():
            self.setStyleSheet("")
            self.setToolTip("")
            QToolTip.hideText()


class QUnitDelegate(QStyledItemDelegate):
    sig_refused = Signal(str)  # the reason, for the status bar
    sig_fill_requested = Signal(str)  # Ctrl+Enter: this text into every selected cell

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: Index) -> QWidget:
        choices = index.model().choices(index)  # type: ignore[attr-defined]
        if choices is None:
            return QCellLineEdit(parent, index)
        combo = QComboBox(parent)
        for label, text in choices:
            combo.addItem(label, text)
        combo.activated.connect(lambda _i, c=combo: self._commit_and_close(c))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        text = str(index.data(EDIT) or "")
        if isinstance(editor, QComboBox):
            at = editor.findData(text)
            if at < 0:  # a stored value that is not (or no longer) a choice
                editor.addItem(text or "(none)", text)
                at = editor.count() - 1
            editor.setCurrentIndex(at)
        elif isinstance(editor, QLineEdit) and not editor.isModified():
            editor.setText(text)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), EDIT)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), EDIT)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if isinstance(editor, QCellLineEdit) and event.type() == QEvent.Type.KeyPress:
            key_event: Any = event
            assert isinstance(key_event, QKeyEvent)
            if key_event.key() in COMMIT_KEYS:
                reason = self._reason(editor)
                if reason:
                    editor.show_refusal(reason)
                    self.sig_refused.emit(reason)
                    return True
                ctrl = key_event.modifiers() & Qt.KeyboardModifier.ControlModifier
                if ctrl and key_event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    text = editor.text()
                    self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
                    self.sig_fill_requested.emit(text)
                    return True
        return super().eventFilter(editor, event)

    @staticmethod
    def _reason(editor: QCellLineEdit) -> str | None:
        index = editor.index
        if not index.isValid():
            return None
        model: Any = index.model()
        reason = model.check(index, editor.text())
        if reason is None:
            return None
        header = model.headerData(index.column(), Qt.Orientation.Horizontal)
        if model.columnCount() == 2 and index.column() == 1:  # the settings table
            header = model.index(index.row(), 0).data()
        return f"{header}: {reason}"

    def _commit_and_close(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QAbstractItemDelegate.EndEditHint.NoHint)
