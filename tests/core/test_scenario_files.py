"""Scenario files: round trip through the projection, resolution reports, hostile input."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.cli import main
from desktop_app.core.engine.project import project
from desktop_app.core.sample_model import build_sample_model
from desktop_app.core.scenario_diff import diff_scenarios, output_deltas
from desktop_app.core.scenario_files import (
    ScenarioFileError,
    parse_scenario,
    read_scenario_file,
    scenario_to_dict,
    schema,
    write_scenario_file,
)
from desktop_app.core.scenario_import import ImportRefused, apply_import, plan_import
from desktop_app.storage.document import write_model

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(scope="module")
def sample():
    return build_sample_model()


@pytest.mark.parametrize("index", range(4))
def test_round_trip_projects_identically(sample, tmp_path: Path, index: int) -> None:
    scenario = sample.scenarios[index]
    path = tmp_path / "s.scenario.json"
    write_scenario_file(scenario, path, {"author": "test"})
    jsonschema.validate(json.loads(path.read_text()), schema())
    fresh = build_sample_model()
    read, provenance = read_scenario_file(path)
    assert provenance == {"author": "test"}
    report = plan_import(fresh, read, as_name=f"{scenario.name} (imported)")
    assert report.ok and not report.unresolved
    apply_import(fresh, report)
    original = project(fresh, scenario.name)
    imported = project(fresh, f"{scenario.name} (imported)")
    np.testing.assert_array_equal(original.values, imported.values)
    np.testing.assert_array_equal(original.bottleneck, imported.bottleneck)


def test_missing_site_is_reported_exactly(sample) -> None:
    fresh = build_sample_model()
    scenario = copy.deepcopy(sample.scenario("Sovereign buildout"))
    gone = "Stargate UAE expansion"
    fresh.phases = [p for p in fresh.phases if p.site != gone]
    fresh.sites = [s for s in fresh.sites if s.name != gone]
    report = plan_import(fresh, scenario, as_name="Imported")
    assert len(report.unresolved) == 1
    assert gone in report.unresolved[0] and "matches nothing" in report.unresolved[0]
    before = copy.deepcopy(fresh)
    with pytest.raises(ImportRefused):
        apply_import(fresh, report)
    assert fresh == before  # refused: nothing changed
    imported = apply_import(fresh, report, partial=True)
    assert len(imported.overrides) == len(scenario.overrides) - 1


def test_name_clash_needs_a_new_name_or_replace(sample) -> None:
    fresh = build_sample_model()
    scenario = sample.scenario("Supply glut")
    report = plan_import(fresh, scenario)
    assert report.clash and not report.ok
    with pytest.raises(ImportRefused):
        apply_import(fresh, report)
    changed = copy.deepcopy(scenario)
    changed.overrides[0].value = 2.0
    apply_import(fresh, plan_import(fresh, changed, replace=True))
    assert fresh.scenario("Supply glut").overrides[0].value == 2.0
    assert [s.name for s in fresh.scenarios].count("Supply glut") == 1


def test_version_1_file_upgrades_on_import() -> None:
    scenario, _ = read_scenario_file(FIXTURES / "v1.scenario.json")
    assert scenario.parent == "Baseline"
    assert (scenario.overrides[0].year_from, scenario.overrides[0].year_to) == (2026, None)
    assert scenario.uncertainties[0].distribution.kind == "uniform"
    fresh = build_sample_model()
    report = plan_import(fresh, scenario)
    assert report.ok, report.text()
    apply_import(fresh, report)
    capped = project(fresh, scenario.name)
    cn = capped.series("accelerators_delivered", "CN")
    baseline = project(fresh, "Baseline").series("accelerators_delivered", "CN")
    assert cn.sum() <= baseline.sum()


@pytest.mark.parametrize("payload, reason", [
    (b"", "not valid JSON"),
    (b"\xff\xfe garbage", "not UTF-8"),
    (b"[1, 2", "not valid JSON"),
    (b'{"format": "something-else", "version": 2}', "not a Compute Atlas scenario"),
    (b'{"format": "compute-atlas-scenario", "version": 99, "scenario": {}}', "version 99"),
    (b'{"format": "compute-atlas-scenario", "version": 2, "scenario": {"name": 5}}', "schema"),
    (b'{"format": "compute-atlas-scenario", "version": 2, "scenario": {"name": "x",'
     b' "overrides": [{"selector": "site:*", "field": "pue", "operation": "set",'
     b' "value": NaN}]}}', "NaN"),
    (b'{"format": "compute-atlas-scenario", "version": 2, "scenario": {"name": "x",'
     b' "overrides": [{"selector": "site:*", "field": "pue", "operation": "set",'
     b' "value": 1e999}]}}', "overflows"),
    (b'{"format": "compute-atlas-scenario", "version": 2, "scenario": {"name": "x",'
     b' "overrides": [{"selector": "site:*", "field": "pue", "operation": "eval",'
     b' "value": 1}]}}', "schema"),
    (b"[" * 5000 + b"]" * 5000, "nests deeper"),
    (b'{"format": "compute-atlas-scenario", "version": 2, "scenario": {"name": "x"}, "x": '
     + b"9" * 5000 + b"}", "too long"),
])
def test_hostile_files_get_a_clear_error(payload: bytes, reason: str) -> None:
    with pytest.raises(ScenarioFileError, match=reason):
        parse_scenario(payload, "evil.scenario.json")


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.scenario.json"
    with path.open("wb") as f:
        f.truncate(6 * 2**20)
    with pytest.raises(ScenarioFileError, match="limited"):
        read_scenario_file(path)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def atlas_and_valid_file(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("fuzz")
    atlas = folder / "model.atlas"
    write_model(build_sample_model(), atlas)
    valid = json.dumps(scenario_to_dict(build_sample_model().scenario("Supply glut")))
    return atlas, valid


@st.composite
def mutated(draw: st.DrawFn, text: str) -> bytes:
    raw = bytearray(text.encode())
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "delete", "swap-number"]))
        at = draw(st.integers(0, max(0, len(raw) - 1)))
        if op == "flip" and raw:
            raw[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del raw[at:]
        elif op == "insert":
            raw[at:at] = draw(st.sampled_from(
                [b'"', b"{", b"]", b"NaN", b"-1e308", b"\x00", b'"settings"', b",", b"null",
                 b'"site:Nowhere"', b"-5", b"true"]))
        elif op == "swap-number":
            raw = bytearray(bytes(raw).replace(b"1.5", draw(st.sampled_from(
                [b"-1.5", b"0", b"1e400", b'"1.5"', b"[]"])), 1))
        elif raw:
            del raw[at]
    return bytes(raw)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_imports_never_crash_or_half_apply(atlas_and_valid_file, tmp_path_factory,
                                                  data: st.DataObject) -> None:
    atlas, valid = atlas_and_valid_file
    payload = data.draw(st.one_of(mutated(valid), st.binary(max_size=300)))
    path = tmp_path_factory.mktemp("f") / "x.scenario.json"
    path.write_bytes(payload)
    before = _digest(atlas)
    code = main(["scenario", "import", str(atlas), str(path), "--as", "Fuzzed"])
    after = _digest(atlas)
    if code == 0:
        # It imported: the document is a valid model with the scenario, written atomically.
        from desktop_app.storage.document import read_model

        model = read_model(atlas)
        assert model.scenario("Fuzzed") is not None
        write_model(build_sample_model(), atlas)  # reset for the next example
    else:
        assert code in (1, 3)
        assert after == before, "a rejected import changed the document"


def test_cli_export_import_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    atlas = tmp_path / "m.atlas"
    assert main(["new", "--sample", str(atlas)]) == 0
    out = tmp_path / "glut.scenario.json"
    assert main(["scenario", "export", str(atlas), "Supply glut", "--out", str(out)]) == 0
    assert main(["scenario", "import", str(atlas), str(out)]) == 1  # clash, nothing changed
    assert main(["scenario", "import", str(atlas), str(out), "--as", "Glut 2"]) == 0
    capsys.readouterr()
    assert main(["scenario", "diff", str(atlas), "Baseline", "Glut 2"]) == 0
    text = capsys.readouterr().out
    assert "+ override supply_line[kind=packaging] capacity_by_year multiply" in text
    assert "Total spend 2030" in text and "Online capacity 2030" in text
    assert main(["scenario", "list", str(atlas)]) == 0
    assert "Glut 2 (from Baseline)" in capsys.readouterr().out


def test_diff_reports_changes_and_effects(sample) -> None:
    a = sample.scenario("Packaging constrained to 2027")
    b = copy.deepcopy(a)
    b.name = "Tighter"
    b.overrides[0].value = 0.5
    changes = diff_scenarios(a, b, sample)
    assert [c.status for c in changes] == ["changed"]
    assert "0.75 → 0.5" in str(changes[0]) or "→ 0.5" in str(changes[0])
    model = copy.copy(sample)
    model.scenarios = [*sample.scenarios, b]
    deltas = {d.label.split(" 20")[0]: d for d in output_deltas(model, a.name, "Tighter")}
    assert deltas["Cumulative spend"].delta != 0.0


def test_readme_example_is_a_valid_scenario_file() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Scenario files", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    scenario, provenance = parse_scenario(block.encode(), "README example")
    assert scenario.name == "Export controls 2026" and provenance["author"] == "priya"
    report = plan_import(build_sample_model(), scenario)
    assert report.ok, report.text()


def test_import_of_a_child_sees_the_correlations_it_inherits(sample) -> None:
    """The report uses the merged chain as a run does: a child that redefines an inherited,
    correlated input per entity is unresolved; a partial import keeps a child's correlation
    of two inherited inputs."""
    from desktop_app.core.model import Correlation, Scenario

    fresh = copy.deepcopy(sample)
    parent = next(s for s in fresh.scenarios if s.correlations)
    first, second = parent.correlations[0].first, parent.correlations[0].second
    inherited = {u.name: u for u in parent.uncertainties}
    per_entity = copy.deepcopy(inherited[second])
    per_entity.per_entity = True
    breaks = Scenario("Breaks it", parent=parent.name, uncertainties=[per_entity])
    report = plan_import(fresh, breaks)
    assert any(item.startswith(f"uncertainty {second}") and "drawn per entity" in item
               for item in report.unresolved), report.text()  # blamed on the child's own item
    with pytest.raises(ImportRefused):
        apply_import(fresh, report)
    partial = apply_import(copy.deepcopy(fresh), report, partial=True)
    assert partial.uncertainties == []  # the redefinition goes; the parent's holds
    shared = [u.name for u in parent.uncertainties if not u.per_entity]
    pair = next((a, b) for a in shared for b in shared if a < b and {a, b} != {first, second})
    child = Scenario("Correlates inherited", parent=parent.name,
                     correlations=[Correlation(*pair, 0.3)])
    report = plan_import(fresh, child)
    assert report.unresolved == [] and len(report.applicable) == 1, report.text()
    assert apply_import(fresh, report, partial=True).correlations == child.correlations


def test_a_partial_import_always_adds_a_valid_scenario(sample) -> None:
    """What validation would still refuse once the unresolved items are gone goes too: a
    correlation that contradicts the inherited ones, a correlation of a dropped input."""
    from desktop_app.core.model import Correlation, Scenario
    from desktop_app.core.validation import validate

    fresh = copy.deepcopy(sample)
    parent = next(s for s in fresh.scenarios if len(s.correlations) >= 1)
    first, second = parent.correlations[0].first, parent.correlations[0].second
    wanted = parent.correlations[0].rank_correlation
    contradicts = Scenario("Contradicts", parent=parent.name, correlations=[
        Correlation(first, second, -wanted)])
    # restating the pair the other way round is one pair (the child's value wins): allowed
    assert plan_import(fresh, contradicts).unresolved == []
    shared = [u for u in parent.uncertainties if not u.per_entity]
    third = next(u.name for u in shared if u.name not in (first, second))
    hostile = Scenario("Hostile", parent=parent.name, correlations=[
        Correlation(first, third, 0.95), Correlation(second, third, -0.95)])
    report = plan_import(fresh, hostile)
    assert any("contradict" in item for item in report.unresolved), report.text()
    added = apply_import(fresh, report, partial=True)
    assert added.correlations == [] and validate(fresh) == []


def test_diff_sees_a_pair_in_either_order_as_one(sample) -> None:
    from desktop_app.core.model import Correlation, Scenario
    from desktop_app.core.scenario_diff import diff_scenarios

    fresh = copy.deepcopy(sample)
    parent = next(s for s in fresh.scenarios if s.correlations)
    c = parent.correlations[0]
    same = Scenario("Same", parent=parent.name,
                    correlations=[Correlation(c.second, c.first, c.rank_correlation)])
    other = Scenario("Other", parent=parent.name,
                     correlations=[Correlation(c.second, c.first, 0.1)])
    fresh.scenarios += [same, other]
    assert [x for x in diff_scenarios(parent, same, fresh) if x.item == "correlation"] == []
    changed = [x for x in diff_scenarios(parent, other, fresh) if x.item == "correlation"]
    assert [x.status for x in changed] == ["changed"], changed
