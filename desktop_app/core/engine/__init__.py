"""The NumPy projection engine: compiled arrays, scenarios, the kernels, Monte Carlo and
sensitivity (``docs/ARCHITECTURE.md`` has the flow)."""
