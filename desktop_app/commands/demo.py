"""``compute-atlas --headless-demo``: what ``make run`` does on a machine without a display."""

from __future__ import annotations

from desktop_app.commands.run import print_summary
from desktop_app.core.engine.montecarlo import run_monte_carlo
from desktop_app.core.engine.project import Projector
from desktop_app.core.results_io import ScenarioRun
from desktop_app.core.sample_model import build_sample_model


def headless_demo() -> int:
    print("No display found: projecting the built-in 2026 buildout sample headless "
          "(run `make run` on a desktop session for the app).")
    model = build_sample_model()
    projector = Projector(model)
    for scenario in model.scenarios:
        monte_carlo = None
        if scenario.name == "Baseline":
            monte_carlo = run_monte_carlo(model, scenario.name, 2_000, base=projector.base)
        print_summary(ScenarioRun(projector.project(scenario.name), monte_carlo))
    return 0
