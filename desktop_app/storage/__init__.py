"""The .atlas document on SQLite (Qt-free)."""
