"""Reversible edits: apply then revert leaves the model exactly as it was, and views hear it."""

from __future__ import annotations

import copy

import pytest

from desktop_app.core import edits
from desktop_app.core.edits import (
    Batch,
    InsertRows,
    ModelEvents,
    PutScenario,
    RemoveRows,
    RowsChanged,
    RowsInserted,
    RowsRemoved,
    SetField,
)
from desktop_app.core.model import (
    Accelerator,
    Model,
    Operation,
    Override,
    Phase,
    Region,
    Scenario,
    Site,
)


def small_model() -> Model:
    return Model(
        regions=[Region("US"), Region("IN")],
        accelerators=[Accelerator("B200")],
        sites=[Site("Alpha", region="US", accelerator="B200"),
               Site("Beta", region="IN", accelerator="B200")],
        phases=[Phase("Alpha", "Phase 1"), Phase("Beta", "Phase 1"), Phase("Alpha", "Phase 2")],
        scenarios=[Scenario("Base"), Scenario("Child", parent="Base", overrides=[
            Override("site[region=IN]", "utilisation", Operation.SET, 0.5),
            Override("phase:Alpha/Phase 1", "capacity_mw", Operation.MULTIPLY, 2),
            Override("site:Alpha", "utilisation", Operation.SET, 0.9)])],
    )


def snapshot(model: Model) -> tuple:
    return copy.deepcopy(model), [[r.uid for r in model.collection(k)] for k in
                                  ("region", "site", "phase", "scenario")]


@pytest.fixture
def recorded():
    events = ModelEvents()
    seen: list = []
    events.subscribe(seen.append)
    return events, seen


def assert_round_trip(model: Model, edit: edits.Edit, events: ModelEvents) -> None:
    before = snapshot(model)
    edit.apply(model, events)
    assert snapshot(model) != before
    edit.revert(model, events)
    assert snapshot(model) == before
    edit.apply(model, events)  # redo after undo works too
    edit.revert(model, events)
    assert snapshot(model) == before


def test_set_field(recorded):
    events, seen = recorded
    model = small_model()
    phase = model.phases[0]
    edit = SetField("phase", phase.uid, "capacity_mw", 250.0)
    edit.apply(model, events)
    assert phase.capacity_mw == 250.0
    assert seen == [RowsChanged("phase", (phase.uid,), ("capacity_mw",))]
    edit.revert(model, events)
    assert phase.capacity_mw == 100.0
    assert_round_trip(model, edit, events)


def test_rename_cascades_to_references_and_selectors(recorded):
    events, seen = recorded
    model = small_model()
    edit = SetField("region", model.regions[1].uid, "code", "IND")
    edit.apply(model, events)
    assert model.sites[1].region == "IND"
    assert model.scenarios[1].overrides[0].selector == "site[region=IND]"
    kinds = {e.kind for e in seen}
    assert kinds == {"region", "site", "scenario"}
    edit.revert(model, events)
    assert model.sites[1].region == "IN"
    assert model.scenarios[1].overrides[0].selector == "site[region=IN]"

    site_rename = SetField("site", model.sites[0].uid, "name", "Alpha Prime")
    site_rename.apply(model, events)
    assert [p.site for p in model.phases] == ["Alpha Prime", "Beta", "Alpha Prime"]
    assert model.scenarios[1].overrides[1].selector == "phase:Alpha Prime/Phase 1"
    assert model.scenarios[1].overrides[2].selector == "site:Alpha Prime"
    site_rename.revert(model, events)
    assert_round_trip(model, site_rename, events)
    assert_round_trip(model, SetField("scenario", model.scenarios[0].uid, "name", "Root"), events)


def test_insert_and_remove(recorded):
    events, seen = recorded
    model = small_model()
    new = Site("Gamma", region="US", accelerator="B200")
    insert = InsertRows("site", [(1, new)])
    insert.apply(model, events)
    assert [s.name for s in model.sites] == ["Alpha", "Gamma", "Beta"]
    assert seen[-1] == RowsInserted("site", (1,))
    insert.revert(model, events)
    assert seen[-1] == RowsRemoved("site", (1,), (new.uid,))
    assert_round_trip(model, insert, events)


def test_removing_a_site_takes_its_phases_and_undo_restores_positions(recorded):
    events, seen = recorded
    model = small_model()
    alpha = model.sites[0]
    remove = RemoveRows("site", [alpha.uid])
    remove.apply(model, events)
    assert [s.name for s in model.sites] == ["Beta"]
    assert [p.key for p in model.phases] == ["Beta/Phase 1"]
    assert [type(e) for e in seen] == [RowsRemoved, RowsRemoved]
    remove.revert(model, events)
    assert [p.key for p in model.phases] == ["Alpha/Phase 1", "Beta/Phase 1", "Alpha/Phase 2"]
    assert_round_trip(model, remove, events)


def test_duplicate_site_copies_phases_with_fresh_uids(recorded):
    events, _ = recorded
    model = small_model()
    edit = edits.duplicate_rows(model, "site", [model.sites[0].uid])
    edit.apply(model, events)
    assert [s.name for s in model.sites] == ["Alpha", "Alpha (copy)", "Beta"]
    assert [p.key for p in model.phases_of("Alpha (copy)")] == [
        "Alpha (copy)/Phase 1", "Alpha (copy)/Phase 2"]
    assert len({r.uid for r in model.sites}) == 3
    edit.revert(model, events)
    assert_round_trip(model, edit, events)


def test_batch_is_one_reversible_step(recorded):
    events, _ = recorded
    model = small_model()
    batch = Batch([SetField("site", s.uid, "utilisation", 0.5) for s in model.sites]
                  + [RemoveRows("phase", [model.phases[1].uid])])
    assert_round_trip(model, batch, events)


def test_put_scenario_adds_or_replaces_in_place(recorded):
    events, seen = recorded
    model = small_model()
    added = PutScenario(Scenario("Imported", parent="Base"))
    added.apply(model, events)
    assert [s.name for s in model.scenarios] == ["Base", "Child", "Imported"]
    assert seen[-1] == RowsInserted("scenario", (2,))
    added.revert(model, events)
    assert_round_trip(model, added, events)
    assert_round_trip(model, PutScenario(Scenario("First"), position=0), events)

    old_base = model.scenarios[0]
    new_base = Scenario("Base", description="from a colleague")
    replace = PutScenario(new_base)
    replace.apply(model, events)
    assert [s.name for s in model.scenarios] == ["Base", "Child"]
    assert model.scenarios[0] is new_base
    assert seen[-2:] == [RowsRemoved("scenario", (0,), (old_base.uid,)),
                         RowsInserted("scenario", (0,))]
    replace.revert(model, events)
    assert model.scenarios[0] is old_base
    assert_round_trip(model, replace, events)


def test_muted_events_are_silent(recorded):
    events, seen = recorded
    model = small_model()
    with events.muted():
        SetField("site", model.sites[0].uid, "utilisation", 0.1).apply(model, events)
    assert seen == []


def test_unique_key_and_new_phase():
    model = small_model()
    assert edits.unique_key({"A", "A 2"}, "A") == "A 3"
    assert edits.new_phase(model, "Alpha").name == "Phase 3"
    assert edits.phase_position(model, "Alpha") == 3
    assert edits.phase_position(model, "Nowhere") == 3


def test_a_batch_looks_rows_up_right_while_rows_come_and_go() -> None:
    """Batches find rows through a uid index (a fill of 10,000 cells scanned 10,000 rows per
    edit); inserts and removals inside the batch must not make it edit the wrong row."""
    from desktop_app.core.sample_model import build_sample_model

    model = build_sample_model()
    original = copy.deepcopy(model)
    a, b, c = model.sites[0], model.sites[1], model.sites[-1]
    added = copy.deepcopy(model.sites[2])
    added.name, added.uid = "Inserted site", 10**9
    batch = edits.Batch([
        edits.SetField("site", c.uid, "utilisation", 0.31),
        edits.RemoveRows("site", [a.uid]),
        edits.SetField("site", c.uid, "pue", 1.31),  # positions moved by one
        edits.InsertRows("site", [(0, added)]),
        edits.SetField("site", added.uid, "utilisation", 0.41),
        edits.SetField("site", b.uid, "utilisation", 0.51),  # moved back
    ])
    events = edits.ModelEvents()
    batch.apply(model, events)
    assert (c.utilisation, c.pue, b.utilisation) == (0.31, 1.31, 0.51)
    assert model.site("Inserted site").utilisation == 0.41 and model.site(a.name) is None
    batch.revert(model, events)
    assert model == original
    with pytest.raises(KeyError):
        edits.Batch([edits.SetField("site", 123456789, "pue", 1.2)]).apply(model, events)
