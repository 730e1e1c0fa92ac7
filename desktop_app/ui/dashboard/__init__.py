"""The live dashboard: six pyqtgraph plots that follow every edit and slider drag.

Modules: ``controller`` (projector, coalescing, the current choices), ``view`` (the widget),
``panels`` (the six plots and their export formats, known before pyqtgraph),
``window_hooks`` (File ▸ Export Plot, status bar; the only module that sees the window, through
``ui.window_api``), ``base`` and ``items`` (legend toggles,
hover read-out, export context menu), one module per plot, ``export`` (PNG, SVG with its Qt
fallback, CSV) and ``scales`` ($B/$T, MW/GW…). Only the plot modules import pyqtgraph, and
only after the window's first paint.
"""

from desktop_app.ui.dashboard.view import QDashboard

__all__ = ["QDashboard"]
