"""Exploratory sweeps: scenario × driver designs, each point a seeded Monte Carlo run, executed
in-process or on Dask, with per-point statistics, feature scores and scenario discovery."""
