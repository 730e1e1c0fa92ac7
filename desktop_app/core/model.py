"""The domain model of a Compute Atlas document, free of Qt and of storage.

Entities refer to each other by their human keys (region code, accelerator name, site name,
scenario name), never by row ids: that is what scenario files and colleagues share, and what the
validator can report when a reference dangles. Every entity also carries a ``uid`` that stays
stable while the key is edited, so views and undo commands can find a row again after a rename.

Units are in the field names. Money is USD of the document's currency year.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from dataclasses import field as dataclass_field  # "field" is a domain attribute here
from enum import StrEnum
from typing import Any, ClassVar

_uids = itertools.count(1)


def new_uid() -> int:
    """A process-wide unique id; never stored in the file, so files stay diff-friendly."""
    return next(_uids)


class SiteStatus(StrEnum):
    ANNOUNCED = "announced"
    UNDER_CONSTRUCTION = "under_construction"
    OPERATIONAL = "operational"


class SupplyKind(StrEnum):
    """What a supply line makes; each is converted to accelerators by the accelerator's figures."""

    PACKAGING = "packaging"  # advanced-packaging (CoWoS-class) wafers per year
    LOGIC = "logic"  # leading-edge logic wafers per year
    HBM = "hbm"  # HBM gigabytes per year


class PeriodKind(StrEnum):
    YEAR = "year"
    QUARTER = "quarter"


class ITCapexTiming(StrEnum):
    """When accelerator (IT) capex is booked.

    ``delivery`` spends it when accelerators arrive, at that period's unit price;
    ``lead_time`` books it with the facility capex over the construction lead time, which is how
    the reference Monte Carlo model of the engine issue counts it.
    """

    DELIVERY = "delivery"
    LEAD_TIME = "lead_time"


@dataclass(slots=True)
class Region:
    KIND: ClassVar[str] = "region"
    KEY: ClassVar[str] = "code"

    code: str
    name: str = ""
    electricity_price_usd_per_mwh: float = 80.0
    electricity_price_change_per_year: float = 0.0
    grid_carbon_kg_per_mwh: float = 400.0
    default_pue: float = 1.3
    facility_cost_multiplier: float = 1.0
    # Scenario levers for export controls and sovereign programmes: a cap on accelerators
    # delivered per year (None = uncapped) and a priority tier (higher is served first).
    supply_cap_units_per_year: float | None = None
    allocation_priority: int = 0
    source: str = ""
    uid: int = dataclass_field(default_factory=new_uid, compare=False)


@dataclass(slots=True)
class Accelerator:
    KIND: ClassVar[str] = "accelerator"
    KEY: ClassVar[str] = "name"

    name: str
    vendor: str = ""
    first_year: int = 2024
    unit_price_usd: float = 30_000.0
    price_change_per_year: float = 0.0
    power_kw: float = 1.3  # all-in per unit: chip, server share and network share
    chip_tdp_kw: float = 0.7  # the chip alone (TDP): what chip-level MW counts
    pflops_dense: float = 1.0  # dense BF16 PFLOP/s per unit
    hbm_gb: float = 80.0
    units_per_packaging_wafer: float = 15.0
    units_per_logic_wafer: float = 30.0
    service_life_years: float = 5.0
    source: str = ""
    uid: int = dataclass_field(default_factory=new_uid, compare=False)


@dataclass(slots=True)
class Site:
    KIND: ClassVar[str] = "site"
    KEY: ClassVar[str] = "name"

    name: str
    operator: str = ""
    region: str = ""  # Region.code
    status: SiteStatus = SiteStatus.ANNOUNCED
    accelerator: str = ""  # Accelerator.name
    pue: float | None = None  # None: the region's default PUE
    utilisation: float = 0.7
    completion_probability: float = 1.0
    # None: 1000 / the accelerator's all-in kW. Set when the site's design differs (storage,
    # networking and cooling shares vary by operator).
    accelerators_per_mw: float | None = None
    source: str = ""
    notes: str = ""
    uid: int = dataclass_field(default_factory=new_uid, compare=False)


@dataclass(slots=True)
class Phase:
    """A step of a site's buildout; its key is ``"<site>/<name>"``."""

    KIND: ClassVar[str] = "phase"
    KEY: ClassVar[str] = "key"

    site: str  # Site.name
    name: str
    capacity_mw: float = 100.0  # IT capacity
    online_year: int = 2026
    online_quarter: int = 1
    facility_capex_usd_per_mw: float | None = None  # None: document default × region multiplier
    lead_time_years: float = 2.0
    source: str = ""
    uid: int = dataclass_field(default_factory=new_uid, compare=False)

    @property
    def key(self) -> str:
        return f"{self.site}/{self.name}"


@dataclass(slots=True)
class SupplyLine:
    KIND: ClassVar[str] = "supply_line"
    KEY: ClassVar[str] = "name"

    name: str
    owner: str = ""
    region: str = ""  # where the line is; informational, not used for allocation
    kind: SupplyKind = SupplyKind.PACKAGING
    # Units of its kind per year.
    capacity_by_year: dict[int, float] = dataclass_field(default_factory=dict)
    ai_share: float = 1.0
    yield_fraction: float = 1.0
    source: str = ""
    uid: int = dataclass_field(default_factory=new_uid, compare=False)

    def capacity_in(self, year: int) -> float:
        """Capacity in ``year``; outside the given years the nearest given year holds."""
        if not self.capacity_by_year:
            return 0.0
        if year in self.capacity_by_year:
            return self.capacity_by_year[year]
        years = sorted(self.capacity_by_year)
        nearest = years[0] if year < years[0] else years[-1] if year > years[-1] else None
        if nearest is not None:
            return self.capacity_by_year[nearest]
        lower = max(y for y in years if y < year)
        upper = min(y for y in years if y > year)
        share = (year - lower) / (upper - lower)
        low, high = self.capacity_by_year[lower], self.capacity_by_year[upper]
        return low + share * (high - low)


class Operation(StrEnum):
    SET = "set"
    MULTIPLY = "multiply"
    ADD = "add"
    SHIFT_YEARS = "shift_years"


@dataclass(slots=True)
class Override:
    """One scenario edit: ``selector``'s ``field`` gets ``operation`` with ``value``.

    ``year_from``/``year_to`` restrict it: for time series (supply capacity, prices) to those
    periods; for phases, to phases whose planned online year falls in the range.
    """

    selector: str
    field: str
    operation: Operation
    value: float
    year_from: int | None = None
    year_to: int | None = None
    note: str = ""
    uid: int = dataclass_field(default_factory=new_uid, compare=False)


@dataclass(slots=True)
class Distribution:
    """A named distribution with its parameters (see ``core.distributions`` for the meanings)."""

    kind: str
    params: tuple[float, ...]

    def __str__(self) -> str:
        return f"{self.kind}({', '.join(f'{p:g}' for p in self.params)})"


@dataclass(slots=True)
class Uncertainty:
    """A Monte Carlo input: the sampled value is applied to ``field`` with ``operation``.

    ``per_entity`` draws independently for each selected row (site capacities); otherwise one
    draw per sample is shared by all selected rows (one accelerator price for the world).
    """

    name: str
    selector: str
    field: str
    distribution: Distribution
    operation: Operation = Operation.MULTIPLY
    per_entity: bool = False
    uid: int = dataclass_field(default_factory=new_uid, compare=False)


@dataclass(slots=True)
class Correlation:
    """Target rank correlation between two shared (not per-entity) uncertainties."""

    first: str
    second: str
    rank_correlation: float


@dataclass(slots=True)
class Scenario:
    KIND: ClassVar[str] = "scenario"
    KEY: ClassVar[str] = "name"

    name: str
    description: str = ""
    parent: str | None = None
    overrides: list[Override] = dataclass_field(default_factory=list)
    uncertainties: list[Uncertainty] = dataclass_field(default_factory=list)
    correlations: list[Correlation] = dataclass_field(default_factory=list)
    uid: int = dataclass_field(default_factory=new_uid, compare=False)


@dataclass(slots=True)
class Settings:
    title: str = "Untitled model"
    base_year: int = 2025
    horizon_year: int = 2030
    period: PeriodKind = PeriodKind.YEAR
    currency_year: int = 2025
    discount_rate: float = 0.08
    mc_samples: int = 10_000
    mc_seed: int = 20_260_101
    default_facility_capex_usd_per_mw: float = 11_700_000.0
    # The modelled sites are a slice of world demand; this share of the supply lines' AI output
    # serves them (the rest goes to demand the model does not list).
    supply_share_to_model: float = 1.0
    it_capex_timing: ITCapexTiming = ITCapexTiming.DELIVERY
    replace_retired_accelerators: bool = True
    hours_per_year: float = 8760.0


@dataclass(slots=True)
class Model:
    """One document's content. Lists keep the user's order; keys need not be unique until valid."""

    settings: Settings = dataclass_field(default_factory=Settings)
    regions: list[Region] = dataclass_field(default_factory=list)
    accelerators: list[Accelerator] = dataclass_field(default_factory=list)
    sites: list[Site] = dataclass_field(default_factory=list)
    phases: list[Phase] = dataclass_field(default_factory=list)
    supply_lines: list[SupplyLine] = dataclass_field(default_factory=list)
    scenarios: list[Scenario] = dataclass_field(default_factory=list)

    def collection(self, kind: str) -> list[Any]:
        tables: dict[str, list[Any]] = {
            "region": self.regions,
            "accelerator": self.accelerators,
            "site": self.sites,
            "phase": self.phases,
            "supply_line": self.supply_lines,
            "scenario": self.scenarios,
        }
        return tables[kind]

    def region(self, code: str) -> Region | None:
        return next((r for r in self.regions if r.code == code), None)

    def accelerator(self, name: str) -> Accelerator | None:
        return next((a for a in self.accelerators if a.name == name), None)

    def site(self, name: str) -> Site | None:
        return next((s for s in self.sites if s.name == name), None)

    def scenario(self, name: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.name == name), None)

    def phases_of(self, site_name: str) -> list[Phase]:
        return [p for p in self.phases if p.site == site_name]

    @property
    def periods_per_year(self) -> int:
        return 4 if self.settings.period == PeriodKind.QUARTER else 1
