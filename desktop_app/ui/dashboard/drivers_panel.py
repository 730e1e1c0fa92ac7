"""The drivers panel: a slider and a spin box per lever (``core.drivers.DRIVERS``) that write
the lever's overrides into the dashboard's current scenario.

* While a slider is dragged, each position is a *preview*: the dashboard projects the scenario
  as if the lever read that value, and nothing is edited.
* Letting go pushes ONE undo step that replaces the lever's overrides in the scenario
  (``core.edits.set_overrides`` of ``core.drivers.with_driver``).
* Keyboard, wheel and page steps on a slider, and values entered in a spin box, are committed
  at once; consecutive steps of the same lever merge into one undo step.

Levers that act on time series (supply, prices, utilisation, delay) apply to the years chosen at
the top (all years by default): "packaging supply −20 % in 2026".
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.drivers import DRIVERS, Driver, driver_value, overrides_for, with_driver
from desktop_app.core.edits import Event, ModelReset, set_overrides
from desktop_app.core.engine.arrays import window_years
from desktop_app.ui.dashboard.controller import QDashboardController
from desktop_app.ui.session import QDocumentSession
from desktop_app.ui.undo import QEditCommand

MERGE_ID = 0x44525652  # "DRVR": consecutive keyboard steps of one lever merge
AS_ENTERED = "as entered"
UNITS = {"%/yr": " %/yr", "%": " %", "years": " yr", "USD/MWh": " $/MWh"}
YEARLESS = {"demand_growth"}  # compounds year by year from the base year: no year range


class QDriverCommand(QEditCommand):
    """A lever's new overrides; keyboard steps of the same lever and scenario merge."""

    def __init__(self, session: QDocumentSession, edit: object, text: str,
                 merge_key: tuple[int, str] | None) -> None:
        super().__init__(session, edit, text)  # type: ignore[arg-type]
        self.merge_key = merge_key

    def id(self) -> int:
        return MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, QDriverCommand) or other.merge_key != self.merge_key:
            return False
        self.edit.value = other.edit.value  # type: ignore[attr-defined]
        self.setText(other.text())
        return True


@dataclass
class _Row:
    driver: Driver
    label: QLabel
    slider: QSlider
    spin: QDoubleSpinBox
    reset: QToolButton

    @property
    def extra_notch(self) -> bool:
        """The neutral value lies outside the range (utilisation: "as entered")."""
        d = self.driver
        return not d.minimum <= d.neutral <= d.maximum

    def position_of(self, value: float) -> int:
        d = self.driver
        if self.extra_notch and value == d.neutral:
            return self.slider.minimum()
        return round(min(max(value, d.minimum), d.maximum) / d.step)

    def value_of(self, position: int) -> float:
        if self.extra_notch and position == self.slider.minimum():
            return self.driver.neutral
        return round(position * self.driver.step, 6)

    def spin_value(self) -> float:
        if self.extra_notch and self.spin.value() == self.spin.minimum():
            return self.driver.neutral
        return self.spin.value()

    def show(self, value: float) -> None:
        """Put ``value`` on the slider and spin box without anyone hearing it."""
        for widget in (self.slider, self.spin):
            widget.blockSignals(True)
        self.slider.setValue(self.position_of(value))
        self.spin.setValue(self.spin.minimum() if self.extra_notch and
                           value == self.driver.neutral else value)
        for widget in (self.slider, self.spin):
            widget.blockSignals(False)
        self.reset.setEnabled(value != self.driver.neutral)


class QDriversPanel(QWidget):
    def __init__(self, session: QDocumentSession, controller: QDashboardController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drivers_panel")
        self.session = session
        self.controller = controller
        self.rows: dict[str, _Row] = {}
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.year_from = QComboBox(self)
        self.year_to = QComboBox(self)
        for combo, tip in ((self.year_from, "First year the levers act on"),
                           (self.year_to, "Last year the levers act on")):
            combo.setToolTip(tip + " (demand growth compounds from the base year)")
        self.reset_all = QPushButton("Reset All", self)
        self.reset_all.setToolTip("Remove every lever's overrides from the scenario "
                                  "(one undo step)")
        self.reset_all.clicked.connect(self.reset_every_driver)
        years = QHBoxLayout()
        years.addWidget(QLabel("Years:", self))
        years.addWidget(self.year_from)
        years.addWidget(QLabel("to", self))
        years.addWidget(self.year_to)
        years.addStretch(1)
        years.addWidget(self.reset_all)
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(0, 1)
        for i, driver in enumerate(DRIVERS):
            self.rows[driver.id] = self._make_row(driver, grid, i)
        body = QWidget(self)
        inner = QVBoxLayout(body)
        inner.setContentsMargins(8, 6, 8, 6)
        inner.addWidget(self.heading)
        inner.addLayout(years)
        inner.addLayout(grid)
        self.hint = QLabel("Drag a slider to preview; let go to apply it as one undo step. "
                           "Keys and typed values apply at once.", self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #6b7785; font-size: 8pt;")
        inner.addWidget(self.hint)
        inner.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        controller.sig_scenario_changed.connect(self.sync)
        session.events.subscribe(self._on_event)
        self._fill_years()
        self.sync()

    def _make_row(self, driver: Driver, grid: QGridLayout, index: int) -> _Row:
        label = QLabel(driver.label, self)
        slider = QSlider(Qt.Orientation.Horizontal, self)
        slider.setObjectName(f"driver.{driver.id}.slider")
        spin = QDoubleSpinBox(self)
        spin.setObjectName(f"driver.{driver.id}.spin")
        spin.setKeyboardTracking(False)  # typed digits apply on Enter or leaving the box
        spin.setSuffix(UNITS.get(driver.unit, f" {driver.unit}"))
        spin.setDecimals(2 if driver.step < 1 else 0)
        spin.setSingleStep(driver.step)
        spin.setFixedWidth(92)
        slider.setMinimumWidth(60)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        reset = QToolButton(self)
        reset.setText("↺")
        reset.setObjectName(f"driver.{driver.id}.reset")
        reset.setToolTip(f"Back to the model's own {driver.label.lower()} (no override)")
        row = _Row(driver, label, slider, spin, reset)
        low = round(driver.minimum / driver.step) - (1 if row.extra_notch else 0)
        slider.setRange(low, round(driver.maximum / driver.step))
        slider.setSingleStep(1)
        slider.setPageStep(max(1, round(5 / driver.step)) if driver.step < 1 else 5)
        spin.setRange(driver.minimum - (driver.step if row.extra_notch else 0), driver.maximum)
        if row.extra_notch:
            spin.setSpecialValueText(AS_ENTERED)
        tip = f"{driver.label} ({driver.unit}); {driver.minimum:g} to {driver.maximum:g}"
        for widget in (label, slider, spin):
            widget.setToolTip(tip)
        grid.addWidget(label, 2 * index, 0, 1, 3)
        grid.addWidget(slider, 2 * index + 1, 0)
        grid.addWidget(spin, 2 * index + 1, 1)
        grid.addWidget(reset, 2 * index + 1, 2)
        slider.valueChanged.connect(lambda pos, r=row: self._on_slider_moved(r, pos))
        slider.sliderReleased.connect(lambda r=row: self._on_slider_released(r))
        spin.valueChanged.connect(lambda _v, r=row: self._on_spin_changed(r))
        reset.clicked.connect(lambda _c=False, r=row: self.commit(r.driver.id,
                                                                 r.driver.neutral))
        return row

    # --- user input ---------------------------------------------------------------------
    def _on_slider_moved(self, row: _Row, position: int) -> None:
        value = row.value_of(position)
        row.spin.blockSignals(True)
        row.spin.setValue(row.spin.minimum() if row.extra_notch and value == row.driver.neutral
                          else value)
        row.spin.blockSignals(False)
        if row.slider.isSliderDown():
            self.controller.preview(row.driver.id, value, self.years(row.driver))
        else:  # keyboard, wheel or a click on the groove: a step of its own
            self.commit(row.driver.id, value, merge=True)

    def _on_slider_released(self, row: _Row) -> None:
        self.commit(row.driver.id, row.value_of(row.slider.value()))

    def _on_spin_changed(self, row: _Row) -> None:
        value = row.spin_value()
        row.slider.blockSignals(True)
        row.slider.setValue(row.position_of(value))
        row.slider.blockSignals(False)
        self.commit(row.driver.id, value, merge=True)

    def years(self, driver: Driver) -> tuple[int | None, int | None]:
        if driver.id in YEARLESS:
            return (None, None)
        return self.year_from.currentData(), self.year_to.currentData()

    # --- writing the scenario -----------------------------------------------------------
    def commit(self, driver_id: str, value: float, *, merge: bool = False) -> bool:
        """Write the lever's overrides for ``value`` into the current scenario (one undo
        step); returns whether anything changed."""
        scenario = self.controller.scenario_row()
        driver = self.rows[driver_id].driver
        if scenario is None:
            self.controller.end_preview(driver_id)
            return False
        model = self.session.model
        new = with_driver(scenario, overrides_for(model, driver_id, value, self.years(driver)),
                          driver_id)
        if new == scenario.overrides:
            self.controller.end_preview(driver_id)
            self.sync()
            return False
        what = "Reset " + driver.label.lower() if value == driver.neutral else \
            f"{driver.label} {value:+g}{UNITS.get(driver.unit, ' ' + driver.unit)}"
        command = QDriverCommand(self.session, set_overrides(scenario, new),
                                 f"{what} in {scenario.name}",
                                 (scenario.uid, driver_id) if merge else None)
        self.session.stack.push(command)
        self.controller.end_preview(driver_id)
        return True

    def reset_every_driver(self) -> None:
        scenario = self.controller.scenario_row()
        if scenario is None:
            return
        notes = {d.note for d in DRIVERS}
        kept = [o for o in scenario.overrides if o.note not in notes]
        if kept != scenario.overrides:
            self.session.stack.push(QDriverCommand(
                self.session, set_overrides(scenario, kept),
                f"Reset every lever in {scenario.name}", None))

    # --- following the document ---------------------------------------------------------
    def _on_event(self, event: Event) -> None:
        kind = getattr(event, "kind", None)
        if isinstance(event, ModelReset) or kind == "settings":
            self._fill_years()
        if isinstance(event, ModelReset) or kind == "scenario":
            self.sync()

    def _fill_years(self) -> None:
        s = self.session.model.settings
        years = window_years(s)  # empty while Settings shows a problem with the years
        for combo, default_text in ((self.year_from, "first"), (self.year_to, "last")):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(default_text, None)
            for year in years:
                combo.addItem(str(year), year)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    def sync(self) -> None:
        """Show the current scenario's lever values (after undo, another scenario, a load)."""
        scenario = self.controller.scenario_row()
        enabled = scenario is not None
        for row in self.rows.values():
            if row.slider.isSliderDown():
                continue
            value = driver_value(scenario, row.driver.id) if scenario is not None \
                else row.driver.neutral
            row.show(value)
            row.label.setText(row.driver.label + self._years_note(scenario, row.driver))
            for widget in (row.slider, row.spin):
                widget.setEnabled(enabled)
            row.reset.setEnabled(enabled and value != row.driver.neutral)
        self.reset_all.setEnabled(enabled)
        self.heading.setText(
            f"Levers of scenario <b>{scenario.name}</b>" if scenario is not None
            else "<b>No scenario</b>: add one in the Scenarios panel to use the levers.")

    @staticmethod
    def _years_note(scenario: object, driver: Driver) -> str:
        mine = [o for o in getattr(scenario, "overrides", []) if o.note == driver.note]
        if not mine or driver.id in YEARLESS:
            return ""
        first, last = mine[0].year_from, mine[0].year_to
        if first is None and last is None:
            return ""
        if first == last:
            return f"  ·  {first}"
        return f"  ·  {first or '…'}–{last or '…'}"
