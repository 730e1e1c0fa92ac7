"""Validation that reports every problem of a model at once, each tied to a cell.

A strategist fixing a model wants the whole list (entity, key, field, message), not the first
error; the issues panel, the CLI's ``validate`` and every import use this one function.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from desktop_app.core import distributions
from desktop_app.core import fields as field_table
from desktop_app.core.engine.arrays import MAX_SPAN_YEARS, is_time_series, targetable
from desktop_app.core.engine.correlation import contradictory, target_matrix
from desktop_app.core.engine.scenario import merged_uncertainties
from desktop_app.core.fields import FIXED_UNDER_UNCERTAINTY, SHIFTABLE, WHOLE_NUMBER_FIELDS
from desktop_app.core.model import (
    ITCapexTiming,
    Model,
    Operation,
    PeriodKind,
    Scenario,
    SiteStatus,
    SupplyKind,
)
from desktop_app.core.selectors import SelectorError, parse_selector, resolve
from desktop_app.core.units import Reference


@dataclass(frozen=True, slots=True)
class Problem:
    entity: str  # "region", "site", ..., "settings", "scenario"
    key: str  # the row's human key ("" for settings)
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.entity} {self.key!r}" if self.key else self.entity
        return f"{where}, {self.field}: {self.message}"


class _Checker:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.problems: list[Problem] = []
        # Years are compared with these; text in the file (reported by ``_settings``) must not
        # make every comparison fail: fall back to an open window.
        base, horizon = model.settings.base_year, model.settings.horizon_year
        whole = (isinstance(base, int) and isinstance(horizon, int)
                 and not isinstance(base, bool) and not isinstance(horizon, bool))
        self.base = base if whole else -10**9
        self.horizon = horizon if whole else 10**9
        self._keys: dict[str, set[str]] = {}

    def add(self, entity: str, key: str, field: str, message: str) -> None:
        self.problems.append(Problem(entity, key, field, message))

    def number(self, entity: str, key: str, row: object, name: str, *, low: float | None = None,
               high: float | None = None, low_open: bool = False, optional: bool = False,
               what: str = "") -> None:
        value = getattr(row, name)
        if value is None and optional:
            return
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(entity, key, name, f"must be a number, not {value!r}")
            return
        if not math.isfinite(value):
            self.add(entity, key, name, "must be a finite number (got NaN or infinity)")
            return
        if low is not None and (value <= low if low_open else value < low):
            bound = f"> {low:g}" if low_open else f"≥ {low:g}"
            self.add(entity, key, name, f"{what or 'must be'} {bound} (got {value:g})")
        if high is not None and value > high:
            self.add(entity, key, name, f"{what or 'must be'} ≤ {high:g} (got {value:g})")

    def share(self, entity: str, key: str, row: object, name: str) -> None:
        """Shares and probabilities, worded in percent as the editors show them."""
        value = getattr(row, name)
        if isinstance(value, int | float) and not isinstance(value, bool) \
                and math.isfinite(value) and not 0 <= value <= 1:
            self.add(entity, key, name, f"must be between 0 % and 100 % (got {value:.4g} = "
                                        f"{100 * value:.4g} %)")
            return
        self.number(entity, key, row, name, low=0, high=1)

    def year(self, entity: str, key: str, row: object, name: str) -> None:
        value = getattr(row, name)
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(entity, key, name, f"must be a whole year, not {value!r}")
        elif not self.base <= value <= self.horizon:
            self.add(entity, key, name,
                     f"year {value} is outside the model's {self.base}–{self.horizon}")

    def bounds(self, entity: str, key: str, row: object) -> None:
        """The bounds the field table gives each of ``entity``'s fields, checked on ``row``."""
        for f in field_table.of(entity):
            if f.check == "number":
                self.number(entity, key, row, f.name, low=f.low, high=f.high,
                            low_open=f.low_open, optional=f.optional, what=f.says)
            elif f.check == "share":
                self.share(entity, key, row, f.name)
            elif f.check == "year":
                self.year(entity, key, row, f.name)

    def references(self, entity: str, key: str, row: object) -> None:
        """Required references (a site's region and accelerator, a phase's site) must exist."""
        for f in field_table.of(entity):
            unit = f.unit
            if isinstance(unit, Reference) and not unit.optional:
                value = getattr(row, f.name)
                if value not in self.keys(unit.target):
                    self.add(entity, key, f.name,
                             f"{unit.target.replace('_', ' ')} {value!r} does not exist")

    def keys(self, entity: str) -> set[str]:
        found = self._keys.get(entity)
        if found is None:
            found = self._keys[entity] = {getattr(r, r.KEY)
                                          for r in self.model.collection(entity)}
        return found

    def duplicates(self, entity: str, keys: Iterable[str], field: str) -> None:
        for key, count in Counter(keys).items():
            if count > 1:
                self.add(entity, key, field, f"{count} rows share this key; keys must be unique")
            if not str(key).strip():
                self.add(entity, key, field, "is empty; every row needs a key")


def validate(model: Model) -> list[Problem]:
    """Every problem of the model; an empty list means the model can be projected."""
    check = _Checker(model)
    _settings(check)
    _regions(check)
    _accelerators(check)
    _sites(check)
    _phases(check)
    _supply_lines(check)
    _scenarios(check)
    return check.problems


def _settings(c: _Checker) -> None:
    s = c.model.settings
    for f in field_table.of("settings"):
        if getattr(f.unit, "integer", False) and (isinstance(getattr(s, f.name), bool)
                                                 or not isinstance(getattr(s, f.name), int)):
            c.add("settings", "", f.name, "must be a whole number")
    if isinstance(s.base_year, int) and isinstance(s.horizon_year, int):
        if not s.base_year < s.horizon_year:
            c.add("settings", "", "horizon_year", "must be after the base year")
        elif s.horizon_year - s.base_year > MAX_SPAN_YEARS:
            c.add("settings", "", "horizon_year", "at most 40 years after the base year")
    c.bounds("settings", "", s)
    if s.period not in tuple(PeriodKind):
        c.add("settings", "", "period", f"must be year or quarter, not {s.period!r}")
    if s.it_capex_timing not in tuple(ITCapexTiming):
        c.add("settings", "", "it_capex_timing",
              f"must be {' or '.join(ITCapexTiming)}, not {s.it_capex_timing!r}")


def _regions(c: _Checker) -> None:
    c.duplicates("region", (r.code for r in c.model.regions), "code")
    for r in c.model.regions:
        c.bounds("region", r.code, r)


def _accelerators(c: _Checker) -> None:
    c.duplicates("accelerator", (a.name for a in c.model.accelerators), "name")
    for a in c.model.accelerators:
        c.bounds("accelerator", a.name, a)


def _sites(c: _Checker) -> None:
    m = c.model
    c.duplicates("site", (s.name for s in m.sites), "name")
    for s in m.sites:
        if "/" in s.name:
            c.add("site", s.name, "name", "must not contain '/' (it separates site and phase)")
        c.references("site", s.name, s)
        if s.status not in tuple(SiteStatus):
            c.add("site", s.name, "status", f"unknown status {s.status!r}")
        c.bounds("site", s.name, s)


def _phases(c: _Checker) -> None:
    m = c.model
    c.duplicates("phase", (p.key for p in m.phases), "name")
    for p in m.phases:
        c.references("phase", p.key, p)
        if p.online_quarter not in (1, 2, 3, 4):
            c.add("phase", p.key, "online_quarter", f"must be 1–4 (got {p.online_quarter!r})")
        c.bounds("phase", p.key, p)


def _supply_lines(c: _Checker) -> None:
    c.duplicates("supply_line", (s.name for s in c.model.supply_lines), "name")
    for s in c.model.supply_lines:
        if s.kind not in tuple(SupplyKind):
            c.add("supply_line", s.name, "kind", f"unknown kind {s.kind!r}")
        c.bounds("supply_line", s.name, s)
        for year, units in s.capacity_by_year.items():
            if isinstance(year, bool) or not isinstance(year, int):
                c.add("supply_line", s.name, "capacity_by_year", f"year {year!r} is not a year")
            elif not c.base <= year <= c.horizon:
                c.add("supply_line", s.name, "capacity_by_year",
                      f"year {year} is outside the model's {c.base}–{c.horizon}")
            if not isinstance(units, int | float) or not math.isfinite(units) or units < 0:
                c.add("supply_line", s.name, "capacity_by_year",
                      f"capacity in {year} must be a finite number ≥ 0 (got {units!r})")


def scenario_problems(model: Model, scenario: Scenario) -> list[Problem]:
    """Problems of ``scenario`` checked against ``model`` (which need not contain it)."""
    check = _Checker(model)
    _scenario(check, scenario, {s.name for s in model.scenarios} | {scenario.name})
    return check.problems


def _scenarios(c: _Checker) -> None:
    m = c.model
    c.duplicates("scenario", (s.name for s in m.scenarios), "name")
    names = {s.name for s in m.scenarios}
    for s in m.scenarios:
        _scenario(c, s, names)


def _scenario(c: _Checker, s: Scenario, names: set[str]) -> None:
    if s.parent is not None and s.parent not in names:
        c.add("scenario", s.name, "parent", f"parent scenario {s.parent!r} does not exist")
    elif _has_cycle(c.model, s):
        c.add("scenario", s.name, "parent", "scenario inheritance forms a cycle")
    for i, o in enumerate(s.overrides, 1):
        where = f"override {i}"
        has_years = o.year_from is not None or o.year_to is not None
        _target(c, s.name, where, o.selector, o.field, o.operation, has_years)
        if isinstance(o.value, bool) or not isinstance(o.value, int | float) \
                or not math.isfinite(o.value):
            c.add("scenario", s.name, where, f"value must be a finite number (got {o.value!r})")
        elif o.field in WHOLE_NUMBER_FIELDS and o.operation in (Operation.SET, Operation.ADD) \
                and float(o.value) != int(o.value):
            c.add("scenario", s.name, where, f"{o.field} takes whole numbers (got {o.value})")
        elif o.field == "online_year" and o.operation == Operation.SET \
                and not c.base <= o.value <= c.horizon:
            c.add("scenario", s.name, where,
                  f"year {o.value:g} is outside the model's {c.base}–{c.horizon}")
        years_whole = True
        for bound in (o.year_from, o.year_to):
            if bound is None:
                continue
            if isinstance(bound, bool) or not isinstance(bound, int):
                c.add("scenario", s.name, where, f"year range bounds must be whole years, "
                      f"not {bound!r}")
                years_whole = False
            elif not c.base <= bound <= c.horizon:
                c.add("scenario", s.name, where,
                      f"year {bound} is outside the model's {c.base}–{c.horizon}")
        if years_whole and o.year_from is not None and o.year_to is not None \
                and o.year_from > o.year_to:
            c.add("scenario", s.name, where, "year range ends before it starts")
    _uncertainties(c, s)


def _has_cycle(m: Model, s: Scenario) -> bool:
    seen = {s.name}
    current = s
    while current.parent is not None:
        if current.parent in seen:
            return True
        seen.add(current.parent)
        nxt = m.scenario(current.parent)
        if nxt is None:
            return False
        current = nxt
    return False


def _target(c: _Checker, scenario: str, where: str, selector_text: str, field: str,
            operation: str, has_years: bool = False) -> None:
    try:
        selector = parse_selector(selector_text)
    except SelectorError as exc:
        c.add("scenario", scenario, where, str(exc))
        return
    if operation not in tuple(Operation):
        c.add("scenario", scenario, where, f"unknown operation {operation!r}")
        return
    allowed = targetable(selector.entity)
    if field not in allowed:
        c.add("scenario", scenario, where,
              f"{selector.entity} has no numeric field {field!r} (one of {', '.join(allowed)})")
    elif operation == Operation.SHIFT_YEARS and (selector.entity, field) not in SHIFTABLE:
        c.add("scenario", scenario, where, "shift_years applies to phase online_year only")
    elif has_years and selector.entity != "phase" and not is_time_series(selector.entity, field):
        c.add("scenario", scenario, where,
              f"{selector.entity} {field} does not vary by year; remove the year range")
    if selector.entity != "settings" and not resolve(c.model, selector):
        c.add("scenario", scenario, where, f"{selector_text!r} matches nothing in this model")


def _uncertainties(c: _Checker, s: Scenario) -> None:
    names = [u.name for u in s.uncertainties]
    for name, count in Counter(names).items():
        if count > 1:
            c.add("scenario", s.name, f"uncertainty {name}", "uncertainty names must be unique")
    for u in s.uncertainties:
        where = f"uncertainty {u.name}"
        _target(c, s.name, where, u.selector, u.field, u.operation)
        if u.field in FIXED_UNDER_UNCERTAINTY:
            c.add("scenario", s.name, where,
                  f"{u.field} cannot be uncertain (it shapes the arrays); use scenarios instead")
        for message in distributions.problems(u.distribution):
            c.add("scenario", s.name, where, message)
    pairs: Counter[frozenset[str]] = Counter(frozenset((x.first, x.second))
                                             for x in s.correlations)
    for corr in s.correlations:
        where = f"correlation {corr.first}~{corr.second}"
        if not (isinstance(corr.rank_correlation, int | float)
                and -1 < corr.rank_correlation < 1):
            c.add("scenario", s.name, where, "rank correlation must lie strictly between -1 and 1")
        if corr.first == corr.second:
            c.add("scenario", s.name, where, "an uncertainty cannot be correlated with itself")
        elif pairs[frozenset((corr.first, corr.second))] > 1:
            pairs[frozenset((corr.first, corr.second))] = 0  # said once per pair
            c.add("scenario", s.name, where, "this pair is correlated more than once")
    _correlations(c, s)


def _correlations(c: _Checker, s: Scenario) -> None:
    """Correlations as the run draws them: the chain's, merged (a child may correlate what it
    inherits, or redefine a correlated uncertainty)."""
    if _has_cycle(c.model, s):
        return
    chain = [s]
    while chain[-1].parent is not None \
            and (parent := c.model.scenario(chain[-1].parent)) is not None:
        chain.append(parent)
    uncertainties, correlations = merged_uncertainties(chain[::-1])
    by_name = {u.name: u for u in uncertainties}
    own = {frozenset((corr.first, corr.second)) for corr in s.correlations}
    fine = True
    for corr in correlations:
        where = f"correlation {corr.first}~{corr.second}"
        inherited = "" if frozenset((corr.first, corr.second)) in own else " (inherited)"
        for name in dict.fromkeys((corr.first, corr.second)):
            if name not in by_name:
                c.add("scenario", s.name, where,
                      f"uncertainty {name!r} does not exist{inherited}")
                fine = False
            elif by_name[name].per_entity:
                c.add("scenario", s.name, where, f"uncertainty {name!r} is drawn per entity; "
                      f"correlate shared ones only{inherited}")
                fine = False
        if not (isinstance(corr.rank_correlation, int | float)
                and -1 < corr.rank_correlation < 1) or corr.first == corr.second:
            fine = False
    if correlations and fine and contradictory(target_matrix(correlations)[1]):
        c.add("scenario", s.name, "correlations",
              "the correlations contradict each other (matrix not positive definite)")
