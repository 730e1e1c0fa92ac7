"""The ``.atlas`` schema: identity pragmas, tables, and how model fields map to columns.

Row tables mirror the domain dataclasses field for field (``uid`` excepted, ``position`` added to
keep the user's order), so adding a field to an entity is a migration plus nothing else here;
the schema version is the migrations' (``storage.migrations.SCHEMA_VERSION``).
"""

from __future__ import annotations

import typing
from dataclasses import fields

from desktop_app.core.model import Accelerator, Phase, Region, Site, SupplyLine
from desktop_app.storage.migrations import SCHEMA_VERSION as SCHEMA_VERSION  # re-exported

APPLICATION_ID = 0x41544C53  # "ATLS"
SQLITE_HEADER = b"SQLite format 3\x00"

# Tables whose rows are one dataclass each, in write order.
RowEntity = Region | Accelerator | Site | Phase | SupplyLine
ROW_TABLES: dict[str, type[RowEntity]] = {
    "regions": Region,
    "accelerators": Accelerator,
    "sites": Site,
    "phases": Phase,
    "supply_lines": SupplyLine,
}
SKIPPED_FIELDS = {"uid", "capacity_by_year"}


def row_columns(entity_type: type) -> dict[str, type]:
    """Column name → Python type for a row table (enums and text as str)."""
    hints = typing.get_type_hints(entity_type)
    columns: dict[str, type] = {"position": int}
    for f in fields(entity_type):
        if f.name in SKIPPED_FIELDS:
            continue
        hint = hints[f.name]
        base = next((t for t in typing.get_args(hint) if t is not type(None)), hint)
        columns[f.name] = base if base in (int, float) else str
    return columns


# Child rows point at their parent by the parent's position (keys may be duplicated while a
# model is being edited, and an invalid model must still save and reopen unchanged).
OTHER_TABLES: dict[str, dict[str, type]] = {
    "settings": {"key": str, "value": str},
    "supply_capacity": {"line": int, "year": int, "units_per_year": float},
    "scenarios": {"position": int, "name": str, "description": str, "parent": str},
    "overrides": {
        "scenario": int, "position": int, "selector": str, "field": str, "operation": str,
        "value": float, "year_from": int, "year_to": int, "note": str,
    },
    "uncertainties": {
        "scenario": int, "position": int, "name": str, "selector": str, "field": str,
        "kind": str, "params": str, "operation": str, "per_entity": int,
    },
    "correlations": {
        "scenario": int, "position": int, "first": str, "second": str,
        "rank_correlation": float,
    },
}


def all_tables() -> dict[str, dict[str, type]]:
    tables = {name: row_columns(t) for name, t in ROW_TABLES.items()}
    tables.update(OTHER_TABLES)
    return tables
