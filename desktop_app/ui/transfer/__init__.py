"""Imports and exports: the File menu's transfer actions, results, scenario and site files."""
