"""Import a scenario into a model: resolve every reference first, report, then apply or not.

The report is the contract with the user: what applies, what cannot be resolved and why, and
whether the name clashes. Nothing in the model changes until ``apply_import`` is called.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from desktop_app.core.model import Model, Scenario
from desktop_app.core.validation import Problem, scenario_problems


class ImportRefused(ValueError):
    """Applying was refused (unresolved items without partial, or a name clash)."""


@dataclass(slots=True)
class ImportReport:
    scenario: Scenario  # as read from the file
    target_name: str
    clash: bool  # a scenario of target_name already exists
    replace: bool
    applicable: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    parent_missing: bool = False
    parent_message: str = ""
    _problems: list[Problem] = field(default_factory=list, repr=False)
    _model: Model | None = field(default=None, repr=False)  # what a partial import checks

    @property
    def ok(self) -> bool:
        return not self.unresolved and not self.parent_missing and (not self.clash or self.replace)

    def text(self) -> str:
        s = self.scenario
        lines = [f"Scenario {s.name!r} → {self.target_name!r}: {len(s.overrides)} override(s), "
                 f"{len(s.uncertainties)} uncertainty(ies), {len(s.correlations)} correlation(s)"]
        if self.clash:
            lines.append(f"  name clash: {self.target_name!r} exists and will be "
                         + ("replaced" if self.replace else "kept (use --as NAME or --replace)"))
        if self.parent_missing:
            lines.append(f"  unresolved: {report_parent(self)}")
        lines += [f"  applies:    {item}" for item in self.applicable]
        lines += [f"  unresolved: {item}" for item in self.unresolved]
        return "\n".join(lines)


def report_parent(report: ImportReport) -> str:
    return f"parent {report.scenario.parent!r}: {report.parent_message}"


def _describe_override(s: Scenario, index: int) -> str:
    o = s.overrides[index]
    years = "" if o.year_from is None and o.year_to is None else \
        f" in {o.year_from or '…'}–{o.year_to or '…'}"
    return f"override {index + 1}: {o.selector} {o.field} {o.operation} {o.value:g}{years}"


def plan_import(model: Model, scenario: Scenario, as_name: str | None = None,
                replace: bool = False) -> ImportReport:
    """Check ``scenario`` against ``model`` without changing either."""
    target = as_name or scenario.name
    candidate = copy.copy(scenario)
    candidate.name = target
    problems = scenario_problems(model, candidate)
    report = ImportReport(scenario, target, model.scenario(target) is not None, replace,
                          _problems=problems)
    by_item: dict[str, list[str]] = {}
    for p in problems:
        if p.field == "parent":
            report.parent_missing = True
            report.parent_message = p.message
        by_item.setdefault(_culprit(scenario, p.field), []).append(p.message)
    for i in range(len(scenario.overrides)):
        _sort(report, f"override {i + 1}", _describe_override(scenario, i), by_item)
    for u in scenario.uncertainties:
        _sort(report, f"uncertainty {u.name}",
              f"uncertainty {u.name}: {u.selector} {u.field} ~ {u.distribution}", by_item)
    for c in scenario.correlations:
        key = f"correlation {c.first}~{c.second}"
        _sort(report, key, f"{key} = {c.rank_correlation:g}", by_item)
    for key, messages in by_item.items():  # the rest: the correlation matrix, inherited items
        if key not in _items(scenario) and key != "parent":
            report.unresolved += [f"{key}: {m}" for m in messages]
    report._model = model
    return report


def _items(scenario: Scenario) -> set[str]:
    """The keys validation gives the scenario's own overrides, uncertainties, correlations."""
    return ({f"override {i + 1}" for i in range(len(scenario.overrides))}
            | {f"uncertainty {u.name}" for u in scenario.uncertainties}
            | {f"correlation {c.first}~{c.second}" for c in scenario.correlations})


def _culprit(scenario: Scenario, key: str) -> str:
    """A problem of an inherited correlation comes from this scenario's own uncertainty of one
    of its names (redefined, say, per entity): blame that item, which a partial import drops."""
    if key.startswith("correlation ") and key not in _items(scenario):
        own = {u.name for u in scenario.uncertainties}
        names = key.removeprefix("correlation ").split("~")
        for name in names:
            if name in own:
                return f"uncertainty {name}"
    return key


def _sort(report: ImportReport, key: str, description: str, by_item: dict[str, list[str]]
          ) -> None:
    if key in by_item:
        report.unresolved.append(f"{description} — {'; '.join(by_item[key])}")
    else:
        report.applicable.append(description)


def imported_scenario(report: ImportReport, partial: bool = False) -> Scenario:
    """The scenario an import adds, without adding it (the desktop app adds it as an undoable
    edit); raises ``ImportRefused`` when ``apply_import`` would refuse."""
    if report.clash and not report.replace:
        raise ImportRefused(f"a scenario named {report.target_name!r} exists; import it under "
                            "another name or replace it")
    if (report.unresolved or report.parent_missing) and not partial:
        raise ImportRefused(f"{len(report.unresolved) + report.parent_missing} item(s) cannot "
                            "be resolved in this model; nothing was imported")
    imported = _resolved_part(report) if partial else copy.deepcopy(report.scenario)
    imported.name = report.target_name
    return imported


def apply_import(model: Model, report: ImportReport, partial: bool = False) -> Scenario:
    """Add (or replace) the scenario; with ``partial`` drop what cannot be resolved."""
    imported = imported_scenario(report, partial)
    existing = model.scenario(report.target_name)
    if existing is not None:
        model.scenarios[model.scenarios.index(existing)] = imported
    else:
        model.scenarios.append(imported)
    return imported


def _resolved_part(report: ImportReport) -> Scenario:
    """The scenario less every item that cannot be resolved — and less whatever still fails
    once those are gone (a correlation of a dropped input, a correlation matrix that only the
    whole would keep consistent), so what a partial import adds always validates."""
    s = copy.deepcopy(report.scenario)
    if report.parent_missing:
        s.parent = None
    problems = report._problems
    for _ in range(len(s.overrides) + len(s.uncertainties) + len(s.correlations) + 1):
        bad = {_culprit(s, p.field) for p in problems}
        if "correlations" in bad:  # the matrix contradicts itself: keep the parent's alone
            bad |= {f"correlation {c.first}~{c.second}" for c in s.correlations}
        before = (len(s.overrides), len(s.uncertainties), len(s.correlations))
        s.overrides = [o for i, o in enumerate(s.overrides) if f"override {i + 1}" not in bad]
        s.uncertainties = [u for u in s.uncertainties if f"uncertainty {u.name}" not in bad]
        s.correlations = [c for c in s.correlations
                          if f"correlation {c.first}~{c.second}" not in bad]
        if report._model is None or before == (len(s.overrides), len(s.uncertainties),
                                                len(s.correlations)):
            break
        candidate = copy.copy(s)
        candidate.name = report.target_name
        problems = scenario_problems(report._model, candidate)
    return s
