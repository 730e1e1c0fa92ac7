"""What every dashboard plot shares: a titled pyqtgraph plot whose items are made once and then
only fed new data, a legend whose entries hide and show series, a hover read-out of the exact
values under the cursor, and a context menu that exports the plot (PNG, SVG) and its data (CSV).

A panel registers its series with ``add_series``; each keeps the engine's numbers (USD, MW,
units) beside what is drawn (divided by a ``Scale``), so the read-out and the CSV give the
engine's values, not the rounded axis.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QMenu, QVBoxLayout, QWidget

from desktop_app.ui.dashboard import export, scales
from desktop_app.ui.dashboard.items import CompactSample, LegendOnly, no_minimum_width, swatch

INK = "#34495e"
MUTED = "#6b7785"
GRID = "#e6eaee"
TICK_FONT = QFont()
TICK_FONT.setPointSizeF(8.5)
X_PAD = 0.6  # half a period of room either side of the first and last bar


def configure_pyqtgraph() -> None:
    pg.setConfigOptions(antialias=True, background="w", foreground=INK)


@dataclass(eq=False)
class Series:
    """One legend entry: the items it hides and shows, and its values in engine units."""

    name: str
    item: Any  # what the legend shows and toggles
    fmt: Callable[[float], str]
    linked: list[Any] = field(default_factory=list)  # items that follow ``item``'s visibility
    values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    in_readout: bool = True

    @property
    def visible(self) -> bool:
        return bool(self.item.isVisible())


class QPlotPanel(QWidget):
    """A titled plot with legend toggles, hover read-out and exports; subclasses draw."""

    key = "plot"  # file-name stem of exports
    title = "Plot"
    legend_at = (-8, 4)  # legend offset: negative x from the right, negative y from the bottom
    legend_columns = 1
    legend_outside = False
    headroom = 1.08  # room above the data for the legend (top range = data × headroom)
    sig_enlarge = Signal(object)  # this panel asks to be shown alone (or back in the grid)
    sig_export = Signal(object, str)  # panel, format: the dashboard asks where to write
    sig_hover = Signal(str)  # the read-out under the cursor (rich text; "" when it leaves)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"plot.{self.key}")
        self.plot = pg.PlotWidget(self)
        self.plot.setObjectName(f"plot.{self.key}.view")
        self.item: pg.PlotItem = self.plot.getPlotItem()
        self.item.setMenuEnabled(False)
        self.item.hideButtons()
        self.item.setMouseEnabled(x=False, y=False)
        self._grid: list[pg.InfiniteLine] = []  # horizontal grid lines (a pool)
        self._ranges: dict[int, tuple[float, float]] = {}
        self.item.getViewBox().setDefaultPadding(0.02)
        for side in ("left", "bottom", "right"):
            axis = self.item.getAxis(side)
            axis.setTickFont(TICK_FONT)
            axis.setTextPen(INK)
        style = {"labelTextSize": "7.5pt", "labelTextColor": INK, "verSpacing": -4,
                 "horSpacing": 8, "sampleType": CompactSample, "colCount": self.legend_columns}
        if self.legend_outside:  # a column of its own right of the plot (many entries)
            self.legend = pg.LegendItem(**style)
            self.item.layout.addItem(self.legend, 2, 3)
        else:
            self.legend = self.item.addLegend(offset=self.legend_at, **style,
                                              brush=pg.mkBrush(255, 255, 255, 175),
                                              pen=pg.mkPen("#d5dbe1"))
        self.series: list[Series] = []
        self.labels: list[str] = []  # one per x position (periods, or tornado bars)
        self.note = ""  # why the plot is empty, shown in the read-out line
        self.cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen("#9aa5b1", width=1,
                                                             style=Qt.PenStyle.DashLine))
        self.cursor.setZValue(50)
        self.cursor.hide()
        self.item.addItem(self.cursor, ignoreBounds=True)
        self.readout = ""  # what the hover read-out shows now (the dashboard displays it)
        self.hovered: int | None = None
        self._title = (self.title, "")
        self._title_html = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        # Below this a plot no longer fits its axes and legend and would be cut off: the
        # window's layout gives the dashboard at least this much per plot.
        self.setMinimumSize(220, 175)
        # Mouse moves come from the viewport, not the scene's rate-limited sigMouseMoved (it
        # drops moves less than 10 ms apart, so the read-out could miss where the mouse stops).
        self.plot.viewport().installEventFilter(self)
        self.mouse_at: QPointF | None = None  # scene position of the last move seen
        self.item.getViewBox().sigResized.connect(lambda _vb: self._update_ticks())
        self.plot.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.plot.customContextMenuRequested.connect(self._show_menu)
        no_minimum_width(self.item.titleLabel)
        # The title spans the whole panel (left-aligned, like a card), not just the data area.
        self.item.layout.removeItem(self.item.titleLabel)
        self.item.layout.addItem(self.item.titleLabel, 0, 0, 1, 4)
        self.item.layout.setContentsMargins(6, 2, 4, 2)
        self.set_title(self.title)

    # --- building -----------------------------------------------------------------------
    def set_title(self, text: str, subtitle: str = "") -> None:
        """The title, a muted subtitle (units, region) and the note, if any, after it."""
        self._title = (text, subtitle)
        extra = " · ".join(t for t in (subtitle, self.note) if t)
        sub = f"&nbsp;&nbsp;<span style='color:{MUTED}; font-weight:normal'>{extra}</span>" \
            if extra else ""
        html = f"<span style='font-weight:600'>{text}</span>{sub}"
        if html != self._title_html:  # setting the same title again relays the plot out
            self._title_html = html
            self.item.setTitle(html, size="9pt", color=INK, justify="left")

    def add_series(self, name: str, item: Any, fmt: Callable[[float], str], *,
                   linked: Sequence[Any] = (), legend: bool = True, view: Any = None,
                   in_readout: bool = True) -> Series:
        """Register ``item`` (added to ``view``, the plot by default) as a legend entry."""
        for graphic in (item, *linked):
            if graphic.scene() is None and not isinstance(graphic, LegendOnly):
                (view or self.item).addItem(graphic)
        series = Series(name, item, fmt, list(linked), in_readout=in_readout)
        if linked and hasattr(item, "visibleChanged"):
            item.visibleChanged.connect(lambda s=series: self._follow(s))
        if legend:
            self.legend.addItem(item, name)
        self.series.append(series)
        return series

    def rename_series(self, series: Series, name: str) -> None:
        if series.name == name:
            return
        series.name = name
        for sample, label in self.legend.items:
            if sample.item is series.item:
                label.setText(name)

    def set_in_legend(self, series: Series, shown: bool) -> None:
        """Show or drop ``series``' legend entry (pooled items not in use leave the legend)."""
        present = any(sample.item is series.item for sample, _ in self.legend.items)
        if shown and not present:
            self.legend.addItem(series.item, series.name)
        elif not shown and present:
            self.legend.removeItem(series.item)

    def set_axis_label(self, side: str, text: str) -> None:
        """Label an axis (only when the text changes: relabelling lays the plot out again)."""
        axis = self.item.getAxis(side)
        if axis.labelText != text or not axis.label.isVisible():
            axis.setLabel(text)

    @staticmethod
    def _follow(series: Series) -> None:
        for graphic in series.linked:
            graphic.setVisible(series.visible)

    def add_right_axis(self, label: str) -> pg.ViewBox:
        """A second y axis on the right with its own view, sharing the x axis."""
        view = pg.ViewBox(enableMouse=False)
        view.setParentItem(self.item)
        view.setZValue(-1)
        view.setMenuEnabled(False)
        self.item.showAxis("right")
        axis = self.item.getAxis("right")
        axis.linkToView(view)
        axis.setLabel(label)
        axis.setGrid(0)
        view.setXLink(self.item)
        main = self.item.getViewBox()
        main.sigResized.connect(lambda _vb: view.setGeometry(main.geometry()))
        view.setGeometry(main.geometry())
        return view

    # --- data ---------------------------------------------------------------------------
    def set_periods(self, labels: Sequence[str]) -> None:
        """x positions 0..n-1 labelled with the periods (every k-th when they crowd)."""
        labels = list(labels)
        if labels == self.labels:
            return
        self.labels = labels
        self._tick_step = 0
        self._update_ticks()
        self.item.setXRange(-X_PAD, max(len(labels) - 1, 0) + X_PAD, padding=0)

    def _update_ticks(self) -> None:
        """Label every period that fits (every 2nd, 4th… when the plot is narrow)."""
        if not self.labels:
            self._tick_step = 0
            self.item.getAxis("bottom").setTicks([[], []])
            return
        width = max(1.0, self.item.getViewBox().width())
        longest = max(len(t) for t in self.labels)
        step = max(1, int(np.ceil(len(self.labels) * (longest * 7 + 8) / width)))
        if step != getattr(self, "_tick_step", 0):
            self._tick_step = step
            ticks = [(i, t) for i, t in enumerate(self.labels) if i % step == 0]
            self.item.getAxis("bottom").setTicks([ticks, []])

    def fit_y(self, view: Any, top: float, bottom: float = 0.0) -> None:
        """Show ``bottom``..``top`` with room above for the legend, up to a round number with
        round ticks (and grid lines on the main view). Ranges are set, not guessed by
        auto-range, and only change when the data outgrows them: a drag that moves values a
        little leaves the axes alone, so they are not redrawn (their text is the costly part
        of a repaint)."""
        if not np.isfinite(top) or top <= bottom:
            top = bottom + 1.0
        high = scales.nice_ceiling((top - bottom) * self.headroom) + bottom if bottom >= 0 \
            else bottom + (top - bottom) * self.headroom
        key = (round(bottom, 12), round(high, 12))
        if self._ranges.get(id(view)) == key:
            return
        self._ranges[id(view)] = key
        ticks = scales.nice_ticks(bottom, high)
        main = view is self.item.getViewBox()
        axis = self.item.getAxis("left" if main else "right")
        axis.setTicks([[(v, f"{v:g}") for v in ticks], []])
        view.setYRange(bottom, high, padding=0)
        if main:
            self._set_grid(ticks)

    def _set_grid(self, values: list[float]) -> None:
        while len(self._grid) < len(values):
            line = pg.InfiniteLine(angle=0, pen=pg.mkPen(GRID, width=1), movable=False)
            line.setZValue(-100)
            self.item.addItem(line, ignoreBounds=True)
            self._grid.append(line)
        for i, line in enumerate(self._grid):
            if i < len(values) and values[i] != 0:
                line.setPos(values[i])
                line.show()
            else:
                line.hide()

    def set_note(self, text: str) -> None:
        """Why the plot is empty or partial, shown after the title."""
        if text != self.note:
            self.note = text
            self.set_title(*self._title)

    # --- hover read-out -----------------------------------------------------------------
    def _on_mouse_moved(self, pos: QPointF) -> None:
        view = self.item.getViewBox()
        if not view.sceneBoundingRect().contains(pos):
            self.hover(None)
            return
        self.hover(self.index_at(view.mapSceneToView(pos)))

    def eventFilter(self, watched: Any, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseMove:
            self.mouse_at = self.plot.mapToScene(event.position().toPoint())
            self._on_mouse_moved(self.mouse_at)
        elif event.type() == QEvent.Type.MouseButtonDblClick:
            self.sig_enlarge.emit(self)  # alone, or back among the others
        elif event.type() == QEvent.Type.Leave:
            self.mouse_at = None
            self.hover(None)  # the mouse left the plot: no read-out
        return False

    def index_at(self, point: QPointF) -> int | None:
        """Which labelled position the view point ``point`` falls on (periods: nearest x)."""
        index = round(point.x())
        return index if 0 <= index < len(self.labels) else None

    def hover(self, index: int | None) -> None:
        self.hovered = index
        if index is None:
            self.cursor.hide()
        else:
            self.cursor.setPos(index)
            self.cursor.show()
        self._show_readout()

    def readout_text(self, index: int) -> str:
        """Rich text of the exact values at ``index``: visible series, in engine units."""
        parts = []
        for s in self.series:
            if s.visible and s.in_readout and index < len(s.values):
                parts.append(f"{swatch(s.item)}{s.name} <b>{s.fmt(float(s.values[index]))}</b>")
        return f"<b>{self.labels[index]}</b> · " + " · ".join(parts)

    def _show_readout(self) -> None:
        text = self.readout_text(self.hovered) \
            if self.hovered is not None and self.hovered < len(self.labels) else ""
        if text != self.readout:
            self.readout = text
            self.sig_hover.emit(text)

    # --- export -------------------------------------------------------------------------
    def table(self) -> tuple[list[str], list[list[Any]]]:
        """The plotted data in engine units: a header and rows (one per period)."""
        headers = ["period"] + [self.column_name(s) for s in self.series if s.in_readout]
        rows = []
        for i, label in enumerate(self.labels):
            rows.append([label] + [_cell(s.values, i) for s in self.series if s.in_readout])
        return headers, rows

    def column_name(self, series: Series) -> str:
        return series.name

    def export_png(self, path: str | Path) -> None:
        export.png(self.item, path, width=max(1200, 2 * self.plot.width()))

    def export_svg(self, path: str | Path) -> None:
        export.svg(self.item, path)

    def export_csv(self, path: str | Path) -> None:
        export.csv_table(path, *self.table())

    def _show_menu(self, pos: QPoint) -> None:
        self.context_menu().exec(self.plot.mapToGlobal(pos))

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        for fmt, text in (("png", "Export Plot as &PNG…"), ("svg", "Export Plot as &SVG…"),
                          ("csv", "Export Data as &CSV…")):
            action = QAction(text, menu)
            action.setObjectName(f"export.{fmt}")
            action.triggered.connect(lambda _c=False, f=fmt: self.sig_export.emit(self, f))
            menu.addAction(action)
        menu.addSeparator()
        enlarge = QAction("Show &Alone / Back to All Plots", menu)
        enlarge.setObjectName("enlarge")
        enlarge.triggered.connect(lambda: self.sig_enlarge.emit(self))
        menu.addAction(enlarge)
        return menu

def _cell(values: np.ndarray, index: int) -> Any:
    if index >= len(values):
        return ""
    value = float(values[index])
    return "" if np.isnan(value) else value
