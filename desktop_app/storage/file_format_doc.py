"""``docs/file-format.md``, written from the field table and the schema.

The document describing the ``.atlas`` format is generated so that it cannot drift from what
the code reads and writes: ``tests/core/test_fields.py`` fails when the checked-in file differs
from ``render()``. Regenerate with ``python -m desktop_app.storage.file_format_doc``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop_app.core import fields as field_table
from desktop_app.core import units
from desktop_app.core.fields import Field
from desktop_app.storage.schema import (
    APPLICATION_ID,
    OTHER_TABLES,
    ROW_TABLES,
    SCHEMA_VERSION,
    SKIPPED_FIELDS,
)

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "file-format.md"
TITLES = {"region": "Regions", "accelerator": "Accelerators", "site": "Sites",
          "phase": "Phases", "supply_line": "Supply lines", "scenario": "Scenarios",
          "settings": "Settings"}
TABLE_OF = {t.KIND: name for name, t in ROW_TABLES.items()}
TABLE_OF.update({"scenario": "scenarios", "settings": "settings"})


def typed_as(f: Field) -> str:
    """How the field is typed in an editor or a spreadsheet cell, and how it is stored."""
    unit = f.unit
    if isinstance(unit, units.Number):
        if unit.percent:
            if unit.signed:  # a price change of -5 %/yr is stored as -0.05
                return "percent (-5 or -5 %), stored as a fraction (-5 % is -0.05)"
            return "percent (35 or 35 %), stored as a fraction 0–1"
        spellings = [s for s in (unit.label, *unit.scales) if s]
        text = "money (30000, $30k, $3.4M)" if unit.money else "whole number" \
            if unit.integer else "number"
        if unit.money and unit.label and unit.label != "USD":
            text += f" in {unit.label}"
        elif spellings and not unit.money:
            text += f" in {spellings[0]}" + (f" (also {', '.join(spellings[1:])})"
                                             if len(spellings) > 1 else "")
        return text
    if isinstance(unit, units.Choice):
        return "one of " + ", ".join(f"`{m.value}`" for m in unit.enum)
    if isinstance(unit, units.Reference):
        noun = unit.target.replace("_", " ")
        return f"the key of {'an' if noun[0] in 'aeiou' else 'a'} {noun}"
    if isinstance(unit, units.Quarter):
        return "quarter 1–4 (or Q1–Q4)"
    if isinstance(unit, units.YesNo):
        return "yes or no"
    if isinstance(unit, units.Text):
        return "text, required (the row's key)" if unit.required else "text"
    return "text"


# Bounds validation checks outside the field table's ``check`` (a supply line's capacity is a
# year → value mapping, checked per year by ``validation._supply_lines``).
ALLOWED_ELSEWHERE = {("supply_line", "capacity_by_year"): "≥ 0, years within base year–horizon"}


def allowed(f: Field) -> str:
    if (f.entity, f.name) in ALLOWED_ELSEWHERE:
        return ALLOWED_ELSEWHERE[(f.entity, f.name)]
    if f.check == "share":
        return "0–100 %"
    if f.check == "year":
        return "within base year–horizon"
    if f.check != "number":
        return ""
    percent = isinstance(f.unit, units.Number) and f.unit.percent

    def shown(bound: float) -> str:
        if percent:
            return f"{bound * 100:g} %"
        return f"{int(bound):,}" if float(bound).is_integer() and abs(bound) >= 1e4 \
            else f"{bound:g}"

    low = "" if f.low is None else (f"> {shown(f.low)}" if f.low_open else f"≥ {shown(f.low)}")
    high = "" if f.high is None else f"≤ {shown(f.high)}"
    return ", ".join(p for p in (low, high) if p)


def scenario_use(f: Field) -> str:
    if not f.engine:
        return ""
    uses = ["override"] + (["draw"] if f.drawable else []) + (["shift"] if f.shiftable else [])
    return ", ".join(uses)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _refuses_blank(f: Field) -> bool:
    """Whether an editor or a CSV cell refuses the field blank (what its unit says)."""
    try:
        f.unit.parse("")
    except units.InputError:
        return True
    return False


def _stored(f: Field) -> str:
    """The description, saying where a field that is no column of its row table is kept."""
    if f.entity == "supply_line" and f.name in SKIPPED_FIELDS:
        return f"{f.doc} (stored in `supply_capacity`, one row per year)".lstrip()
    return f.doc


def entity_section(entity: str) -> list[str]:
    lines = [f"## {TITLES[entity]} (`{TABLE_OF[entity]}`)", "",
             "| field | typed as | allowed | blank means | by period | scenario | CSV column |"
             " description |",
             "|---|---|---|---|---|---|---|---|"]
    for f in field_table.of(entity):
        blank = f.default or ("required" if _refuses_blank(f) else "")
        csv = f"`{f.csv}`" if f.csv else ""
        lines.append("| " + " | ".join(_cell(c) for c in (
            f"`{f.name}`", typed_as(f), allowed(f), blank, "yes" if f.per_period else "",
            scenario_use(f), csv, _stored(f))) + " |")
    return [*lines, ""]


def render() -> str:
    lines = [
        "# The `.atlas` file format",
        "",
        "<!-- Generated from desktop_app/core/fields.py and desktop_app/storage/schema.py by",
        "     `python -m desktop_app.storage.file_format_doc`; edit those, not this file. -->",
        "",
        "A Compute Atlas document is one SQLite 3 database. `PRAGMA application_id` is "
        f"`0x{APPLICATION_ID:08X}` (\"ATLS\") and `PRAGMA user_version` is the schema version, "
        f"now **{SCHEMA_VERSION}**. Older versions are migrated forward on open (in memory; "
        "the file is rewritten only when saved); newer versions are refused.",
        "",
        "Row tables (`" + "`, `".join(ROW_TABLES) + "`) hold one row per entity, with a "
        "`position` column that keeps the user's order. Entities refer to each other by their "
        "human keys (a region's `code`, an accelerator's, site's or scenario's `name`). "
        "Money is USD of the document's currency year; shares are stored as fractions 0–1 "
        "and typed and shown as percentages.",
        "",
        "Other tables: " + ", ".join(f"`{t}` ({', '.join(c)})" for t, c in OTHER_TABLES.items())
        + ". Settings are `key`/`value` rows whose value is JSON; a supply line's capacity "
        "per year is in `supply_capacity` (`line` is the line's position); a scenario's "
        "overrides, uncertainties and "
        "correlations point at the scenario by its position.",
        "",
        "Columns: **typed as** is what an editor cell or a CSV cell accepts; **by period** "
        "fields can be overridden for a year range; **scenario** says whether a scenario "
        "override may change the field, a Monte Carlo uncertainty may draw it, and whether "
        "`shift_years` applies; **CSV column** is the target name in a site import "
        "(`compute-atlas import-sites`).",
        "",
    ]
    for entity in field_table.ENTITIES:
        lines += entity_section(entity)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    path = Path(argv[0]) if argv else DOC_PATH
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
