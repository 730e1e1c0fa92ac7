"""Every field of every entity and setting, described once.

A field's unit (what text it reads and how it shows), its bounds and what a violation says,
whether it varies by period, whether scenarios may override or draw it, how a blank is filled,
its table header, tooltip and width, its spreadsheet name and synonyms, and its documentation
all live in one ``Field`` here. The editors, validation, the engine's compiled and targetable
fields, CSV import, the settings table and ``docs/file-format.md`` read this table, so adding a
field is one entry here plus the dataclass attribute (``desktop_app/core/model.py``), a schema
migration (``desktop_app/storage/migrations.py``), whatever the engine does with it, and
regenerating the docs page (``python -m desktop_app.storage.file_format_doc``;
``tests/core/test_fields.py`` fails until then); ``docs/ARCHITECTURE.md`` has the checklist.
PyPSA's per-component attribute tables are the model: one row per attribute, everything else
derived. """

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from desktop_app.core import units as U
from desktop_app.core.model import ITCapexTiming, PeriodKind, SiteStatus, SupplyKind

MAX_SAMPLES = 10_000_000  # Monte Carlo samples a document (or a run) may ask for
MAX_SEED = 2**63 - 1  # seeds stay exact in results files (JSON numbers, spreadsheet cells)

Check = Literal["number", "share", "year", ""]
ENTITIES = ("region", "accelerator", "site", "phase", "supply_line", "scenario", "settings")
# Entities whose numeric fields the engine compiles to arrays (settings compile to scalars).
ROW_ENTITIES = ("region", "accelerator", "site", "phase", "supply_line")


@dataclass(frozen=True, slots=True)
class Field:
    """One field: what it is, how it is typed, checked, projected, imported and documented."""

    entity: str
    name: str
    unit: U.Unit
    header: str  # table header (the settings table's row label)
    doc: str = ""  # tooltip and documentation
    width: int = 90
    # Validation: a value outside [low, high] (or ≤ low when low_open) is a problem worded
    # "<says> ≥ low (got …)"; "share" words it in percent; "year" keeps it in the window.
    check: Check = ""
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    says: str = ""
    # Engine: compiled to arrays (and so a scenario override may target it), per period or
    # static; drawable by a Monte Carlo uncertainty unless it shapes the arrays.
    engine: bool = False
    per_period: bool = False
    drawable: bool = True
    whole: bool = False  # overrides that set or add take whole numbers
    shiftable: bool = False  # the shift_years operation applies
    default: str = ""  # what a blank means; non-empty marks a defaulted (None = default) field
    missing: float = math.nan  # the compiled value of a blank that nothing fills
    # Spreadsheets: the site/phase CSV import target, its header words and its label.
    csv: str = ""
    synonyms: tuple[str, ...] = ()
    csv_label: str = ""
    required_in_csv: bool = False
    table: bool = True  # a column of the entity's table editor

    @property
    def optional(self) -> bool:
        """Blank (None) is a value: "the default" or "none"."""
        return self.unit.optional

    @property
    def defaulted(self) -> bool:
        return bool(self.default)


def _f(entity: str, name: str, unit: U.Unit, header: str, doc: str = "", width: int = 90,
       **kw: Any) -> Field:
    return Field(entity, name, unit, header, doc, width, **kw)


def _number(low: float | None = None, high: float | None = None, *, low_open: bool = False,
            says: str = "") -> dict[str, Any]:
    return {"check": "number", "low": low, "high": high, "low_open": low_open, "says": says}


SHARE: dict[str, Any] = {"check": "share", "low": 0, "high": 1}
POSITIVE = _number(0, low_open=True)
NON_NEGATIVE = _number(0)
CHANGE = _number(-1, low_open=True)  # a yearly change above −100 %

FIELDS: tuple[Field, ...] = (
    # --- region ---------------------------------------------------------------------------
    _f("region", "code", U.KEY, "Code", "Region code that sites refer to", 60),
    _f("region", "name", U.TEXT, "Name", "Name shown in reports", 140),
    _f("region", "electricity_price_usd_per_mwh", U.USD_PER_MWH, "Power price (USD/MWh)",
       "Electricity price paid by data centres in the base year", 130,
       engine=True, per_period=True, **NON_NEGATIVE),
    _f("region", "electricity_price_change_per_year", U.CHANGE, "Price change (%/yr)",
       "Yearly change of the electricity price, compounded from the base year", 115,
       engine=True, per_period=True, **CHANGE),
    _f("region", "grid_carbon_kg_per_mwh", U.CARBON, "Carbon (kg/MWh)",
       "Grid carbon intensity (kg CO2 per MWh)", 105, engine=True, per_period=True,
       **NON_NEGATIVE),
    _f("region", "default_pue", U.PUE, "Default PUE",
       "Power usage effectiveness of sites that give none", 85, engine=True,
       **_number(1, says="PUE must be")),
    _f("region", "facility_cost_multiplier", U.MULTIPLIER, "Facility cost ×",
       "Multiplier on the document's facility capex per MW", 95, engine=True, **POSITIVE),
    _f("region", "supply_cap_units_per_year", U.COUNT_OPTIONAL, "Supply cap (units/yr)",
       "Export-control cap on accelerators delivered per year; blank: none", 125,
       engine=True, per_period=True, default="uncapped", missing=math.inf, **NON_NEGATIVE),
    _f("region", "allocation_priority", U.PRIORITY, "Priority",
       "Higher tiers are served first when supply is short", 65, engine=True,
       drawable=False, whole=True, **_number(-1000, 1000)),
    _f("region", "source", U.TEXT, "Source", "Where the figures come from", 260),
    # --- accelerator ----------------------------------------------------------------------
    _f("accelerator", "name", U.KEY, "Name", "Accelerator name that sites refer to", 110),
    _f("accelerator", "vendor", U.TEXT, "Vendor", "", 90),
    _f("accelerator", "first_year", U.YEAR, "First year", "First year it ships", 75,
       engine=True, drawable=False, whole=True, **_number(1990, 2100)),
    _f("accelerator", "unit_price_usd", U.USD, "Unit price (USD)",
       "Price per accelerator in the base year", 105, engine=True, per_period=True,
       **NON_NEGATIVE),
    _f("accelerator", "price_change_per_year", U.CHANGE, "Price change (%/yr)",
       "Yearly change of the unit price", 115, engine=True, per_period=True, **CHANGE),
    _f("accelerator", "power_kw", U.KW, "Power (kW)",
       "All-in power per unit: chip, server share and network share", 80, engine=True,
       **POSITIVE),
    _f("accelerator", "chip_tdp_kw", U.KW, "Chip TDP (kW)",
       "Thermal design power of the chip alone, without its server and network share; "
       "installed units × TDP is the chip-level MW", 90, engine=True, **POSITIVE),
    _f("accelerator", "pflops_dense", U.PFLOPS, "Dense PFLOP/s",
       "Dense BF16 PFLOP/s per unit", 95, engine=True, **NON_NEGATIVE),
    _f("accelerator", "hbm_gb", U.GB, "HBM (GB)", "HBM per unit", 75, engine=True,
       **NON_NEGATIVE),
    _f("accelerator", "units_per_packaging_wafer", U.Number("per wafer"), "Per packaging wafer",
       "Accelerators per advanced-packaging wafer", 120, engine=True, **POSITIVE),
    _f("accelerator", "units_per_logic_wafer", U.Number("per wafer"), "Per logic wafer",
       "Accelerators per leading-edge logic wafer", 100, engine=True, **POSITIVE),
    _f("accelerator", "service_life_years", U.YEARS, "Service life (years)",
       "Years in service before it retires", 120, engine=True, drawable=False, **POSITIVE),
    _f("accelerator", "source", U.TEXT, "Source", "Where the figures come from", 260),
    # --- site -----------------------------------------------------------------------------
    _f("site", "name", U.KEY, "Name", "Site name; its phases refer to it", 170,
       csv="name", csv_label="Site name", required_in_csv=True,
       synonyms=("site", "site name", "name", "project", "data center", "datacenter",
                 "campus")),
    _f("site", "operator", U.TEXT, "Operator", "Who builds and runs the site", 110,
       csv="operator", csv_label="Operator",
       synonyms=("operator", "owner", "company", "developer")),
    _f("site", "region", U.Reference(target="region"), "Region", "Code of the site's region",
       60, csv="region", csv_label="Region code", required_in_csv=True,
       synonyms=("region", "region code", "country", "market")),
    _f("site", "status", U.Choice(enum=SiteStatus), "Status",
       "Announced, under construction or operational", 135, csv="status", csv_label="Status",
       synonyms=("status", "stage")),
    _f("site", "accelerator", U.Reference(target="accelerator"), "Accelerator",
       "Name of the accelerator the site installs", 90, csv="accelerator",
       csv_label="Accelerator", required_in_csv=True,
       synonyms=("accelerator", "gpu", "chip", "accelerator type", "hardware")),
    _f("site", "pue", U.PUE_OPTIONAL, "PUE", "Blank: the region's default PUE", 70,
       engine=True, default="the region's default PUE", csv="pue", csv_label="PUE",
       synonyms=("pue",), **_number(1, says="PUE must be")),
    _f("site", "utilisation", U.SHARE, "Utilisation",
       "Share of the year the IT load runs at full power", 75, engine=True, per_period=True,
       csv="utilisation", csv_label="Utilisation",
       synonyms=("utilisation", "utilization", "util", "load factor"), **SHARE),
    _f("site", "completion_probability", U.SHARE, "Completion",
       "Probability that the project is completed", 80, engine=True,
       csv="completion_probability", csv_label="Completion probability",
       synonyms=("probability", "completion probability", "likelihood", "confidence"),
       **SHARE),
    _f("site", "accelerators_per_mw", U.PER_MW, "Accel. per MW",
       "Blank: 1000 / the accelerator's all-in kW", 90, engine=True,
       default="1000 / the accelerator's all-in kW", csv="accelerators_per_mw",
       csv_label="Accelerators per MW",
       synonyms=("accelerators per mw", "gpus per mw", "chips per mw"), **POSITIVE),
    _f("site", "source", U.TEXT, "Source", "Where the figures come from", 260,
       csv="source", csv_label="Site source", synonyms=("source", "site source", "reference")),
    _f("site", "notes", U.TEXT, "Notes", "", 160, csv="notes", csv_label="Notes",
       synonyms=("notes", "note", "comment", "comments")),
    # --- phase ----------------------------------------------------------------------------
    _f("phase", "site", U.Reference(target="site"), "Site", "Name of the phase's site", 180),
    _f("phase", "name", U.KEY, "Phase", "Phase name, unique within its site", 80,
       csv="phase", csv_label="Phase name",
       synonyms=("phase", "phase name", "stage name", "tranche")),
    _f("phase", "capacity_mw", U.MW, "IT capacity (MW)",
       "IT capacity; type 1.2 GW or 500 kW to convert", 110, engine=True,
       csv="capacity_mw", csv_label="IT capacity (MW)", required_in_csv=True,
       synonyms=("capacity", "capacity mw", "it capacity", "it mw", "mw", "power", "it load",
                 "capacity it"), **_number(0, says="capacity must be")),
    _f("phase", "online_year", U.YEAR, "Online year",
       "Planned online year, within the base year–horizon", 80,
       engine=True, whole=True, shiftable=True, check="year", csv="online_year",
       csv_label="Online year", required_in_csv=True,
       synonyms=("online", "online year", "year", "cod", "commissioning year", "go live")),
    _f("phase", "online_quarter", U.Quarter(), "Quarter", "Planned online quarter (Q1–Q4)", 65,
       engine=True, drawable=False, whole=True, csv="online_quarter",
       csv_label="Online quarter", synonyms=("quarter", "online quarter", "q")),
    _f("phase", "facility_capex_usd_per_mw", U.USD_PER_MW, "Facility capex (USD/MW)",
       "Blank: the document default × the region's multiplier", 160, engine=True,
       default="the document's facility capex × the region's multiplier",
       csv="facility_capex_usd_per_mw", csv_label="Facility capex per MW",
       synonyms=("capex per mw", "facility capex", "capex usd per mw",
                 "facility capex per mw"), **NON_NEGATIVE),
    _f("phase", "lead_time_years", U.YEARS, "Lead time (years)",
       "Construction lead time; facility capex is spent over it", 110, engine=True,
       csv="lead_time_years", csv_label="Lead time (years)",
       synonyms=("lead time", "lead time years", "construction time", "build time"),
       **_number(0, 15)),
    _f("phase", "source", U.TEXT, "Source", "Where the figures come from", 300,
       csv="phase_source", csv_label="Phase source", synonyms=("phase source",)),
    # --- supply line ----------------------------------------------------------------------
    _f("supply_line", "name", U.KEY, "Name", "Supply line name", 200),
    _f("supply_line", "owner", U.TEXT, "Owner", "", 100),
    _f("supply_line", "region", U.Reference(target="region", optional=True), "Region",
       "Where the line is; informational, not used for allocation", 60),
    _f("supply_line", "kind", U.Choice(enum=SupplyKind), "Kind",
       "Packaging and logic lines make wafers; HBM lines make gigabytes", 85),
    _f("supply_line", "capacity_by_year", U.COUNT_OPTIONAL, "Capacity",
       "Capacity per year (wafers or GB); a year not given takes the nearest given year, "
       "or the straight line between two", 80, engine=True, per_period=True, table=False),
    _f("supply_line", "ai_share", U.SHARE, "AI share",
       "Share of the line's output that goes to AI accelerators", 70, engine=True,
       per_period=True, **SHARE),
    _f("supply_line", "yield_fraction", U.SHARE, "Yield", "Share of good units", 60,
       engine=True, per_period=True, **SHARE),
    _f("supply_line", "source", U.TEXT, "Source", "Where the figures come from", 260),
    # --- scenario -------------------------------------------------------------------------
    _f("scenario", "name", U.KEY, "Name", "Scenario name", 210),
    _f("scenario", "parent", U.Reference(target="scenario", optional=True, none_is_blank=True),
       "Parent", "The scenario this one starts from; blank for a base scenario", 130),
    _f("scenario", "description", U.TEXT, "Description", "", 420),
    # --- settings -------------------------------------------------------------------------
    _f("settings", "title", U.TEXT, "Title", "Shown in reports and exports"),
    _f("settings", "base_year", U.YEAR, "Base year", "First period of the projection"),
    _f("settings", "horizon_year", U.YEAR, "Horizon year", "Last period of the projection"),
    _f("settings", "period", U.Choice(enum=PeriodKind), "Period",
       "Project by year or by quarter"),
    _f("settings", "currency_year", U.YEAR, "Currency year", "Money is in USD of this year"),
    _f("settings", "discount_rate", U.RATE, "Discount rate", "For net present values",
       engine=True, **_number(-0.5, 1)),
    _f("settings", "mc_samples", U.WHOLE, "Monte Carlo samples", "Samples per Monte Carlo run",
       **_number(1, MAX_SAMPLES)),
    _f("settings", "mc_seed", U.Number("", integer=True, grouping=False), "Monte Carlo seed",
       "Same seed, same numbers", **_number(0, MAX_SEED)),
    _f("settings", "default_facility_capex_usd_per_mw", U.Number("USD/MW", money=True),
       "Facility capex (USD/MW)",
       "Default facility capex per MW of IT, before the region's multiplier", engine=True,
       **NON_NEGATIVE),
    _f("settings", "supply_share_to_model", U.SHARE, "Supply share to model",
       "Share of the supply lines' AI output that serves the modelled sites", engine=True,
       **SHARE),
    _f("settings", "it_capex_timing", U.Choice(enum=ITCapexTiming), "IT capex timing",
       "When accelerator capex is booked"),
    _f("settings", "replace_retired_accelerators", U.YesNo(), "Replace retired accelerators",
       "Buy new accelerators when installed ones reach their service life"),
    _f("settings", "hours_per_year", U.HOURS, "Hours per year", "Operating hours for energy",
       engine=True, **_number(0, 8784, low_open=True)),
)

BY_KEY: dict[tuple[str, str], Field] = {(f.entity, f.name): f for f in FIELDS}


def field(entity: str, name: str) -> Field | None:
    return BY_KEY.get((entity, name))


def of(entity: str) -> tuple[Field, ...]:
    """The fields of ``entity`` in table order."""
    return _BY_ENTITY.get(entity, ())


_BY_ENTITY: dict[str, tuple[Field, ...]] = {
    e: tuple(f for f in FIELDS if f.entity == e) for e in ENTITIES}


def unit_of(entity: str, name: str) -> U.Unit:
    """The unit of a field; unknown fields read as plain text (never a crash)."""
    found = BY_KEY.get((entity, name))
    return found.unit if found is not None else U.TEXT


def parse(entity: str, name: str, text: str) -> Any:
    """Parse ``text`` for a field, raising ``InputError`` with the reason when it is refused."""
    return unit_of(entity, name).parse(text)


def engine_fields(entity: str, *, per_period: bool) -> tuple[str, ...]:
    return tuple(f.name for f in of(entity) if f.engine and f.per_period == per_period)


def targetable(entity: str) -> tuple[str, ...]:
    """Numeric fields an override or uncertainty may change on ``entity``, per-period first."""
    return engine_fields(entity, per_period=True) + engine_fields(entity, per_period=False)


def is_time_series(entity: str, name: str) -> bool:
    found = BY_KEY.get((entity, name))
    return found is not None and found.engine and found.per_period


WHOLE_NUMBER_FIELDS = frozenset(f.name for f in FIELDS if f.whole)
FIXED_UNDER_UNCERTAINTY = frozenset(f.name for f in FIELDS if f.engine and not f.drawable)
SHIFTABLE = frozenset((f.entity, f.name) for f in FIELDS if f.shiftable)
# Blank means a default derived from other rows (``engine.scenario.effective`` fills it in).
DEFAULTED = frozenset((f.entity, f.name) for f in FIELDS
                      if f.engine and f.defaulted and math.isnan(f.missing))
CSV_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS if f.csv)
