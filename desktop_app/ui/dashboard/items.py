"""Small pyqtgraph pieces the plots share: a compact legend sample, a legend entry for items
the legend cannot draw (a filled band), a title that never widens its plot, colour swatches
for the read-out."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from pyqtgraph.graphicsItems.LegendItem import ItemSample
from PySide6.QtCore import Qt


def no_minimum_width(label: Any) -> None:
    """A title must not widen its plot past the panel (the plot would be cut off instead of
    shrinking): the label keeps its height but asks for no width of its own."""
    update = label.updateMin

    def update_min() -> None:
        update()
        label.setMinimumWidth(0)
        label._sizeHint[Qt.SizeHint.MinimumSize] = (0, label.minimumHeight())
        label._sizeHint[Qt.SizeHint.PreferredSize] = (0, label.minimumHeight())

    label.updateMin = update_min
    update_min()


class CompactSample(ItemSample):
    """A legend sample 14 px square instead of 20: two more rows fit in a small plot."""

    SIZE = 14

    def __init__(self, item: Any) -> None:
        super().__init__(item)
        self.setFixedWidth(self.SIZE)
        self.setFixedHeight(self.SIZE)

    def boundingRect(self) -> Any:
        return pg.QtCore.QRectF(0, 0, self.SIZE, self.SIZE)

    def paint(self, p: Any, *args: Any) -> None:
        p.scale(self.SIZE / 20, self.SIZE / 20)
        super().paint(p, *args)


class LegendOnly(pg.PlotDataItem):
    """A legend entry for items the legend cannot draw (a filled band): never in the scene."""


def legend_proxy(pen: Any, brush: Any) -> pg.PlotDataItem:
    proxy = LegendOnly([], [], pen=pen, fillLevel=0, fillBrush=brush)
    return proxy


def swatch(item: Any) -> str:
    opts = getattr(item, "opts", {})
    brush = opts.get("brush") or opts.get("fillBrush")
    pen = opts.get("pen")
    color = None
    if brush is not None and not isinstance(brush, list | tuple):
        color = pg.mkBrush(brush).color()
    elif pen is not None:
        color = pg.mkPen(pen).color()
    if color is None:
        return ""
    return f"<span style='color:{color.name()}'>■</span>&nbsp;"
