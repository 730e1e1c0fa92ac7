"""Child of ``tests/storage/test_atomic_save.py``: save a document over and over until killed.

``python tests/helpers/save_loop.py PATH`` reads model A from PATH, derives B and C from it
(``variants``), prints ``ready`` and then saves B, C, A, B, C, ... to PATH in a tight loop,
printing ``saved <n> <title>`` after each save returns. The test kills it with SIGKILL at a
random moment and checks that PATH still opens as the last model saved or the one being saved.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop_app.core.model import Model, Phase, Region, Settings, Site
from desktop_app.storage.document import read_model, write_model

CYCLE = ("B", "C", "A")  # the order of the saves; the file starts as A


def model_a(sites: int = 2000, phases_per_site: int = 3) -> Model:
    """A model big enough that one save takes tens of milliseconds."""
    regions = [Region(code=f"R{i}", name=f"Region {i}") for i in range(5)]
    return Model(
        settings=Settings(title="A"),
        regions=regions,
        sites=[Site(name=f"site {i:05d}", operator=f"operator {i % 37}",
                    region=regions[i % 5].code, utilisation=0.5 + (i % 40) / 100,
                    notes="n" * (i % 50))
               for i in range(sites)],
        phases=[Phase(site=f"site {i:05d}", name=f"Phase {j + 1}",
                      capacity_mw=10.0 + i % 300 + j, online_year=2025 + (i + j) % 6)
                for i in range(sites) for j in range(phases_per_site)],
    )


def variants(a: Model) -> dict[str, Model]:
    """A, and B and C derived from it so that each is told apart by its fingerprint.

    Entities are shared where they do not change (nothing mutates them), which keeps this fast.
    """
    dropped = a.sites[-1].name
    b = Model(settings=replace(a.settings, title="B"), regions=a.regions,
              accelerators=a.accelerators, sites=a.sites[:-1],
              phases=[p for p in a.phases if p.site != dropped],
              supply_lines=a.supply_lines, scenarios=a.scenarios)
    c = Model(settings=replace(a.settings, title="C"), regions=a.regions,
              accelerators=a.accelerators, sites=a.sites,
              phases=[replace(p, capacity_mw=p.capacity_mw + 1.0) for p in a.phases],
              supply_lines=a.supply_lines, scenarios=a.scenarios)
    return {"A": a, "B": b, "C": c}


def fingerprint(model: Model) -> tuple[str, int, int]:
    return model.settings.title, len(model.sites), len(model.phases)


def main(path: Path) -> None:
    models = variants(read_model(path))
    print("ready", flush=True)
    n = 0
    while True:
        title = CYCLE[n % len(CYCLE)]
        write_model(models[title], path)
        n += 1
        print(f"saved {n} {title}", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
