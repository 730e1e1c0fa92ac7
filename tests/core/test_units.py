"""Field-level input: units are understood, nonsense is refused with a reason, text round-trips."""

from __future__ import annotations

import math

import pytest

from desktop_app.core import fields
from desktop_app.core.model import SiteStatus, SupplyKind
from desktop_app.core.units import InputError


@pytest.mark.parametrize(("kind", "field", "text", "expected"), [
    ("phase", "capacity_mw", "1.2 GW", 1200.0),
    ("phase", "capacity_mw", "1,200", 1200.0),
    ("phase", "capacity_mw", "500 kW", 0.5),
    ("phase", "capacity_mw", " 300 MW ", 300.0),
    ("accelerator", "unit_price_usd", "$3.4M", 3_400_000.0),
    ("accelerator", "unit_price_usd", "30k", 30_000.0),
    ("accelerator", "unit_price_usd", "1.2B", 1_200_000_000.0),
    ("phase", "facility_capex_usd_per_mw", "$11.7M/MW", 11_700_000.0),
    ("phase", "facility_capex_usd_per_mw", "", None),
    ("site", "utilisation", "35 %", 0.35),
    ("site", "utilisation", "35", 0.35),
    ("site", "utilisation", "150%", 1.5),  # well-formed; validation flags it
    ("accelerator", "price_change_per_year", "-20 %/yr", -0.2),
    ("phase", "online_year", "2027", 2027),
    ("phase", "online_quarter", "Q3", 3),
    ("phase", "lead_time_years", "18 months", 1.5),
    ("site", "status", "under construction", SiteStatus.UNDER_CONSTRUCTION),
    ("site", "status", "Operational", SiteStatus.OPERATIONAL),
    ("supply_line", "kind", "HBM", SupplyKind.HBM),
    ("supply_line", "capacity_by_year", "120k", 120_000.0),
    ("scenario", "parent", "", None),
    ("accelerator", "power_kw", "1300 W", 1.3),
])
def test_parses_units(kind, field, text, expected):
    value = fields.parse(kind, field, text)
    if isinstance(expected, float):
        assert math.isclose(value, expected)
    else:
        assert value == expected


@pytest.mark.parametrize(("kind", "field", "text", "reason"), [
    ("phase", "capacity_mw", "abc", "not a number"),
    ("phase", "capacity_mw", "-5", "cannot be negative"),
    ("phase", "capacity_mw", "NaN", "not a finite number"),
    ("phase", "capacity_mw", "inf", "not a finite number"),
    ("phase", "capacity_mw", "1.2 GB", "not in MW"),
    ("phase", "capacity_mw", "", "a value is required"),
    ("phase", "online_year", "2027.5", "whole number"),
    ("phase", "online_quarter", "Q5", "not a quarter"),
    ("site", "status", "maybe", "not one of"),
    ("site", "name", "  ", "cannot be empty"),
    ("site", "notes", "a\tb", "tabs"),
    ("site", "utilisation", "0.7 GW", "not a percentage"),
    ("phase", "capacity_mw", "$5", "is money"),
    ("phase", "capacity_mw", "5 USD", "is money"),
    ("phase", "capacity_mw", "1,5 GW", "commas separate thousands"),
    ("phase", "capacity_mw", "1e9999999", "too large"),
])
def test_refuses_with_reason(kind, field, text, reason):
    with pytest.raises(InputError, match=reason):
        fields.parse(kind, field, text)


@pytest.mark.parametrize(("kind", "field", "value", "shown"), [
    ("phase", "capacity_mw", 1200.0, "1,200"),
    ("phase", "capacity_mw", 122.5, "122.5"),
    ("accelerator", "unit_price_usd", 30_000, "$30,000"),
    ("settings", "default_facility_capex_usd_per_mw", 11_700_000.0, "$11.7M"),
    ("site", "utilisation", 0.75, "75 %"),
    ("phase", "online_year", 2027, "2027"),
    ("phase", "online_quarter", 2, "Q2"),
    ("site", "pue", None, "default"),
    ("site", "status", SiteStatus.UNDER_CONSTRUCTION, "Under construction"),
])
def test_display(kind, field, value, shown):
    assert fields.unit_of(kind, field).display(value) == shown


@pytest.mark.parametrize(("kind", "field", "value"), [
    ("phase", "capacity_mw", 122.5), ("phase", "capacity_mw", 1 / 3),
    ("accelerator", "unit_price_usd", 31_234.56), ("accelerator", "unit_price_usd", 3e6),
    ("site", "utilisation", 0.07), ("site", "utilisation", 0.123456789),
    ("accelerator", "price_change_per_year", -0.2), ("site", "pue", None),
    ("phase", "facility_capex_usd_per_mw", 11_734_567.5),
])
def test_edit_text_round_trips(kind, field, value):
    unit = fields.unit_of(kind, field)
    back = unit.parse(unit.edit_text(value))
    assert back == value or math.isclose(back, value, rel_tol=1e-12)


def test_sort_key_orders_mixed_values():
    unit = fields.unit_of("site", "pue")
    values = [1.3, None, "oops", 1.1]
    assert sorted(values, key=unit.sort_key) == [1.1, 1.3, "oops", None]
