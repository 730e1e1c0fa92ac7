"""Application preferences, declared once with their types and defaults, kept out of documents.

Window layout and recent files belong to the user's machine, not to the ``.atlas`` file a
colleague receives. They live in an INI file under the platform's config folder (on Linux
``$XDG_CONFIG_HOME/Compute Atlas/compute-atlas.ini``), which tests redirect to a temp folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "Compute Atlas"
APPLICATION = "compute-atlas"
LAYOUT_VERSION = 2  # bump when docks change so an old saved layout is not half-applied
MAX_RECENT = 10

T = TypeVar("T")


@dataclass(frozen=True)
class Key(Generic[T]):
    """One preference: its INI name, type, default and what it is for."""

    name: str
    type: type
    default: T
    doc: str


GEOMETRY: Key[QByteArray] = Key("window/geometry", QByteArray, QByteArray(),
                                "main window position and size")
WINDOW_STATE: Key[QByteArray] = Key("window/state", QByteArray, QByteArray(),
                                    "dock and toolbar arrangement")
WINDOW_STATE_VERSION: Key[int] = Key("window/state_version", int, 0,
                                     "LAYOUT_VERSION the saved state was made with")
RECENT_FILES: Key[list] = Key("documents/recent", list, [], "recently opened, newest first")
LAST_DIRECTORY: Key[str] = Key("documents/last_directory", str, "",
                               "where the file dialogs start")


def store() -> QSettings:
    """The preferences file (INI, per user); cheap to create, so no global instance."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION,
                     APPLICATION)


def get(key: Key[T]) -> T:
    value: Any = store().value(key.name, key.default)
    if value is None:
        return key.default
    if key.type is list:
        if isinstance(value, str):
            return [value]  # type: ignore[return-value]  # QSettings returns one item as str
        return [str(v) for v in value] if isinstance(value, list | tuple) else key.default
    if key.type is int:
        try:
            return int(value)  # type: ignore[return-value]
        except (TypeError, ValueError):
            return key.default
    return value if isinstance(value, key.type) else key.default


def put(key: Key[T], value: T) -> None:
    settings = store()
    settings.setValue(key.name, value)
    settings.sync()
