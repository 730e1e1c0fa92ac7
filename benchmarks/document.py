"""Open and save times of a .atlas document with 10,000 sites and 30,000 phases.

Run from the repository root::

    .venv/bin/python benchmarks/document.py

Budget (issue): open ≤ 0.5 s and save ≤ 0.5 s on the project's 2-core machines. Each figure is
the median of 5 runs (min and max beside it). For scale, the same rows are also written and read
with bare ``sqlite3`` in this process (same pragmas, one transaction, fsync; no codec, no schema
helper, no rename), so the ratio shows what the document layer adds over SQLite itself.
Timings are not asserted anywhere: machines vary 15–30 % from run to run.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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
    SiteStatus,
    SupplyKind,
    SupplyLine,
    Uncertainty,
)
from desktop_app.core.validation import validate
from desktop_app.storage.codec import model_to_rows, rows_to_model
from desktop_app.storage.document import read_model, write_model
from desktop_app.storage.schema import all_tables

SITES = 10_000
PHASES_PER_SITE = 3
REPEATS = 5
BUDGET_SECONDS = 0.5
SQL_TYPES = {int: "INTEGER", float: "REAL", str: "TEXT"}


def synthetic_model(sites: int = SITES, phases_per_site: int = PHASES_PER_SITE) -> Model:
    """A valid model of the benchmark's size with realistic text and a few of everything else."""
    regions = [Region(code=code, name=name, electricity_price_usd_per_mwh=40.0 + 10 * i,
                      default_pue=1.1 + 0.05 * i, source="synthetic")
               for i, (code, name) in enumerate([
                   ("US", "United States"), ("CN", "China"), ("IN", "India"), ("NO", "Norway"),
                   ("AE", "United Arab Emirates"), ("JP", "Japan"), ("DE", "Germany"),
                   ("BR", "Brazil")])]
    accelerators = [Accelerator(name=name, vendor=vendor, first_year=2024 + i % 3,
                                unit_price_usd=20_000.0 + 5_000 * i, power_kw=1.2 + 0.2 * i,
                                source="synthetic")
                    for i, (name, vendor) in enumerate([
                        ("H100", "Nvidia"), ("B200", "Nvidia"), ("GB300", "Nvidia"),
                        ("MI355X", "AMD"), ("TPU v7", "Google"), ("Trainium 3", "AWS")])]
    statuses = list(SiteStatus)
    site_list = [
        Site(name=f"Campus {i:05d}", operator=f"Operator {i % 150}",
             region=regions[i % len(regions)].code, status=statuses[i % len(statuses)],
             accelerator=accelerators[i % len(accelerators)].name,
             pue=None if i % 3 else 1.2 + (i % 20) / 100, utilisation=0.6 + (i % 30) / 100,
             completion_probability=0.5 + (i % 50) / 100,
             accelerators_per_mw=None if i % 4 else 600.0 + i % 200,
             source=f"https://example.com/news/{i}", notes="synthetic site" if i % 5 else "")
        for i in range(sites)]
    phases = [
        Phase(site=site.name, name=f"Phase {j + 1}", capacity_mw=20.0 + (i * 7 + j * 13) % 480,
              online_year=2025 + (i + j) % 6, online_quarter=1 + (i + j) % 4,
              facility_capex_usd_per_mw=None if (i + j) % 2 else 10e6 + (i % 10) * 1e5,
              lead_time_years=1.0 + (i % 4) * 0.5, source="synthetic")
        for i, site in enumerate(site_list) for j in range(phases_per_site)]
    supply_lines = [
        SupplyLine(name=f"{kind.value} line {k}", owner="Foundry", region="TW", kind=kind,
                   capacity_by_year={y: (1.0e6 if kind != SupplyKind.HBM else 1.0e9)
                                     * (1 + 0.3 * (y - 2025)) for y in range(2025, 2031)},
                   ai_share=0.8, yield_fraction=0.9)
        for k, kind in enumerate(SupplyKind)]
    scenarios = [
        Scenario(name="Baseline", uncertainties=[
            Uncertainty("price", "accelerator:*", "unit_price_usd",
                        Distribution("lognormal90", (0.8, 1.25))),
            Uncertainty("power", "accelerator:*", "power_kw", Distribution("normal", (1.0, 0.05))),
        ], correlations=[Correlation("price", "power", 0.3)]),
        Scenario(name="Packaging tight", parent="Baseline", overrides=[
            Override("supply_line[kind=packaging]", "capacity_by_year", Operation.MULTIPLY, 0.75,
                     2025, 2027),
        ]),
        Scenario(name="Slow India", parent="Baseline", overrides=[
            Override("phase[region=IN]", "online_year", Operation.SHIFT_YEARS, 1.0),
        ]),
    ]
    return Model(settings=Settings(title="Benchmark"), regions=regions,
                 accelerators=accelerators, sites=site_list, phases=phases,
                 supply_lines=supply_lines, scenarios=scenarios)


def timed(action: Callable[[], object], repeats: int = REPEATS) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def describe(times: list[float]) -> str:
    return (f"{statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}, "
            f"n={len(times)})")


def raw_write(rows: dict[str, list[tuple]], path: Path) -> None:
    """The same rows with bare sqlite3: one transaction, the pragmas write_model uses, fsync."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        for table, cols in all_tables().items():
            ddl = ", ".join(f"[{c}] {SQL_TYPES[t]}" for c, t in cols.items())
            conn.execute(f"CREATE TABLE [{table}] ({ddl})")
            conn.executemany(f"INSERT INTO [{table}] VALUES ({', '.join('?' * len(cols))})",
                             rows[table])
        conn.execute("COMMIT")
    finally:
        conn.close()
    with path.open("rb+") as f:
        os.fsync(f.fileno())


def raw_read(path: Path) -> int:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return sum(len(conn.execute(f"SELECT * FROM [{t}]").fetchall()) for t in all_tables())
    finally:
        conn.close()


def raw_read_dicts(path: Path) -> dict[str, list[dict]]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return {t: [dict(r) for r in conn.execute(f"SELECT * FROM [{t}]")] for t in all_tables()}
    finally:
        conn.close()


def verdict(seconds: float) -> str:
    return "OK" if seconds <= BUDGET_SECONDS else "OVER"


def main() -> None:
    started = time.perf_counter()
    model = synthetic_model()
    problems = validate(model)
    rows = model_to_rows(model)
    total_rows = sum(len(r) for r in rows.values())
    print(f"model: {len(model.sites):,} sites, {len(model.phases):,} phases, "
          f"{len(model.regions)} regions, {len(model.accelerators)} accelerators, "
          f"{len(model.supply_lines)} supply lines, {len(model.scenarios)} scenarios; "
          f"{total_rows:,} rows; validation problems: {len(problems)}")
    if problems:
        print("  first problems:", "; ".join(str(p) for p in problems[:3]))

    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as directory:
        path = Path(directory) / "benchmark.atlas"
        raw_path = Path(directory) / "raw.sqlite"

        save = timed(lambda: write_model(model, path))
        opened = timed(lambda: read_model(path))
        assert read_model(path) == model, "round trip changed the model"
        raw_save = timed(lambda: raw_write(rows, raw_path))
        raw_open = timed(lambda: raw_read(raw_path))
        raw_open_dicts = timed(lambda: raw_read_dicts(raw_path))
        encode = timed(lambda: model_to_rows(model))
        dict_rows = raw_read_dicts(raw_path)
        decode = timed(lambda: rows_to_model(dict_rows))
        size = path.stat().st_size
        raw_size = raw_path.stat().st_size

    save_s, open_s = statistics.median(save), statistics.median(opened)
    raw_save_s, raw_open_s = statistics.median(raw_save), statistics.median(raw_open)
    print(f"file: {size / 1e6:.2f} MB ({size:,} bytes); bare sqlite3 file {raw_size:,} bytes")
    print(f"save (write_model)       {describe(save)}  {total_rows / save_s:,.0f} rows/s")
    print(f"open (read_model)        {describe(opened)}  {total_rows / open_s:,.0f} rows/s")
    print(f"bare sqlite3 executemany {describe(raw_save)}  {total_rows / raw_save_s:,.0f} rows/s")
    print(f"bare sqlite3 SELECT *    {describe(raw_open)}  {total_rows / raw_open_s:,.0f} rows/s")
    print(f"  SELECT * as dicts      {describe(raw_open_dicts)}")
    print(f"  codec model_to_rows    {describe(encode)}")
    print(f"  codec rows_to_model    {describe(decode)}")
    print(f"overhead over bare sqlite3: save ×{save_s / raw_save_s:.1f}, "
          f"open ×{open_s / raw_open_s:.1f}")
    print(f"open {open_s:.3f} s (budget {BUDGET_SECONDS} s) {verdict(open_s)}")
    print(f"save {save_s:.3f} s (budget {BUDGET_SECONDS} s) {verdict(save_s)}")
    print(f"(benchmark took {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
