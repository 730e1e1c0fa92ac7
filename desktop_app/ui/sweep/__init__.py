"""Sweeps over scenarios and driver values: the set-up dialog and its results view."""
