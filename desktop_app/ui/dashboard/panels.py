"""The dashboard's six plots and the formats each exports to, known before pyqtgraph is
imported: the view lays the grid out from them and the window hooks list them in File ▸ Export
Plot."""

from __future__ import annotations

# key, title, grid row, grid column
PANELS = (("spend-by-region", "Compute spend by region", 0, 0),
          ("capacity", "Planned vs online capacity", 0, 1),
          ("supply-demand", "Accelerator supply vs demand", 0, 2),
          ("scenario-comparison", "Scenario comparison", 1, 0),
          ("tornado", "Tornado", 1, 1),
          ("energy-emissions", "Energy and emissions", 1, 2))
TITLES = {key: title for key, title, _row, _column in PANELS}
# format: what File ▸ Export Plot calls it, the file dialog's filter
FORMATS = {"png": ("PNG image", "PNG images (*.png)"),
           "svg": ("SVG drawing", "SVG drawings (*.svg)"),
           "csv": ("CSV data", "CSV files (*.csv)")}
