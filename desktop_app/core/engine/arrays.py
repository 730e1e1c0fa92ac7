"""The model compiled to arrays: one float64 array per numeric field, rows in model order.

Fields that can change over time (prices, supply capacity, utilisation, region caps) are
``(rows, periods)``; the rest are ``(rows,)``. Scenario overrides and Monte Carlo draws edit these
arrays, never the model objects, which is what makes a slider drag or 10,000 samples cheap. A
field edited by Monte Carlo grows a leading samples axis; everything downstream broadcasts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from desktop_app.core import fields as field_table
from desktop_app.core.model import Model, SupplyKind
from desktop_app.core.selectors import Selector, parse_selector, resolve

KINDS: tuple[str, ...] = tuple(k.value for k in SupplyKind)

# Per-period fields (a year range on an override picks the periods it applies to) and static
# ones, per entity, as the field table describes them.
TIME_SERIES: dict[str, tuple[str, ...]] = {
    e: field_table.engine_fields(e, per_period=True) for e in field_table.ROW_ENTITIES}
STATIC: dict[str, tuple[str, ...]] = {
    e: field_table.engine_fields(e, per_period=False) for e in field_table.ROW_ENTITIES}
MAX_SPAN_YEARS = 40  # horizon − base year; validation's limit too
SETTINGS_FIELDS = field_table.engine_fields("settings", per_period=False)
targetable = field_table.targetable
is_time_series = field_table.is_time_series


def window_years(settings: object) -> range:
    """The calendar years a projection of these settings covers; empty when the settings
    cannot be projected (text, or a window over ``MAX_SPAN_YEARS``) — validation says why."""
    base, horizon = getattr(settings, "base_year", None), getattr(settings, "horizon_year", None)
    if isinstance(base, int) and not isinstance(base, bool) \
            and isinstance(horizon, int) and not isinstance(horizon, bool) \
            and 0 <= horizon - base <= MAX_SPAN_YEARS:
        return range(base, horizon + 1)
    return range(0)


def _number(value: object, missing: float = math.nan) -> float:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return missing
    return float(value)


@dataclass(slots=True)
class Periods:
    base_year: int
    horizon_year: int
    per_year: int

    @property
    def count(self) -> int:
        return (self.horizon_year - self.base_year + 1) * self.per_year

    @property
    def years(self) -> np.ndarray:
        """Calendar year of each period."""
        return self.base_year + np.arange(self.count) // self.per_year

    @property
    def starts(self) -> np.ndarray:
        """Start of each period in fractional years (2026.25 = Q2 2026)."""
        return self.base_year + np.arange(self.count) / self.per_year

    @property
    def labels(self) -> list[str]:
        if self.per_year == 1:
            return [str(y) for y in self.years]
        return [f"{y}Q{i % 4 + 1}" for i, y in enumerate(self.years)]

    @property
    def length_years(self) -> float:
        return 1.0 / self.per_year

    def mask(self, year_from: int | None, year_to: int | None) -> np.ndarray:
        years = self.years
        low = -math.inf if year_from is None else year_from
        high = math.inf if year_to is None else year_to
        return (years >= low) & (years <= high)


@dataclass(slots=True)
class Table:
    keys: list[str]
    fields: dict[str, np.ndarray]

    def copy(self) -> Table:
        """Shallow: arrays are shared until an edit replaces one (copy on write)."""
        return Table(self.keys, dict(self.fields))


@dataclass(slots=True)
class ModelArrays:
    periods: Periods
    tables: dict[str, Table]
    settings: dict[str, np.ndarray | float]  # arrays once a sampled setting is applied
    phase_site: np.ndarray  # site row of each phase (-1: missing)
    site_region: np.ndarray
    site_accelerator: np.ndarray
    line_kind: np.ndarray  # index into KINDS
    model: Model = field(repr=False)
    _selections: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def copy(self) -> ModelArrays:
        return ModelArrays(
            self.periods, {k: t.copy() for k, t in self.tables.items()}, dict(self.settings),
            self.phase_site, self.site_region, self.site_accelerator, self.line_kind,
            self.model, self._selections,
        )

    def rows(self, selector_text: str) -> np.ndarray:
        """Row indices a selector picks (cached: selectors repeat across samples and drags)."""
        cached = self._selections.get(selector_text)
        if cached is None:
            selector = parse_selector(selector_text)
            cached = _rows(self.model, selector)
            self._selections[selector_text] = cached
        return cached

    @property
    def sample_count(self) -> int:
        """Size of the samples axis any field has grown (1 when deterministic)."""
        sizes = [a.shape[0] for t in self.tables.values() for n, a in t.fields.items()
                 if a.ndim == _base_ndim(t, n) + 1]
        return max(sizes, default=1)


def _base_ndim(table: Table, name: str) -> int:
    return 2 if name in _ALL_TIME_SERIES else 1


_ALL_TIME_SERIES = {n for names in TIME_SERIES.values() for n in names}


def _rows(model: Model, selector: Selector) -> np.ndarray:
    chosen = {id(r) for r in resolve(model, selector)}
    if selector.entity == "settings":
        return np.zeros(0, dtype=np.intp)
    rows = model.collection(selector.entity)
    return np.array([i for i, r in enumerate(rows) if id(r) in chosen], dtype=np.intp)


def compile_model(model: Model) -> ModelArrays:
    """Arrays of a valid model (``validate`` first: this trusts keys and types)."""
    s = model.settings
    if not window_years(s):
        # What validation reports, refused here too: a 99999 horizon would take minutes.
        raise ValueError(f"cannot project {s.base_year!r}–{s.horizon_year!r}: the window must "
                         f"be whole years, at most {MAX_SPAN_YEARS} years long (see Settings)")
    periods = Periods(s.base_year, s.horizon_year, model.periods_per_year)
    count = periods.count
    tables = {
        "region": _table(model.regions, "code", "region", count),
        "accelerator": _table(model.accelerators, "name", "accelerator", count),
        "site": _table(model.sites, "name", "site", count),
        "phase": _table(model.phases, "key", "phase", count),
        "supply_line": _table(model.supply_lines, "name", "supply_line", count),
    }
    lines = tables["supply_line"]
    lines.fields["capacity_by_year"] = np.array(
        [[line.capacity_in(int(y)) for y in periods.years] for line in model.supply_lines],
        dtype=np.float64).reshape(len(model.supply_lines), count)
    # Accumulated shift_years edits, kept apart so that "set online_year" and "shift" compose.
    tables["phase"].fields["shift_years"] = np.zeros(len(model.phases))
    region_index = {code: i for i, code in enumerate(tables["region"].keys)}
    accelerator_index = {n: i for i, n in enumerate(tables["accelerator"].keys)}
    site_index = {n: i for i, n in enumerate(tables["site"].keys)}
    return ModelArrays(
        periods=periods,
        tables=tables,
        settings={n: _number(getattr(s, n)) for n in SETTINGS_FIELDS},
        phase_site=np.array([site_index.get(p.site, -1) for p in model.phases], dtype=np.intp),
        site_region=np.array([region_index.get(x.region, -1) for x in model.sites], np.intp),
        site_accelerator=np.array([accelerator_index.get(x.accelerator, -1)
                                   for x in model.sites], dtype=np.intp),
        line_kind=np.array([KINDS.index(str(x.kind)) for x in model.supply_lines], np.intp),
        model=model,
    )


def _table(rows: list, key: str, entity: str, count: int) -> Table:
    fields: dict[str, np.ndarray] = {}
    for name in STATIC[entity]:
        fields[name] = np.array([_number(getattr(r, name, None)) for r in rows], dtype=np.float64)
    for name in TIME_SERIES.get(entity, ()):
        if name == "capacity_by_year":
            continue
        missing = field_table.BY_KEY[(entity, name)].missing
        column = np.array([_number(getattr(r, name), missing) for r in rows], dtype=np.float64)
        fields[name] = np.repeat(column[:, None], count, axis=1)
    return Table([str(getattr(r, key)) for r in rows], fields)

