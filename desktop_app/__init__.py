"""Compute Atlas: plan the AI-infrastructure buildout offline."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("compute-atlas")
except PackageNotFoundError:  # running from a source tree or a frozen build without metadata
    __version__ = "0.1.0"
