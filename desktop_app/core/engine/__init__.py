"""The NumPy projection engine (DESIGN §3)."""
