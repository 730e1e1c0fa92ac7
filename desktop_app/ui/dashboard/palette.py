"""Colours of the dashboard: one per region (stable by position), per scenario, per role."""

from __future__ import annotations

# Tableau 10 and a few more, in an order that keeps neighbours in a stack distinguishable.
REGION_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
                  "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f7a8c", "#8cd17d",
                  "#d37295", "#a0cbe8", "#86bcb6", "#f1ce63")
SCENARIO_COLOURS = ("#1f4e79", "#d1495b", "#2e8b57", "#edae49", "#6a4c93", "#00798c",
                    "#8d6a9f", "#5c5c5c")
BAND = (31, 78, 121, 48)  # P10–P90: translucent navy over the stack
BAND_EDGE = (31, 78, 121, 150)
P50 = "#1f4e79"
PLANNED = "#6b7785"
ONLINE = "#1f7a8c"
BACKLOG = (232, 131, 58, 150)
SUPPLY = "#1f4e79"
REQUESTED = "#d1495b"
DELIVERED = (118, 183, 178, 190)
BINDING = "#c0392b"
ENERGY = (78, 121, 167, 190)
EMISSIONS = "#8c564b"
TORNADO_LOW = "#4e79a7"
TORNADO_HIGH = "#f28e2b"


def region_colour(index: int) -> str:
    return REGION_COLOURS[index % len(REGION_COLOURS)]


def scenario_colour(index: int) -> str:
    return SCENARIO_COLOURS[index % len(SCENARIO_COLOURS)]
