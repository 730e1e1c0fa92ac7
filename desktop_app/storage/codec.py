"""Model ↔ table rows. Reading is permissive on purpose: odd values reach the model as they
are and the validator names them, so an invalid document still opens and can be repaired."""

from __future__ import annotations

import json
import typing
from dataclasses import fields
from enum import Enum
from typing import Any

from desktop_app.core.model import (
    Correlation,
    Distribution,
    ITCapexTiming,
    Model,
    Operation,
    Override,
    PeriodKind,
    Scenario,
    Settings,
    SupplyLine,
    Uncertainty,
)
from desktop_app.storage.schema import ROW_TABLES, row_columns

Rows = dict[str, list[tuple]]


def _settings_rows(settings: Settings) -> list[tuple]:
    return [(f.name, json.dumps(getattr(settings, f.name))) for f in fields(Settings)]


def model_to_rows(model: Model) -> Rows:
    """Every table's rows as tuples in the column order of ``schema``."""
    rows: Rows = {"settings": _settings_rows(model.settings)}
    for table, entity_type in ROW_TABLES.items():
        names = list(row_columns(entity_type))[1:]
        rows[table] = [
            (i, *(_plain(getattr(item, n)) for n in names))
            for i, item in enumerate(model.collection(entity_type.KIND))
        ]
    rows["supply_capacity"] = [
        (i, year, units)
        for i, line in enumerate(model.supply_lines)
        for year, units in sorted(line.capacity_by_year.items(), key=lambda kv: str(kv[0]))
    ]
    rows["scenarios"] = [
        (i, s.name, s.description, s.parent) for i, s in enumerate(model.scenarios)
    ]
    rows["overrides"] = [
        (i, j, o.selector, o.field, _plain(o.operation), o.value, o.year_from, o.year_to, o.note)
        for i, s in enumerate(model.scenarios) for j, o in enumerate(s.overrides)
    ]
    rows["uncertainties"] = [
        (i, j, u.name, u.selector, u.field, u.distribution.kind,
         json.dumps(list(u.distribution.params)), _plain(u.operation), int(u.per_entity))
        for i, s in enumerate(model.scenarios) for j, u in enumerate(s.uncertainties)
    ]
    rows["correlations"] = [
        (i, j, c.first, c.second, c.rank_correlation)
        for i, s in enumerate(model.scenarios) for j, c in enumerate(s.correlations)
    ]
    return rows


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") and not isinstance(value, int | float) else value


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def rows_to_model(rows: dict[str, list[dict[str, Any]]]) -> Model:
    """Build a model from rows read as dicts (missing tables read as empty)."""
    model = Model(settings=_settings(rows.get("settings", [])))
    for table, entity_type in ROW_TABLES.items():
        target = model.collection(entity_type.KIND)
        hints = typing.get_type_hints(entity_type)
        names = [n for n in row_columns(entity_type) if n != "position"]
        for row in sorted(rows.get(table, []), key=lambda r: r.get("position") or 0):
            values: dict[str, Any] = {}  # checked against the hints, field by field
            for n in names:
                value = row.get(n)
                hint = hints[n]
                if hint is str:
                    value = _text(value)
                elif isinstance(hint, type) and issubclass(hint, Enum):
                    value = _enum(hint, value)
                values[n] = value
            target.append(entity_type(**values))
    for row in rows.get("supply_capacity", []):
        line = _nth(model.supply_lines, row["line"])
        if isinstance(line, SupplyLine):
            line.capacity_by_year[row["year"]] = row["units_per_year"]
    for row in sorted(rows.get("scenarios", []), key=lambda r: r.get("position") or 0):
        model.scenarios.append(Scenario(
            name=_text(row["name"]), description=_text(row["description"]),
            parent=row["parent"],
        ))
    _scenario_children(model, rows)
    return model


def _nth(items: list, index: Any) -> Any:
    return items[index] if isinstance(index, int) and 0 <= index < len(items) else None


def _by_position(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r.get("scenario") or 0, r.get("position") or 0))


def _scenario_children(model: Model, rows: dict[str, list[dict[str, Any]]]) -> None:
    for row in _by_position(rows.get("overrides", [])):
        scenario = _nth(model.scenarios, row["scenario"])
        if scenario is not None:
            scenario.overrides.append(Override(
                selector=_text(row["selector"]), field=_text(row["field"]),
                operation=_enum(Operation, row["operation"]), value=row["value"],
                year_from=row["year_from"], year_to=row["year_to"], note=_text(row["note"]),
            ))
    for row in _by_position(rows.get("uncertainties", [])):
        scenario = _nth(model.scenarios, row["scenario"])
        if scenario is not None:
            scenario.uncertainties.append(Uncertainty(
                name=_text(row["name"]), selector=_text(row["selector"]),
                field=_text(row["field"]),
                distribution=Distribution(_text(row["kind"]), _params(row["params"])),
                operation=_enum(Operation, row["operation"]), per_entity=bool(row["per_entity"]),
            ))
    for row in _by_position(rows.get("correlations", [])):
        scenario = _nth(model.scenarios, row["scenario"])
        if scenario is not None:
            scenario.correlations.append(Correlation(
                _text(row["first"]), _text(row["second"]), row["rank_correlation"]))


def _enum(enum_type: type, value: Any) -> Any:
    try:
        return enum_type(value)
    except ValueError:
        return _text(value)  # the validator reports it


def _params(text: Any) -> tuple[float, ...]:
    try:
        values = json.loads(text)
    except (TypeError, ValueError):
        return (float("nan"),)
    if not isinstance(values, list):
        return (float("nan"),)
    return tuple(v if isinstance(v, int | float) else float("nan") for v in values)


def _settings(rows: list[dict[str, Any]]) -> Settings:
    settings = Settings()
    known = {f.name for f in fields(Settings)}
    for row in rows:
        if row["key"] not in known:
            continue
        try:
            value = json.loads(row["value"])
        except (TypeError, ValueError):
            value = row["value"]
        setattr(settings, row["key"], value)
    settings.period = _enum(PeriodKind, settings.period)
    settings.it_capex_timing = _enum(ITCapexTiming, settings.it_capex_timing)
    return settings
