"""Icons from ``resources/icons`` (SVG, so they stay sharp at any device-pixel ratio)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from desktop_app.paths import resource_path


@cache
def icon(name: str) -> QIcon:
    """``icon("document-save")``; a missing file gives an empty icon rather than a crash."""
    path = resource_path("icons", f"{name}.svg")
    return QIcon(str(path)) if path.is_file() else QIcon()
