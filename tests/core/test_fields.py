"""The field table is the one description of every field: what reads it must agree with it."""

from __future__ import annotations

import dataclasses
import math

import pytest

from desktop_app.core import fields, units
from desktop_app.core.engine.arrays import STATIC, TIME_SERIES, compile_model, targetable
from desktop_app.core.model import Accelerator, Phase, Region, Scenario, Settings, Site, SupplyLine
from desktop_app.core.sample_model import build_sample_model
from desktop_app.core.site_import import LABELS, SYNONYMS, TARGETS, detect_mapping
from desktop_app.core.validation import validate
from desktop_app.storage import file_format_doc

ENTITY_TYPES = {"region": Region, "accelerator": Accelerator, "site": Site, "phase": Phase,
                "supply_line": SupplyLine, "scenario": Scenario, "settings": Settings}
# Scenario children (overrides, uncertainties, correlations) are edited in their own views.
NOT_FIELDS = {"uid", "overrides", "uncertainties", "correlations"}


@pytest.mark.parametrize("entity", fields.ENTITIES)
def test_every_attribute_has_exactly_one_entry(entity: str) -> None:
    attributes = [f.name for f in dataclasses.fields(ENTITY_TYPES[entity])
                  if f.name not in NOT_FIELDS]
    described = [f.name for f in fields.of(entity)]
    assert sorted(described) == sorted(attributes)
    assert len(set(described)) == len(described)


def test_the_docs_page_is_generated_from_the_table() -> None:
    on_disk = file_format_doc.DOC_PATH.read_text(encoding="utf-8")
    assert on_disk == file_format_doc.render(), (
        "docs/file-format.md is stale: run python -m desktop_app.storage.file_format_doc")


def test_the_docs_page_names_every_field_and_its_bounds() -> None:
    text = file_format_doc.render()
    for f in fields.FIELDS:
        assert f"`{f.name}`" in text
    assert "| `hours_per_year` | number in h (also hours) | > 0, ≤ 8784 |" in text


def test_engine_fields_are_compiled_with_their_shape() -> None:
    arrays = compile_model(build_sample_model())
    periods = arrays.periods.count
    for f in fields.FIELDS:
        if not f.engine or f.entity == "settings":
            continue
        column = arrays.tables[f.entity].fields[f.name]
        assert column.ndim == (2 if f.per_period else 1), f.name
        if f.per_period:
            assert column.shape[1] == periods
    assert set(arrays.settings) == {f.name for f in fields.of("settings") if f.engine}


def test_targetable_lists_the_engine_fields_only() -> None:
    for entity in fields.ROW_ENTITIES:
        expected = {f.name for f in fields.of(entity) if f.engine}
        assert set(targetable(entity)) == expected
        assert set(TIME_SERIES[entity]) | set(STATIC[entity]) == expected


def _below(f: fields.Field) -> float:
    assert f.low is not None
    return f.low if f.low_open else f.low - 1


BOUNDED = [f for f in fields.FIELDS if f.check == "number" and f.low is not None
           and f.entity in ("region", "accelerator", "site", "phase", "settings")]


@pytest.mark.parametrize("f", BOUNDED, ids=lambda f: f"{f.entity}.{f.name}")
def test_a_value_below_the_bound_is_a_problem_on_that_field(f: fields.Field) -> None:
    model = build_sample_model()
    row = model.settings if f.entity == "settings" else model.collection(f.entity)[0]
    value = _below(f)
    if getattr(f.unit, "integer", False):
        value = math.floor(value)
    setattr(row, f.name, value)
    found = [p for p in validate(model) if p.entity == f.entity and p.field == f.name]
    assert found, f"{f.entity}.{f.name} = {value} passed validation"
    assert (f.says or "must be") in found[0].message


@pytest.mark.parametrize("f", [f for f in fields.FIELDS if f.check == "share"],
                         ids=lambda f: f"{f.entity}.{f.name}")
def test_a_share_above_one_is_worded_in_percent(f: fields.Field) -> None:
    model = build_sample_model()
    row = model.settings if f.entity == "settings" else model.collection(f.entity)[0]
    setattr(row, f.name, 1.5)
    found = [p for p in validate(model) if p.entity == f.entity and p.field == f.name]
    assert found and "150 %" in found[0].message


def test_the_sample_model_is_valid_under_the_table() -> None:
    assert validate(build_sample_model()) == []


def test_a_required_reference_must_exist() -> None:
    model = build_sample_model()
    model.sites[0].accelerator = "Nope"
    model.phases[0].site = "Nowhere"
    problems = {(p.entity, p.field, p.message) for p in validate(model)}
    assert ("site", "accelerator", "accelerator 'Nope' does not exist") in problems
    assert ("phase", "site", "site 'Nowhere' does not exist") in problems


def test_csv_targets_come_from_the_table() -> None:
    assert tuple(f.csv for f in fields.CSV_FIELDS) == TARGETS
    for target in TARGETS:
        assert LABELS[target]
        assert detect_mapping([LABELS[target]]) == {LABELS[target]: target} \
            or _norm_equals_synonym(target)


def _norm_equals_synonym(target: str) -> bool:
    return any(detect_mapping([word]) == {word: target} for word in SYNONYMS[target])


def test_unknown_fields_read_as_text() -> None:
    assert fields.unit_of("site", "no_such_field") is units.TEXT
    assert fields.parse("site", "operator", "  Acme ") == "Acme"
    assert fields.parse("phase", "capacity_mw", "1.2 GW") == 1200


def test_the_online_year_doc_agrees_with_validation() -> None:
    """The tooltip and the docs page said years before the base year are capacity that
    exists, but validation refuses them (the window is base year–horizon)."""
    model = build_sample_model()
    model.phases[0].online_year = model.settings.base_year - 1
    assert [p.message for p in validate(model) if p.field == "online_year"]
    doc = fields.BY_KEY[("phase", "online_year")].doc
    assert "before the base year" not in doc
    assert "within the base year" in doc or "base year–horizon" in doc


@pytest.mark.parametrize("f", [f for f in fields.FIELDS if getattr(f.unit, "percent", False)],
                         ids=lambda f: f"{f.entity}.{f.name}")
def test_the_docs_say_how_a_signed_percent_is_stored(f: fields.Field) -> None:
    """A price change of −5 %/yr is stored as −0.05: "a fraction 0–1" is true of shares only."""
    text = file_format_doc.typed_as(f)
    if f.unit.signed:  # type: ignore[attr-defined]
        assert "0–1" not in text
    assert "fraction" in text


def test_the_docs_give_the_supply_capacity_bounds_validation_checks() -> None:
    capacity = fields.BY_KEY[("supply_line", "capacity_by_year")]
    assert "≥ 0" in file_format_doc.allowed(capacity)
    model = build_sample_model()
    model.supply_lines[0].capacity_by_year = {model.settings.base_year: -1.0}
    assert [p for p in validate(model) if p.field == "capacity_by_year"]


def test_the_generator_names_the_test_that_keeps_the_page_current() -> None:
    doc = file_format_doc.__doc__ or ""
    assert "tests/core/test_fields.py" in doc


@pytest.mark.parametrize("module", [fields, file_format_doc], ids=lambda m: m.__name__)
def test_files_the_docstrings_point_to_exist(module: object) -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    named = re.findall(r"``((?:docs|tests|desktop_app)/[\w./-]+)``", module.__doc__ or "")
    assert named
    assert [p for p in named if not (root / p).exists()] == []


def test_the_docs_say_where_supply_capacity_is_stored() -> None:
    """``capacity_by_year`` is no column of ``supply_lines``: its rows are in
    ``supply_capacity``, whose ``line`` is the line's position (as the codec writes it)."""
    from desktop_app.storage.schema import SKIPPED_FIELDS

    assert "capacity_by_year" in SKIPPED_FIELDS
    text = file_format_doc.render()
    row = next(line for line in text.splitlines() if line.startswith("| `capacity_by_year`"))
    assert "`supply_capacity`" in row
    assert "`line` is the line's position" in text


@pytest.mark.parametrize("f", fields.FIELDS, ids=lambda f: f"{f.entity}.{f.name}")
def test_the_docs_say_required_of_every_field_that_refuses_a_blank(f: fields.Field) -> None:
    """"blank means" said nothing for a site's region, a base year or Monte Carlo samples,
    which an editor or a CSV cell refuses blank as it does a PUE."""
    try:
        f.unit.parse("")
    except units.InputError:
        refused = True
    else:
        refused = False
    row = next(line for line in file_format_doc.entity_section(f.entity)
               if line.startswith(f"| `{f.name}` |"))
    blank = row.split(" | ")[3]
    if refused:
        assert blank == "required", row
    else:
        assert blank != "required", row
