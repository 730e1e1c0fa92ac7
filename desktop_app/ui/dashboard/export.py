"""Plots to PNG and SVG, their data to CSV.

SVG goes through pyqtgraph's ``SVGExporter``, which works with the pinned PySide6 6.10; on
Qt ≥ 6.11 it raises (``x,y = c.split(',')``: Qt closes paths with ``Z``; upstream pyqtgraph
issue 3495, not fixed in 0.14.0). Then, and whenever its output is not a usable SVG, the plot's
scene is painted into a ``QSvgGenerator`` instead: the same picture, as Qt's own SVG.
"""

from __future__ import annotations

import csv
import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QPainter
from PySide6.QtSvg import QSvgGenerator

SVG_NS = "{http://www.w3.org/2000/svg}"


def png(item: Any, path: str | os.PathLike[str], width: int) -> None:
    """``item`` (a PlotItem) as a PNG ``width`` pixels wide, the on-screen picture scaled."""
    from pyqtgraph.exporters import ImageExporter

    exporter = ImageExporter(item)
    exporter.parameters()["width"] = int(width)
    target = _temp(path)
    try:
        exporter.export(str(target))
        if not target.exists() or target.stat().st_size == 0:
            raise OSError(f"could not write {Path(path).name}")
        os.replace(target, path)
    finally:
        target.unlink(missing_ok=True)


def svg(item: Any, path: str | os.PathLike[str]) -> str:
    """``item`` as SVG; returns which writer made it ("pyqtgraph" or "qt")."""
    target = _temp(path)
    try:
        try:
            _pyqtgraph_svg(item, target)
            writer = "pyqtgraph"
        except Exception:  # any failure of the exporter: use Qt's generator
            writer = ""
        if not writer or not is_valid_svg(target):
            qt_svg(item, target)
            writer = "qt"
        os.replace(target, path)
        return writer
    finally:
        target.unlink(missing_ok=True)


def _pyqtgraph_svg(item: Any, target: Path) -> None:
    from pyqtgraph.exporters import SVGExporter

    SVGExporter(item).export(str(target))


def qt_svg(item: Any, path: str | os.PathLike[str]) -> None:
    """The fallback: paint the item's part of the scene into a ``QSvgGenerator``."""
    source = item.sceneBoundingRect()
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(int(source.width()), int(source.height())))
    generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
    generator.setTitle("Compute Atlas plot")
    painter = QPainter(generator)
    try:
        painter.fillRect(QRectF(0, 0, source.width(), source.height()), QColor("white"))
        item.scene().render(painter, QRectF(0, 0, source.width(), source.height()), source)
    finally:
        painter.end()


def is_valid_svg(path: str | os.PathLike[str]) -> bool:
    """Parses as XML, is an ``<svg>`` and draws something (has a path or polyline)."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return False
    if root.tag != f"{SVG_NS}svg":
        return False
    return any(True for _ in root.iter(f"{SVG_NS}path")) or \
        any(True for _ in root.iter(f"{SVG_NS}polyline"))


def csv_table(path: str | os.PathLike[str], headers: Sequence[str],
              rows: Sequence[Sequence[Any]]) -> None:
    """A plain CSV: a header line, then rows; numbers at full precision (``repr``)."""
    target = _temp(path)
    try:
        with target.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(headers)
            writer.writerows([[_text(v) for v in row] for row in rows])
        os.replace(target, path)
    finally:
        target.unlink(missing_ok=True)


def _text(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value) if value == value else ""
    return value


def _temp(path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    return path.with_name(f".{path.name}.writing{path.suffix}")
