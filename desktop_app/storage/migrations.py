"""Stepwise schema upgrades, applied to an in-memory copy when an older file is opened.

Each step takes a database at version ``n`` to ``n + 1``; the original file is only rewritten
(at the current version) when the user saves. The schema version is one past the last step, so
adding a step here is the whole version bump; keep a fixture of the old version in
``tests/fixtures``.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils


def _v1_to_v2(db: sqlite_utils.Database) -> None:
    """v2 added export-control levers to regions, logic-wafer yields to accelerators and a
    per-site accelerator density."""
    # db.table(), not db[...]: the latter may also be a View, which has no add_column.
    regions = db.table("regions")
    regions.add_column("supply_cap_units_per_year", float)  # NULL: uncapped
    regions.add_column("allocation_priority", int, not_null_default=0)
    accelerators = db.table("accelerators")
    accelerators.add_column("units_per_logic_wafer", float, not_null_default=30.0)
    db.table("sites").add_column("accelerators_per_mw", float)  # NULL: from the accelerator's power


def _v2_to_v3(db: sqlite_utils.Database) -> None:
    """v3 added the chip TDP to accelerators. Older files only know the all-in power, so the
    chip's share is estimated with Epoch's server-to-chip factor for H100-class servers
    (~1.82 all-in kW per kW of TDP); a strategist with the datasheet figure types it in."""
    db.table("accelerators").add_column("chip_tdp_kw", float)
    # Rounded to the watt, unless that rounds a tiny but valid power to 0 kW, which v3 refuses.
    db.execute("UPDATE accelerators SET chip_tdp_kw = CASE "
               "WHEN ROUND(power_kw / 1.82, 3) > 0 THEN ROUND(power_kw / 1.82, 3) "
               "ELSE power_kw / 1.82 END "
               "WHERE typeof(power_kw) IN ('real', 'integer')")


STEPS: dict[int, Callable[[sqlite_utils.Database], None]] = {1: _v1_to_v2, 2: _v2_to_v3}
SCHEMA_VERSION = max(STEPS) + 1  # what this version writes


def migrate(db: sqlite_utils.Database, from_version: int) -> int:
    """Upgrade ``db`` in place to ``SCHEMA_VERSION``; returns the version it started from."""
    version = from_version
    with db.atomic():
        while version < SCHEMA_VERSION:
            STEPS[version](db)
            version += 1
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return from_version
