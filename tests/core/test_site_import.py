"""CSV sites: mapping, unit parsing, per-row problems, all-or-nothing, hostile input."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.cli import main
from desktop_app.core.sample_model import build_sample_model
from desktop_app.core.site_import import (
    SiteImportError,
    apply,
    detect_mapping,
    preview,
    read_table,
)
from desktop_app.storage.document import read_model, write_model

GOOD = """Site,Operator,Country,Status,GPU,PUE,Utilization,Phase,Capacity (MW),Online,Quarter
Alpha Campus,Acme,US,announced,B200,1.2,70 %,Phase 1,350 MW,2027,2
Alpha Campus,Acme,US,announced,B200,1.2,70 %,Phase 2,1.2 GW,2028,Q1
Beta Park,Beta,IN,under_construction,H100,,65%,,200,2026,
"""


@pytest.fixture()
def model():
    return build_sample_model()


def test_headers_map_themselves() -> None:
    mapping = detect_mapping(["Site name", "Country", "GPU", "IT capacity (MW)", "COD",
                              "Whatever"])
    assert mapping == {"Site name": "name", "Country": "region", "GPU": "accelerator",
                       "IT capacity (MW)": "capacity_mw", "COD": "online_year"}


def test_good_csv_parses_units_and_groups_phases(model) -> None:
    result = preview(model, GOOD)
    assert result.ok, result.text()
    assert [s.name for s in result.sites] == ["Alpha Campus", "Beta Park"]
    alpha = [p for p in result.phases if p.site == "Alpha Campus"]
    assert [(p.name, p.capacity_mw, p.online_quarter) for p in alpha] == [
        ("Phase 1", 350.0, 2), ("Phase 2", 1200.0, 1)]
    beta = result.sites[1]
    assert beta.pue is None and beta.utilisation == pytest.approx(0.65)
    before = len(model.sites)
    apply(model, result)
    assert len(model.sites) == before + 2


def test_every_problem_is_reported_and_nothing_applies(model) -> None:
    bad = GOOD + "Gamma,G,XX,announced,B200,0.9,70%,,-5,2040,\n"
    bad += "Alpha Campus,Other,US,announced,B200,1.2,70 %,Phase 3,10,2029,1\n"
    result = preview(model, bad)
    assert not result.ok
    text = result.text()
    for expected in ("cannot be negative", "region 'XX' does not exist",
                     "year 2040 is outside", "PUE must be ≥ 1", "differs from this site's"):
        assert expected in text, text
    snapshot = copy.deepcopy(model)
    with pytest.raises(SiteImportError):
        apply(model, result)
    assert model == snapshot


def test_existing_site_and_missing_columns(model) -> None:
    clash = GOOD.replace("Beta Park", "xAI Colossus 1")
    assert "already in the model" in preview(model, clash).text()
    no_capacity = "Site,Country,GPU,Online\nA,US,B200,2027\n"
    result = preview(model, no_capacity)
    assert not result.ok and "no column for capacity_mw" in result.text()
    mapped = preview(model, "Site,Country,GPU,Online,Size\nA,US,B200,2027,5 MW\n",
                     {"Size": "capacity_mw"})
    assert mapped.ok and mapped.phases[0].capacity_mw == 5.0


def test_a_column_mapped_to_nothing_is_ignored(model) -> None:
    result = preview(model, GOOD, {"PUE": "", "Utilization": ""})
    assert result.ok, result.text()
    assert "PUE" not in result.mapping and "Utilization" not in result.mapping
    assert result.sites[0].pue is None and result.sites[0].utilisation == 0.7


def test_read_table_numbers_rows_like_the_preview(model) -> None:
    text = "Site;Country;GPU;MW;Online\nA;US;B200;5;2027\n;;;;\nB;US;B200;-1;2027\n"
    headers, rows = read_table(text)
    assert headers == ["Site", "Country", "GPU", "MW", "Online"]
    assert [n for n, _ in rows] == [r.line for r in preview(model, text).rows] == [2, 4]
    assert rows[1][1][3] == "-1"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_cli_rejects_whole_file_and_leaves_bytes(tmp_path: Path) -> None:
    atlas = tmp_path / "m.atlas"
    write_model(build_sample_model(), atlas)
    csv_path = tmp_path / "s.csv"
    csv_path.write_text(GOOD + "Gamma,G,XX,announced,B200,1.2,70%,,5,2027,\n")
    before = _digest(atlas)
    assert main(["import-sites", str(atlas), str(csv_path)]) == 1
    assert _digest(atlas) == before
    csv_path.write_text(GOOD)
    assert main(["import-sites", str(atlas), str(csv_path)]) == 0
    assert len(read_model(atlas).sites) == len(build_sample_model().sites) + 2


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.text(max_size=400),
    st.lists(st.lists(st.sampled_from(["", "Alpha", "US", "B200", "-1", "NaN", "1e400", "GW",
                                       "2027", "Q5", '"', ",", "\x00", "inf", "70 %"]),
                      min_size=1, max_size=12), max_size=8)
    .map(lambda rows: "Site,Country,GPU,Capacity,Online,PUE\n"
         + "\n".join(",".join(r) for r in rows)),
))
def test_fuzzed_csv_never_crashes_or_half_applies(text: str) -> None:
    model = build_sample_model()
    snapshot = copy.deepcopy(model)
    try:
        result = preview(model, text)
    except SiteImportError:
        assert model == snapshot
        return
    assert model == snapshot  # preview never changes the model
    if result.ok:
        apply(model, result)
        assert len(model.sites) == len(snapshot.sites) + len(result.sites)
    else:
        with pytest.raises(SiteImportError):
            apply(model, result)
        assert model == snapshot


def test_every_problem_is_blamed_on_a_column_of_the_file(model) -> None:
    """A phase-key problem without a phase column (the name was generated) is blamed on the
    site-name column, which the key comes from — not on "name", which is no header here."""
    site = model.sites[0].name  # its first phase is "<site>/Phase 1", as the generated name
    text = f"Site,Region,GPU,MW,Year\n{site},US,H100,10,2026\n"
    result = preview(model, text)
    (row,) = result.rows
    assert row.problems
    assert {column for column, _ in row.problems} <= set(result.headers)
    assert ("Site", "2 rows share this key; keys must be unique") in row.problems


def test_problems_of_the_phase_key_and_source_are_blamed_on_the_phase_columns(model) -> None:
    text = ("Phase,Site,Region,GPU,MW,Year\nP1,New,US,H100,10,2026\nP1,New,US,H100,10,2027\n"
            "P1,A/B,US,H100,10,2026\n")
    rows = preview(model, text).rows
    assert rows[1].problems == [("Phase", "2 rows share this key; keys must be unique")]
    assert rows[2].problems == [("Site", "must not contain '/' (it separates site and phase)")]
