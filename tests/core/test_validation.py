"""``core.validation``: every kind of problem ``validate`` and ``scenario_problems`` report,
each on its cell (entity, key, field) and worded as the issues panel shows it."""

from __future__ import annotations

import math

import pytest

from desktop_app.core.fields import MAX_SAMPLES, MAX_SEED
from desktop_app.core.model import (
    Accelerator,
    Correlation,
    Distribution,
    Model,
    Operation,
    Override,
    Phase,
    Region,
    Scenario,
    Settings,
    Site,
    SupplyKind,
    SupplyLine,
    Uncertainty,
)
from desktop_app.core.sample_model import build_sample_model
from desktop_app.core.validation import Problem, scenario_problems, validate

BASE, HORIZON = 2025, 2030


def small() -> Model:
    """A valid model with one row of each kind (keys US, H100, Alpha, Alpha/P1, CoWoS, Base)."""
    return Model(
        settings=Settings(base_year=BASE, horizon_year=HORIZON),
        regions=[Region(code="US", name="United States")],
        accelerators=[Accelerator(name="H100")],
        sites=[Site(name="Alpha", region="US", accelerator="H100")],
        phases=[Phase(site="Alpha", name="P1", capacity_mw=100.0, online_year=2026)],
        supply_lines=[SupplyLine(name="CoWoS", kind=SupplyKind.PACKAGING,
                                 capacity_by_year={2025: 1000.0, 2026: 2000.0})],
        scenarios=[Scenario(name="Base")],
    )


def found(model: Model) -> set[tuple[str, str, str, str]]:
    return {(p.entity, p.key, p.field, p.message) for p in validate(model)}


def on(model: Model, entity: str, field: str) -> list[str]:
    """The messages ``validate`` gives ``field`` of ``entity`` (any key)."""
    return [p.message for p in validate(model) if p.entity == entity and p.field == field]


def only(model: Model) -> tuple[str, str, str, str]:
    problems = found(model)
    assert len(problems) == 1, problems
    return next(iter(problems))


def row(model: Model, entity: str) -> object:
    return model.settings if entity == "settings" else model.collection(entity)[0]


def key(model: Model, entity: str) -> str:
    return {"settings": "", "region": "US", "accelerator": "H100", "site": "Alpha",
            "phase": "Alpha/P1", "supply_line": "CoWoS"}[entity]


# --- valid models -----------------------------------------------------------------------------

def test_the_small_model_is_valid() -> None:
    assert validate(small()) == []


def test_the_sample_model_has_no_problems() -> None:
    model = build_sample_model()
    assert validate(model) == []
    for scenario in model.scenarios:
        assert scenario_problems(model, scenario) == [], scenario.name


def test_a_problem_reads_as_entity_key_field_message() -> None:
    assert str(Problem("site", "Alpha", "pue", "PUE must be ≥ 1 (got 0.5)")) == \
        "site 'Alpha', pue: PUE must be ≥ 1 (got 0.5)"
    assert str(Problem("settings", "", "mc_seed", "must be a whole number")) == \
        "settings, mc_seed: must be a whole number"


def test_every_problem_is_reported_at_once() -> None:
    model = small()
    model.regions[0].default_pue = 0.5
    model.accelerators[0].power_kw = 0
    model.phases[0].lead_time_years = 20
    fields = {(p.entity, p.field) for p in validate(model)}
    assert fields == {("region", "default_pue"), ("accelerator", "power_kw"),
                      ("phase", "lead_time_years")}


# --- settings ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["base_year", "horizon_year", "currency_year", "mc_samples",
                                  "mc_seed"])
@pytest.mark.parametrize("value", [2026.5, "2026", True])
def test_whole_number_settings(name: str, value: object) -> None:
    model = small()
    if name == "base_year" and value == 2026.5:
        value = 2024.5  # stay before the horizon
    setattr(model.settings, name, value)
    assert "must be a whole number" in on(model, "settings", name)


@pytest.mark.parametrize("name", ["discount_rate", "hours_per_year", "supply_share_to_model",
                                  "default_facility_capex_usd_per_mw"])
def test_fractional_settings_need_no_whole_number(name: str) -> None:
    model = small()
    setattr(model.settings, name, 0.25)
    assert "must be a whole number" not in on(model, "settings", name)


@pytest.mark.parametrize("horizon", [BASE, BASE - 1])
def test_the_horizon_must_be_after_the_base_year(horizon: int) -> None:
    model = small()
    model.settings.horizon_year = horizon
    assert on(model, "settings", "horizon_year") == ["must be after the base year"]


def test_the_window_is_at_most_40_years() -> None:
    model = small()
    model.supply_lines[0].capacity_by_year = {}
    model.settings.horizon_year = BASE + 40
    assert validate(model) == []
    model.settings.horizon_year = BASE + 41
    assert only(model) == ("settings", "", "horizon_year",
                           "at most 40 years after the base year")


def test_text_years_do_not_make_every_year_check_fail() -> None:
    model = small()
    model.settings.base_year = "2025"  # type: ignore[assignment]
    assert found(model) == {("settings", "", "base_year", "must be a whole number")}


SETTING_BOUNDS = [
    # (field, fine values, refused value, message)
    ("discount_rate", [-0.5, 0, 1], -0.51, "must be ≥ -0.5 (got -0.51)"),
    ("discount_rate", [], 1.01, "must be ≤ 1 (got 1.01)"),
    ("mc_samples", [1, MAX_SAMPLES], 0, "must be ≥ 1 (got 0)"),
    ("mc_samples", [], MAX_SAMPLES + 1, f"must be ≤ {MAX_SAMPLES:g} (got {MAX_SAMPLES + 1:g})"),
    ("mc_seed", [0, MAX_SEED], -1, "must be ≥ 0 (got -1)"),
    ("default_facility_capex_usd_per_mw", [0, 1e7], -1, "must be ≥ 0 (got -1)"),
    ("hours_per_year", [0.5, 8784], 0, "must be > 0 (got 0)"),
    ("hours_per_year", [], 8785, "must be ≤ 8784 (got 8785)"),
]


@pytest.mark.parametrize(("name", "fine", "refused", "message"), SETTING_BOUNDS)
def test_setting_bounds(name: str, fine: list[float], refused: float, message: str) -> None:
    model = small()
    for value in fine:
        setattr(model.settings, name, value)
        assert validate(model) == [], (name, value)
    setattr(model.settings, name, refused)
    assert only(model) == ("settings", "", name, message)


def test_a_seed_past_the_exact_range_is_refused() -> None:
    model = small()
    model.settings.mc_seed = MAX_SEED + 1
    assert on(model, "settings", "mc_seed") == [f"must be ≤ {MAX_SEED:g} (got {MAX_SEED + 1:g})"]


def test_the_supply_share_is_worded_in_percent() -> None:
    model = small()
    model.settings.supply_share_to_model = 1.2
    assert only(model) == ("settings", "", "supply_share_to_model",
                           "must be between 0 % and 100 % (got 1.2 = 120 %)")


@pytest.mark.parametrize(("name", "message"), [
    ("period", "must be year or quarter, not 'month'"),
    ("it_capex_timing", "must be delivery or lead_time, not 'month'"),
])
def test_unknown_setting_choices(name: str, message: str) -> None:
    model = small()
    setattr(model.settings, name, "month")
    assert only(model) == ("settings", "", name, message)


# --- numbers: bounds, open bounds, optional blanks ---------------------------------------------

NUMBER_BOUNDS = [
    # (entity, field, value at the bound (fine), refused value, message)
    ("region", "electricity_price_usd_per_mwh", 0, -1, "must be ≥ 0 (got -1)"),
    ("region", "electricity_price_change_per_year", -0.99, -1, "must be > -1 (got -1)"),
    ("region", "grid_carbon_kg_per_mwh", 0, -0.1, "must be ≥ 0 (got -0.1)"),
    ("region", "default_pue", 1, 0.99, "PUE must be ≥ 1 (got 0.99)"),
    ("region", "facility_cost_multiplier", 0.01, 0, "must be > 0 (got 0)"),
    ("region", "supply_cap_units_per_year", 0, -5, "must be ≥ 0 (got -5)"),
    ("region", "allocation_priority", -1000, -1001, "must be ≥ -1000 (got -1001)"),
    ("region", "allocation_priority", 1000, 1001, "must be ≤ 1000 (got 1001)"),
    ("accelerator", "first_year", 1990, 1989, "must be ≥ 1990 (got 1989)"),
    ("accelerator", "first_year", 2100, 2101, "must be ≤ 2100 (got 2101)"),
    ("accelerator", "unit_price_usd", 0, -1, "must be ≥ 0 (got -1)"),
    ("accelerator", "price_change_per_year", -0.5, -1, "must be > -1 (got -1)"),
    ("accelerator", "power_kw", 0.1, 0, "must be > 0 (got 0)"),
    ("accelerator", "pflops_dense", 0, -1, "must be ≥ 0 (got -1)"),
    ("accelerator", "hbm_gb", 0, -1, "must be ≥ 0 (got -1)"),
    ("accelerator", "units_per_packaging_wafer", 0.5, 0, "must be > 0 (got 0)"),
    ("accelerator", "units_per_logic_wafer", 0.5, 0, "must be > 0 (got 0)"),
    ("accelerator", "service_life_years", 0.5, 0, "must be > 0 (got 0)"),
    ("site", "pue", 1, 0.9, "PUE must be ≥ 1 (got 0.9)"),
    ("site", "accelerators_per_mw", 0.1, 0, "must be > 0 (got 0)"),
    ("phase", "capacity_mw", 0, -1, "capacity must be ≥ 0 (got -1)"),
    ("phase", "facility_capex_usd_per_mw", 0, -1, "must be ≥ 0 (got -1)"),
    ("phase", "lead_time_years", 0, -0.5, "must be ≥ 0 (got -0.5)"),
    ("phase", "lead_time_years", 15, 15.5, "must be ≤ 15 (got 15.5)"),
]


@pytest.mark.parametrize(("entity", "name", "fine", "refused", "message"), NUMBER_BOUNDS,
                         ids=lambda v: str(v))
def test_number_bounds(entity: str, name: str, fine: float, refused: float,
                       message: str) -> None:
    model = small()
    setattr(row(model, entity), name, fine)
    assert validate(model) == []
    setattr(row(model, entity), name, refused)
    assert only(model) == (entity, key(model, entity), name, message)


@pytest.mark.parametrize(("entity", "name"), [
    ("region", "supply_cap_units_per_year"), ("site", "pue"), ("site", "accelerators_per_mw"),
    ("phase", "facility_capex_usd_per_mw"),
])
def test_optional_numbers_may_be_blank(entity: str, name: str) -> None:
    model = small()
    setattr(row(model, entity), name, None)
    assert validate(model) == []


@pytest.mark.parametrize(("entity", "name"), [
    ("region", "default_pue"), ("region", "electricity_price_usd_per_mwh"),
    ("region", "allocation_priority"), ("accelerator", "power_kw"),
    ("accelerator", "first_year"), ("phase", "capacity_mw"), ("phase", "lead_time_years"),
    ("settings", "hours_per_year"), ("settings", "discount_rate"),
])
def test_required_numbers_may_not_be_blank(entity: str, name: str) -> None:
    model = small()
    setattr(row(model, entity), name, None)
    assert on(model, entity, name) == ["must be a number, not None"]


@pytest.mark.parametrize("value", ["12", True])
def test_a_number_field_holding_text_or_a_bool(value: object) -> None:
    model = small()
    model.accelerators[0].power_kw = value  # type: ignore[assignment]
    assert only(model) == ("accelerator", "H100", "power_kw", f"must be a number, not {value!r}")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_a_number_must_be_finite(value: float) -> None:
    model = small()
    model.regions[0].grid_carbon_kg_per_mwh = value
    assert only(model) == ("region", "US", "grid_carbon_kg_per_mwh",
                           "must be a finite number (got NaN or infinity)")


def test_an_optional_cap_must_still_be_finite() -> None:
    model = small()
    model.regions[0].supply_cap_units_per_year = math.inf
    assert on(model, "region", "supply_cap_units_per_year") == [
        "must be a finite number (got NaN or infinity)"]


# --- shares -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("entity", "name"), [
    ("site", "utilisation"), ("site", "completion_probability"),
    ("supply_line", "ai_share"), ("supply_line", "yield_fraction"),
])
def test_shares_are_worded_in_percent(entity: str, name: str) -> None:
    model = small()
    for fine in (0, 1, 0.35):
        setattr(row(model, entity), name, fine)
        assert validate(model) == []
    setattr(row(model, entity), name, 1.5)
    assert only(model) == (entity, key(model, entity), name,
                           "must be between 0 % and 100 % (got 1.5 = 150 %)")
    setattr(row(model, entity), name, -0.25)
    assert only(model) == (entity, key(model, entity), name,
                           "must be between 0 % and 100 % (got -0.25 = -25 %)")
    setattr(row(model, entity), name, math.nan)
    assert only(model) == (entity, key(model, entity), name,
                           "must be a finite number (got NaN or infinity)")
    setattr(row(model, entity), name, None)
    assert only(model) == (entity, key(model, entity), name, "must be a number, not None")


# --- years --------------------------------------------------------------------------------------

def test_phase_online_year_inside_the_window() -> None:
    model = small()
    for year in (BASE, HORIZON):
        model.phases[0].online_year = year
        assert validate(model) == []
    model.phases[0].online_year = HORIZON + 1
    assert only(model) == ("phase", "Alpha/P1", "online_year",
                           "year 2031 is outside the model's 2025–2030")
    model.phases[0].online_year = BASE - 1
    assert only(model) == ("phase", "Alpha/P1", "online_year",
                           "year 2024 is outside the model's 2025–2030")


@pytest.mark.parametrize("value", [2026.0, "2026", None, True])
def test_phase_online_year_must_be_a_whole_year(value: object) -> None:
    model = small()
    model.phases[0].online_year = value  # type: ignore[assignment]
    assert only(model) == ("phase", "Alpha/P1", "online_year",
                           f"must be a whole year, not {value!r}")


@pytest.mark.parametrize("quarter", [0, 5, 1.5, "Q2", None])
def test_online_quarter_is_1_to_4(quarter: object) -> None:
    model = small()
    model.phases[0].online_quarter = quarter  # type: ignore[assignment]
    assert only(model) == ("phase", "Alpha/P1", "online_quarter",
                           f"must be 1–4 (got {quarter!r})")


# --- references, keys, enums --------------------------------------------------------------------

def test_dangling_references() -> None:
    model = small()
    model.sites[0].region = "XX"
    model.sites[0].accelerator = "Z9"
    model.phases.append(Phase(site="Nowhere", name="P1", online_year=2026))
    assert found(model) == {
        ("site", "Alpha", "region", "region 'XX' does not exist"),
        ("site", "Alpha", "accelerator", "accelerator 'Z9' does not exist"),
        ("phase", "Nowhere/P1", "site", "site 'Nowhere' does not exist"),
    }


def test_a_blank_required_reference_dangles() -> None:
    model = small()
    model.sites[0].region = ""
    assert only(model) == ("site", "Alpha", "region", "region '' does not exist")


def test_optional_references_are_not_checked() -> None:
    model = small()
    model.supply_lines[0].region = "XX"  # informational
    model.scenarios[0].parent = None
    assert validate(model) == []


@pytest.mark.parametrize(("entity", "make", "field"), [
    ("region", lambda: Region(code="US"), "code"),
    ("accelerator", lambda: Accelerator(name="H100"), "name"),
    ("site", lambda: Site(name="Alpha", region="US", accelerator="H100"), "name"),
    ("phase", lambda: Phase(site="Alpha", name="P1", online_year=2026), "name"),
    ("supply_line", lambda: SupplyLine(name="CoWoS"), "name"),
    ("scenario", lambda: Scenario(name="Base"), "name"),
])
def test_duplicate_keys(entity: str, make: object, field: str) -> None:
    model = small()
    model.collection(entity).append(make())  # type: ignore[operator]
    name = key(model, entity) if entity != "scenario" else "Base"
    assert only(model) == (entity, name, field, "2 rows share this key; keys must be unique")
    model.collection(entity).append(make())  # type: ignore[operator]
    assert only(model) == (entity, name, field, "3 rows share this key; keys must be unique")


@pytest.mark.parametrize(("entity", "attribute"), [
    ("region", "code"), ("accelerator", "name"), ("supply_line", "name"),
    ("scenario", "name"),
])
def test_empty_keys(entity: str, attribute: str) -> None:
    model = small()
    rows = model.collection(entity)
    if entity == "region":
        model.sites[0].region = "  "
    setattr(rows[0], attribute, "  ")
    assert (entity, "  ", attribute, "is empty; every row needs a key") in found(model)


def test_an_empty_site_name() -> None:
    model = small()
    model.sites[0].name = ""
    model.phases[0].site = ""
    assert ("site", "", "name", "is empty; every row needs a key") in found(model)


def test_site_names_may_not_contain_a_slash() -> None:
    model = small()
    model.sites[0].name = "Alpha/West"
    model.phases[0].site = "Alpha/West"
    assert only(model) == ("site", "Alpha/West", "name",
                           "must not contain '/' (it separates site and phase)")


def test_unknown_site_status_and_supply_kind() -> None:
    model = small()
    model.sites[0].status = "planned"  # type: ignore[assignment]
    model.supply_lines[0].kind = "memory"  # type: ignore[assignment]
    assert found(model) == {("site", "Alpha", "status", "unknown status 'planned'"),
                            ("supply_line", "CoWoS", "kind", "unknown kind 'memory'")}


# --- supply capacity ----------------------------------------------------------------------------

def test_supply_capacity_years_and_values() -> None:
    model = small()
    model.supply_lines[0].capacity_by_year = {
        2025: 0, "2026": 10.0, 2031: 5.0, 2027: -1.0, 2028: math.nan, 2029: "many"}
    assert {p.message for p in validate(model)} == {
        "year '2026' is not a year",
        "year 2031 is outside the model's 2025–2030",
        "capacity in 2027 must be a finite number ≥ 0 (got -1.0)",
        "capacity in 2028 must be a finite number ≥ 0 (got nan)",
        "capacity in 2029 must be a finite number ≥ 0 (got 'many')",
    }
    assert {(p.entity, p.key, p.field) for p in validate(model)} == {
        ("supply_line", "CoWoS", "capacity_by_year")}


def test_a_year_before_the_window_is_outside_it() -> None:
    model = small()
    model.supply_lines[0].capacity_by_year = {2024: 1.0}
    assert only(model) == ("supply_line", "CoWoS", "capacity_by_year",
                           "year 2024 is outside the model's 2025–2030")


# --- scenarios: parents -------------------------------------------------------------------------

def scenario(model: Model, **kw: object) -> Scenario:
    s = Scenario(name="Test", parent="Base", **kw)  # type: ignore[arg-type]
    model.scenarios.append(s)
    return s


def messages(model: Model, s: Scenario | None = None) -> set[tuple[str, str]]:
    """(field, message) of the problems ``validate`` reports on scenario ``s`` ("Test")."""
    name = s.name if s is not None else "Test"
    return {(p.field, p.message) for p in validate(model)
            if p.entity == "scenario" and p.key == name}


def test_a_missing_parent() -> None:
    model = small()
    model.scenarios.append(Scenario(name="Child", parent="Ghost"))
    assert only(model) == ("scenario", "Child", "parent", "parent scenario 'Ghost' does not exist")


def test_a_parent_cycle_is_reported_on_every_member() -> None:
    model = small()
    model.scenarios += [Scenario(name="A", parent="B"), Scenario(name="B", parent="A"),
                        Scenario(name="C", parent="A")]
    problems = found(model)
    for name in ("A", "B", "C"):
        assert ("scenario", name, "parent", "scenario inheritance forms a cycle") in problems
    assert len(problems) == 3


def test_a_scenario_that_is_its_own_parent() -> None:
    model = small()
    model.scenarios.append(Scenario(name="Self", parent="Self"))
    assert only(model) == ("scenario", "Self", "parent", "scenario inheritance forms a cycle")


def test_scenario_problems_checks_a_scenario_outside_the_model() -> None:
    model = small()
    fine = Scenario(name="New", parent="Base")
    assert scenario_problems(model, fine) == []
    bad = Scenario(name="New", parent="Ghost",
                   overrides=[Override("site:Alpha", "pue", Operation.SET, 0.5)])
    # Not in the model and not added to it; the override's value is not a bound check.
    assert {(p.entity, p.key, p.field, p.message) for p in scenario_problems(model, bad)} == {
        ("scenario", "New", "parent", "parent scenario 'Ghost' does not exist")}
    assert [s.name for s in model.scenarios] == ["Base"]


def test_scenario_problems_may_name_itself_as_parent_of_nothing() -> None:
    model = small()
    own = Scenario(name="Loop", parent="Loop")
    assert [(p.field, p.message) for p in scenario_problems(model, own)] == [
        ("parent", "scenario inheritance forms a cycle")]


# --- scenarios: overrides -----------------------------------------------------------------------

def test_a_valid_override_of_each_kind() -> None:
    model = small()
    scenario(model, overrides=[
        Override("site:Alpha", "utilisation", Operation.SET, 0.8, 2026, 2028),
        Override("phase:*", "online_year", Operation.SHIFT_YEARS, 1),
        Override("phase[status=announced]", "capacity_mw", Operation.MULTIPLY, 2, 2025, 2027),
        Override("settings", "discount_rate", Operation.ADD, 0.01),
        Override("region:US", "allocation_priority", Operation.SET, 3),
        Override("supply_line[kind=packaging]", "capacity_by_year", Operation.MULTIPLY, 0.5,
                 year_from=2027),
    ])
    assert validate(model) == []


def test_an_unparseable_selector() -> None:
    model = small()
    scenario(model, overrides=[Override("sites", "pue", Operation.SET, 1.2),
                               Override("planet:Mars", "pue", Operation.SET, 1.2)])
    assert messages(model) == {
        ("override 1", "selector 'sites' is neither 'kind:key' nor 'kind[field=value]'"),
        ("override 2", "selector 'planet:Mars': unknown kind 'planet' (one of region, "
                       "accelerator, site, phase, supply_line, settings)"),
    }


def test_a_selector_that_matches_nothing() -> None:
    model = small()
    scenario(model, overrides=[Override("site:Omega", "pue", Operation.SET, 1.2)])
    assert messages(model) == {("override 1", "'site:Omega' matches nothing in this model")}


def test_an_unknown_field_lists_the_targetable_ones() -> None:
    model = small()
    scenario(model, overrides=[Override("site:Alpha", "notes", Operation.SET, 1),
                               Override("settings", "mc_samples", Operation.SET, 5)])
    assert messages(model) == {
        ("override 1", "site has no numeric field 'notes' (one of utilisation, pue, "
                       "completion_probability, accelerators_per_mw)"),
        ("override 2", "settings has no numeric field 'mc_samples' (one of discount_rate, "
                       "default_facility_capex_usd_per_mw, supply_share_to_model, "
                       "hours_per_year)"),
    }


def test_an_unknown_operation() -> None:
    model = small()
    scenario(model, overrides=[Override("site:Alpha", "pue", "divide", 2)])  # type: ignore[arg-type]
    assert messages(model) == {("override 1", "unknown operation 'divide'")}


@pytest.mark.parametrize("value", [math.nan, math.inf, "2", True, None])
def test_an_override_value_must_be_a_finite_number(value: object) -> None:
    model = small()
    scenario(model, overrides=[Override("site:Alpha", "pue", Operation.SET, value)])  # type: ignore[arg-type]
    assert messages(model) == {
        ("override 1", f"value must be a finite number (got {value!r})")}


@pytest.mark.parametrize(("selector", "field"), [
    ("phase:Alpha/P1", "online_year"), ("phase:Alpha/P1", "online_quarter"),
    ("accelerator:H100", "first_year"), ("region:US", "allocation_priority"),
])
def test_whole_number_fields_take_whole_values_when_set_or_added(selector: str,
                                                                 field: str) -> None:
    model = small()
    scenario(model, overrides=[Override(selector, field, Operation.SET, 2026.5),
                               Override(selector, field, Operation.ADD, 0.5),
                               Override(selector, field, Operation.MULTIPLY, 1.5)])
    assert messages(model) == {
        ("override 1", f"{field} takes whole numbers (got 2026.5)"),
        ("override 2", f"{field} takes whole numbers (got 0.5)"),
    }


def test_setting_online_year_outside_the_window() -> None:
    model = small()
    scenario(model, overrides=[Override("phase:*", "online_year", Operation.SET, 2031),
                               Override("phase:*", "online_year", Operation.SET, 2030),
                               Override("phase:*", "online_year", Operation.ADD, 10)])
    assert messages(model) == {("override 1", "year 2031 is outside the model's 2025–2030")}


def test_shift_years_applies_to_phase_online_year_only() -> None:
    model = small()
    scenario(model, overrides=[
        Override("phase:*", "capacity_mw", Operation.SHIFT_YEARS, 1),
        Override("accelerator:H100", "first_year", Operation.SHIFT_YEARS, 1),
        Override("phase:*", "online_year", Operation.SHIFT_YEARS, -2),
    ])
    assert messages(model) == {
        ("override 1", "shift_years applies to phase online_year only"),
        ("override 2", "shift_years applies to phase online_year only"),
    }


def test_a_year_range_needs_a_per_period_field_except_on_phases() -> None:
    model = small()
    scenario(model, overrides=[
        Override("site:Alpha", "pue", Operation.SET, 1.2, 2026, 2027),
        Override("accelerator:H100", "power_kw", Operation.MULTIPLY, 1.1, year_to=2027),
        Override("settings", "discount_rate", Operation.SET, 0.05, year_from=2026),
        Override("site:Alpha", "utilisation", Operation.SET, 0.5, 2026, 2027),
        Override("phase:Alpha/P1", "capacity_mw", Operation.SET, 10, 2026, 2027),
    ])
    assert messages(model) == {
        ("override 1", "site pue does not vary by year; remove the year range"),
        ("override 2", "accelerator power_kw does not vary by year; remove the year range"),
        ("override 3", "settings discount_rate does not vary by year; remove the year range"),
    }


def test_override_year_range_problems() -> None:
    model = small()
    scenario(model, overrides=[
        Override("site:Alpha", "utilisation", Operation.SET, 0.5, 2028, 2026),
        Override("site:Alpha", "utilisation", Operation.SET, 0.5, 2024, 2031),
        Override("site:Alpha", "utilisation", Operation.SET, 0.5, 2026.5, 2027),  # type: ignore[arg-type]
        Override("site:Alpha", "utilisation", Operation.SET, 0.5, "2026", 2025),  # type: ignore[arg-type]
    ])
    assert messages(model) == {
        ("override 1", "year range ends before it starts"),
        ("override 2", "year 2024 is outside the model's 2025–2030"),
        ("override 2", "year 2031 is outside the model's 2025–2030"),
        ("override 3", "year range bounds must be whole years, not 2026.5"),
        ("override 4", "year range bounds must be whole years, not '2026'"),
    }


def test_overrides_are_numbered_from_one() -> None:
    model = small()
    scenario(model, overrides=[Override("site:Alpha", "pue", Operation.SET, 1.2),
                               Override("site:Alpha", "pue", Operation.SET, 1.2),
                               Override("site:Omega", "pue", Operation.SET, 1.2)])
    assert {f for f, _ in messages(model)} == {"override 3"}


# --- scenarios: uncertainties -------------------------------------------------------------------

def uncertainty(name: str, selector: str = "accelerator:*", field: str = "unit_price_usd",
                dist: Distribution | None = None, **kw: object) -> Uncertainty:
    return Uncertainty(name, selector, field, dist or Distribution("uniform", (0.9, 1.1)),
                       **kw)  # type: ignore[arg-type]


def test_valid_uncertainties() -> None:
    model = small()
    scenario(model, uncertainties=[
        uncertainty("price"),
        uncertainty("delay", "phase:*", "online_year", Distribution("triangular", (0, 1, 2)),
                    operation=Operation.ADD, per_entity=True),
        uncertainty("rate", "settings", "discount_rate", Distribution("normal", (1, 0.1))),
    ])
    assert validate(model) == []


@pytest.mark.parametrize(("selector", "field"), [
    ("accelerator:*", "service_life_years"), ("region:*", "allocation_priority"),
    ("accelerator:*", "first_year"), ("phase:*", "online_quarter"),
])
def test_fields_that_shape_the_arrays_cannot_be_uncertain(selector: str, field: str) -> None:
    model = small()
    scenario(model, uncertainties=[uncertainty("u", selector, field)])
    assert messages(model) == {
        ("uncertainty u",
         f"{field} cannot be uncertain (it shapes the arrays); use scenarios instead")}


def test_an_uncertainty_target_is_checked_like_an_override() -> None:
    model = small()
    scenario(model, uncertainties=[uncertainty("a", "site:Omega", "pue"),
                                   uncertainty("b", "site:*", "name"),
                                   uncertainty("c", "site:*", "pue", operation="pow")])
    assert messages(model) == {
        ("uncertainty a", "'site:Omega' matches nothing in this model"),
        ("uncertainty b", "site has no numeric field 'name' (one of utilisation, pue, "
                          "completion_probability, accelerators_per_mw)"),
        ("uncertainty c", "unknown operation 'pow'"),
    }


@pytest.mark.parametrize(("dist", "message"), [
    (Distribution("cauchy", (0, 1)), "unknown distribution 'cauchy' (one of "),
    (Distribution("uniform", (1,)), "uniform takes 2 parameters, got 1"),
    (Distribution("uniform", (1, math.nan)), "uniform parameters must be finite numbers"),
    (Distribution("uniform", (2, 1)), "uniform needs low < high"),
    (Distribution("normal", (1, 0)), "normal needs sd > 0"),
    (Distribution("lognormal", (0, 0.2)), "lognormal needs median > 0 and sigma > 0"),
    (Distribution("triangular", (1, 3, 2)), "triangular needs low ≤ mode ≤ high and low < high"),
])
def test_distribution_problems(dist: Distribution, message: str) -> None:
    model = small()
    scenario(model, uncertainties=[uncertainty("u", dist=dist)])
    (got,) = messages(model)
    assert got[0] == "uncertainty u"
    assert got[1].startswith(message)


def test_uncertainty_names_must_be_unique() -> None:
    model = small()
    scenario(model, uncertainties=[uncertainty("u"), uncertainty("u"), uncertainty("v")])
    assert messages(model) == {("uncertainty u", "uncertainty names must be unique")}


# --- scenarios: correlations --------------------------------------------------------------------

def shared(*names: str) -> list[Uncertainty]:
    return [uncertainty(n) for n in names]


def test_a_valid_correlation() -> None:
    model = small()
    scenario(model, uncertainties=shared("a", "b"), correlations=[Correlation("a", "b", 0.5)])
    assert validate(model) == []


@pytest.mark.parametrize("rho", [1, -1, 1.5, math.nan, "0.5"])
def test_a_rank_correlation_lies_strictly_between_minus_one_and_one(rho: object) -> None:
    model = small()
    scenario(model, uncertainties=shared("a", "b"),
             correlations=[Correlation("a", "b", rho)])  # type: ignore[arg-type]
    assert messages(model) == {
        ("correlation a~b", "rank correlation must lie strictly between -1 and 1")}


def test_an_uncertainty_correlated_with_itself() -> None:
    model = small()
    scenario(model, uncertainties=shared("a"), correlations=[Correlation("a", "a", 0.5)])
    assert messages(model) == {
        ("correlation a~a", "an uncertainty cannot be correlated with itself")}


def test_a_pair_correlated_twice_is_said_once() -> None:
    model = small()
    scenario(model, uncertainties=shared("a", "b"),
             correlations=[Correlation("a", "b", 0.5), Correlation("b", "a", 0.3),
                           Correlation("a", "b", 0.2)])
    problems = [(p.field, p.message) for p in validate(model) if p.key == "Test"]
    assert problems == [("correlation a~b", "this pair is correlated more than once")]


def test_a_correlation_of_an_uncertainty_that_does_not_exist() -> None:
    model = small()
    scenario(model, uncertainties=shared("a"), correlations=[Correlation("a", "ghost", 0.5)])
    assert messages(model) == {("correlation a~ghost", "uncertainty 'ghost' does not exist")}


def test_per_entity_uncertainties_cannot_be_correlated() -> None:
    model = small()
    scenario(model, uncertainties=[uncertainty("a"), uncertainty("p", per_entity=True)],
             correlations=[Correlation("a", "p", 0.5)])
    assert messages(model) == {("correlation a~p", "uncertainty 'p' is drawn per entity; "
                                                   "correlate shared ones only")}


def test_contradictory_correlations() -> None:
    model = small()
    scenario(model, uncertainties=shared("a", "b", "c"), correlations=[
        Correlation("a", "b", 0.9), Correlation("b", "c", 0.9), Correlation("a", "c", -0.9)])
    assert messages(model) == {
        ("correlations", "the correlations contradict each other (matrix not positive "
                         "definite)")}


def test_a_contradiction_is_not_claimed_over_a_broken_correlation() -> None:
    model = small()
    scenario(model, uncertainties=shared("a", "b", "c"), correlations=[
        Correlation("a", "b", 0.9), Correlation("b", "c", 0.9), Correlation("a", "c", -1.5)])
    assert {f for f, _ in messages(model)} == {"correlation a~c"}


def test_inherited_correlations_are_checked_in_the_child() -> None:
    model = small()
    model.scenarios[0].uncertainties = shared("a", "b")
    model.scenarios[0].correlations = [Correlation("a", "b", 0.5)]
    # The child redefines "b" per entity: the parent's correlation now breaks in the child.
    child = scenario(model, uncertainties=[uncertainty("b", per_entity=True)])
    assert messages(model, child) == {
        ("correlation a~b", "uncertainty 'b' is drawn per entity; correlate shared ones only "
                            "(inherited)")}
    assert messages(model, model.scenarios[0]) == set()


def test_a_child_may_correlate_what_it_inherits() -> None:
    model = small()
    model.scenarios[0].uncertainties = shared("a", "b")
    scenario(model, correlations=[Correlation("a", "b", 0.5)])
    assert validate(model) == []


def test_an_inherited_contradiction_is_reported_on_the_child() -> None:
    model = small()
    model.scenarios[0].uncertainties = shared("a", "b", "c")
    model.scenarios[0].correlations = [Correlation("a", "b", 0.6), Correlation("b", "c", 0.6)]
    child = scenario(model, correlations=[Correlation("a", "c", -0.6)])
    assert messages(model, child) == {
        ("correlations", "the correlations contradict each other (matrix not positive "
                         "definite)")}
    assert messages(model, model.scenarios[0]) == set()


def test_correlations_of_a_cyclic_scenario_are_not_merged() -> None:
    model = small()
    model.scenarios += [Scenario(name="A", parent="B", correlations=[Correlation("x", "y", .5)]),
                        Scenario(name="B", parent="A")]
    assert found(model) == {("scenario", "A", "parent", "scenario inheritance forms a cycle"),
                            ("scenario", "B", "parent", "scenario inheritance forms a cycle")}
