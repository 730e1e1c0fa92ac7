"""Headless subcommands of ``compute-atlas`` (Qt-free: they run in CI, batch and SSH)."""
