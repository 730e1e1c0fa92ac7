"""The navigator follows every edit incrementally and always matches the model."""

from __future__ import annotations

from desktop_app.core import edits

pytest_plugins = ["ui_fixtures"]
SITE = "Stargate Abilene"


def tree(navigator) -> dict[str, list[str]]:
    """Site label → its phase labels, as the tree shows them."""
    model = navigator.model
    sites = model.category_index("site")
    out = {}
    for row in range(model.rowCount(sites)):
        site = model.index(row, 0, sites)
        out[site.data()] = [model.index(i, 0, site).data().split(" · ")[0]
                            for i in range(model.rowCount(site))]
    return out


def expected(model) -> dict[str, list[str]]:
    out = {}
    for site in model.sites:
        out.setdefault(site.name, [p.name for p in model.phases_of(site.name)])
    return out


def test_tree_matches_the_model_through_edits_and_undo(qtmodeltester, window):
    navigator, session = window.navigator, window.session
    qtmodeltester.check(navigator.model, force_py=False)
    model = session.model
    steps = [  # each built when it runs, from the model as it is then
        lambda: edits.RemoveRows("site", [model.site(SITE).uid]),
        lambda: edits.SetField("site", model.sites[1].uid, "name", "Colossus One"),
        lambda: edits.SetField("phase", model.phases_of("Meta Prometheus")[0].uid, "site",
                               "Meta Hyperion"),
        lambda: edits.duplicate_rows(model, "site", [model.site("Meta Hyperion").uid]),
        lambda: edits.InsertRows("phase", [(0, edits.new_phase(model, "Meta Prometheus"))]),
        lambda: edits.SetField("phase", model.phases_of("Meta Prometheus")[0].uid,
                               "capacity_mw", 999.0),
        lambda: edits.RemoveRows("phase", [p.uid for p in model.phases_of("Meta Hyperion")]),
    ]
    for step in steps:
        session.push(step(), "step")
        assert tree(navigator) == expected(model)
    assert model.site("Meta Hyperion (copy)") is not None
    assert tree(navigator)["Meta Hyperion"] == []
    assert len(tree(navigator)["Meta Hyperion (copy)"]) == 3  # copied before the removal
    for _ in steps:
        session.stack.undo()
        assert tree(navigator) == expected(model)
    assert model.site(SITE) is not None
    assert navigator.model.index(0, 0, navigator.model.category_index("site")).data() == SITE
    qtmodeltester.check(navigator.model, force_py=True)


def test_category_labels_count_rows(window):
    navigator = window.navigator.model
    sites = navigator.category_index("site")
    assert sites.data() == "Sites and phases (33)"
    window.editors["site"].add_row()
    assert sites.data() == "Sites and phases (34)"


def test_large_categories_start_folded(qtbot, window):
    from desktop_app.core.model import Site

    nav = window.navigator
    assert nav.view.isExpanded(nav.model.category_index("site"))
    model = window.session.model
    many = [Site(f"Bulk {i}", region="US", accelerator="B200") for i in range(400)]
    model.sites.extend(many)
    window.session.replace(window.session.document)
    assert not nav.view.isExpanded(nav.model.category_index("site"))
    assert nav.view.isExpanded(nav.model.category_index("region"))
